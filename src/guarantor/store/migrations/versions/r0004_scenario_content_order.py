"""Scenario content keeps its key order on PostgreSQL: ``json``, not ``jsonb``.

``jsonb`` sorts an object's keys, so a stored scenario came back with its raids' weapons (and
every other free-form table) in another order than its file's; the models draw their random
numbers in that order, so the stored scenario gave other numbers than the file. ``json``
keeps the text as written. Rows stored before keep the order ``jsonb`` gave them. SQLite
stores JSON as text already: nothing changes there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """``scenarios.content`` becomes ``json`` on PostgreSQL."""
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "scenarios",
            "content",
            type_=sa.JSON(),
            existing_type=JSONB(),
            existing_nullable=False,
            postgresql_using="content::json",
        )


def downgrade() -> None:
    """Back to ``jsonb`` (key order is lost again)."""
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "scenarios",
            "content",
            type_=JSONB(),
            existing_type=sa.JSON(),
            existing_nullable=False,
            postgresql_using="content::jsonb",
        )
