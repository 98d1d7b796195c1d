"""Tokens expire: an expiry time on every token (tokens issued before get the default term).

Revision ID: 0003
Revises: 0002
Create Date: 2026-02-10
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Days left to tokens that existed before expiry did (the default term of new tokens).
GRACE_DAYS = 90


def upgrade() -> None:
    """Add ``tokens.expires_at``, fill it for existing tokens, then make it required."""
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    until = datetime.now(UTC) + timedelta(days=GRACE_DAYS)
    bind = op.get_bind()
    value: datetime = until.replace(tzinfo=None) if bind.dialect.name == "sqlite" else until
    tokens = sa.table("tokens", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.execute(tokens.update().values(expires_at=value))
    with op.batch_alter_table("tokens") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.create_index("ix_tokens_user_id", ["user_id"])


def downgrade() -> None:
    """Drop the expiry."""
    with op.batch_alter_table("tokens") as batch:
        batch.drop_index("ix_tokens_user_id")
        batch.drop_column("expires_at")
