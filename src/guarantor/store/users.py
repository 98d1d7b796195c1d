"""Users, roles and API tokens: who may read, who may edit which nation's pledges, who runs jobs.

A token is shown once when it is issued; the store keeps only its SHA-256 digest, so a copy of
the database gives nobody a working token. A user holds one token at a time: issuing a new
one revokes the old. Tokens expire after a term (``--expires-days``, else
``GUARANTOR_TOKEN_DAYS``, else 90 days) and can be revoked at once (``guarantor users revoke``).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from guarantor.errors import InputError, NotFoundError, Problem
from guarantor.store.limits import NAME_MAX, text_problem
from guarantor.store.schema import Base, UTCDateTime, utcnow

NATION_PATTERN = r"^[A-Z][A-Z0-9-]{1,15}$"

#: Environment variable giving the default term of new tokens, in days.
TOKEN_DAYS_ENV = "GUARANTOR_TOKEN_DAYS"
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650


class Role(StrEnum):
    """What a user may do, from least to most."""

    VIEWER = "viewer"
    NATION_EDITOR = "nation-editor"
    PLANNER = "planner"
    ADMIN = "admin"


class UserRow(Base):
    """A person (or tool) using the shared store."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    nation: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TokenRow(Base):
    """An API token, stored as the SHA-256 digest of the secret the user holds."""

    __tablename__ = "tokens"
    __table_args__ = (Index("ix_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(BaseModel):
    """A user as the rest of the program sees it (detached from any session)."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    role: Role
    nation: str | None = None

    @property
    def can_plan(self) -> bool:
        """Planners and admins may change every pledge, read the audit and run jobs."""
        return self.role in (Role.PLANNER, Role.ADMIN)

    def may_edit_nation(self, nation: str) -> bool:
        """True if this user may write pledges of ``nation``."""
        if self.can_plan:
            return True
        return self.role is Role.NATION_EDITOR and self.nation == nation


def hash_token(token: str) -> str:
    """The digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, role=Role(row.role), nation=row.nation)


def token_days(days: int | None = None) -> int:
    """The term of a new token: ``days`` if given, else ``GUARANTOR_TOKEN_DAYS``, else 90."""
    where = "--expires-days"
    if days is None:
        text = os.environ.get(TOKEN_DAYS_ENV, "").strip()
        if not text:
            return DEFAULT_TOKEN_DAYS
        where = TOKEN_DAYS_ENV
        try:
            days = int(text)
        except ValueError:
            days = 0
    if not 1 <= days <= MAX_TOKEN_DAYS:
        reason = f"a token's term is 1 to {MAX_TOKEN_DAYS} days"
        raise InputError([Problem(where=where, reason=reason)])
    return days


def add_user(
    session: Session,
    name: str,
    role: str,
    nation: str | None = None,
    *,
    expires_days: int | None = None,
) -> tuple[User, str]:
    """Create a user and a first token; returns the user and the token (shown only once).

    A nation-editor needs a nation; the other roles must not have one (their rights do not
    depend on it).
    """
    problems: list[Problem] = []
    name = name.strip()
    bad = text_problem(name, NAME_MAX)
    if not name or bad:
        problems.append(
            Problem(where="user", path="name", reason=f"1 to {NAME_MAX} characters of text")
        )
    try:
        parsed = Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        problems.append(Problem(where="user", path="role", reason=f"one of {known}"))
        parsed = Role.VIEWER
    if nation is not None:
        nation = nation.strip().upper()
        if not re.match(NATION_PATTERN, nation):
            problems.append(Problem(where="user", path="nation", reason="an ISO3 code, e.g. FRA"))
    if parsed is Role.NATION_EDITOR and not nation:
        problems.append(Problem(where="user", path="nation", reason="a nation-editor needs one"))
    if parsed is not Role.NATION_EDITOR and nation and not problems:
        problems.append(
            Problem(where="user", path="nation", reason="only a nation-editor has a nation")
        )
    if problems:
        raise InputError(problems)
    if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
        raise InputError([Problem(where="user", path="name", reason=f"{name!r} already exists")])
    row = UserRow(name=name, role=parsed.value, nation=nation, active=True)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise InputError(
            [Problem(where="user", path="name", reason=f"{name!r} already exists")]
        ) from None
    token = issue_token(session, row.id, expires_days)
    return _user(row), token


def revoke_tokens(session: Session, user_id: int) -> int:
    """Revoke every live token of a user; returns how many there were."""
    result = session.execute(
        update(TokenRow)
        .where(TokenRow.user_id == user_id, TokenRow.revoked.is_(False))
        .values(revoked=True)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def issue_token(session: Session, user_id: int, expires_days: int | None = None) -> str:
    """A new token for a user, valid for ``expires_days`` (see :func:`token_days`); the
    user's earlier tokens stop working. Only the token's digest is stored."""
    term = timedelta(days=token_days(expires_days))
    revoke_tokens(session, user_id)
    token = secrets.token_urlsafe(32)
    session.add(
        TokenRow(
            user_id=user_id,
            token_hash=hash_token(token),
            revoked=False,
            created_at=utcnow(),
            expires_at=utcnow() + term,
        )
    )
    session.flush()
    return token


def token_user(session: Session, token: str) -> tuple[User, datetime] | None:
    """The active user a live token belongs to, and when the token expires; None for an
    unknown, revoked or expired token."""
    if not token or len(token) > 512:
        return None
    found = session.execute(
        select(UserRow, TokenRow.expires_at)
        .join(TokenRow, TokenRow.user_id == UserRow.id)
        .where(TokenRow.token_hash == hash_token(token), TokenRow.revoked.is_(False))
        .where(TokenRow.expires_at > utcnow(), UserRow.active.is_(True))
    ).one_or_none()
    if found is None:
        return None
    row, expires = found
    return _user(row), expires


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown, revoked or expired token."""
    found = token_user(session, token)
    return found[0] if found is not None else None


def list_users(session: Session) -> list[User]:
    """Every active user, by name."""
    rows = session.scalars(select(UserRow).where(UserRow.active.is_(True)).order_by(UserRow.name))
    return [_user(r) for r in rows]


def has_users(session: Session) -> bool:
    """Whether the store has any active user (a shared store) or none (a personal one)."""
    return session.scalar(select(UserRow.id).where(UserRow.active.is_(True)).limit(1)) is not None


def get_user(session: Session, name: str) -> User:
    """An active user by name."""
    row = session.scalar(select(UserRow).where(UserRow.name == name, UserRow.active.is_(True)))
    if row is None:
        raise NotFoundError(f"no user named {name!r}")
    return _user(row)
