"""The store's tables (SQLAlchemy 2 typed ORM).

One row per scenario (metadata columns, the rest of its content as JSON), per contributor
and per pledge, and an append-only audit trail. Pledges carry a ``version`` counter for
optimistic concurrency; scenarios carry a ``revision`` counter (their ``version`` is the
scenario's own version string). Later migrations add users, tokens and runs beside these.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

#: Constraint names that stay the same on every backend, so later migrations can name them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")
#: JSON that keeps its objects' key order on every backend (PostgreSQL's ``json``, not
#: ``jsonb``): a stored scenario's tables come back in its file's order, and the models,
#: which draw random numbers in that order, give the file's numbers.
OrderedJSON = JSON()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with the shared naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class ScenarioRow(Base):
    """A stored scenario: metadata as columns, everything but contributors and pledges as JSON."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    as_of: Mapped[str] = mapped_column(String(10))
    variant_of: Mapped[str | None] = mapped_column(String(128))
    content: Mapped[dict[str, Any]] = mapped_column(OrderedJSON)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    contributors: Mapped[list[ContributorRow]] = relationship(
        back_populates="scenario",
        order_by="ContributorRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    pledges: Mapped[list[PledgeRow]] = relationship(
        back_populates="scenario",
        order_by="PledgeRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012


class ContributorRow(Base):
    """A contributor's part in one scenario (the nation itself is reference data)."""

    __tablename__ = "contributors"
    __table_args__ = (UniqueConstraint("scenario_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    max_personnel: Mapped[int | None] = mapped_column(Integer)
    harmony_tour_months: Mapped[float | None] = mapped_column(Float)
    harmony_dwell_months: Mapped[float | None] = mapped_column(Float)

    scenario: Mapped[ScenarioRow] = relationship(back_populates="contributors")


class PledgeRow(Base):
    """One pledge of one scenario; ``version`` rises by one with every change."""

    __tablename__ = "pledges"
    __table_args__ = (
        UniqueConstraint("scenario_id", "pledge_id"),
        ForeignKeyConstraint(
            ["scenario_id", "nation"],
            ["contributors.scenario_id", "contributors.code"],
            name="fk_pledges_nation_contributors",
        ),
        Index("ix_pledges_scenario_nation", "scenario_id", "nation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"))
    pledge_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    nation: Mapped[str] = mapped_column(String(16))
    capability: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    readiness_days: Mapped[int] = mapped_column(Integer)
    sustainment_mode: Mapped[str] = mapped_column(String(16))
    sustainment_tour_months: Mapped[float] = mapped_column(Float)
    caveats: Mapped[dict[str, Any]] = mapped_column(JSONType)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSONType)
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    scenario: Mapped[ScenarioRow] = relationship(back_populates="pledges")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AuditRow(Base):
    """One write: who, when (UTC), what, and the entity before and after (JSON)."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_scenario_at", "scenario", "at"),
        Index("ix_audit_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(128))
    scenario: Mapped[str | None] = mapped_column(String(128))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
