"""Initial store: scenarios, contributors, pledges (versioned) and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables."""
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("variant_of", sa.String(128), nullable=True),
        sa.Column("content", JSONType, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scenarios"),
        sa.UniqueConstraint("name", name="uq_scenarios_name"),
    )
    op.create_table(
        "contributors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("max_personnel", sa.Integer(), nullable=True),
        sa.Column("harmony_tour_months", sa.Float(), nullable=True),
        sa.Column("harmony_dwell_months", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_contributors"),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenarios.id"],
            name="fk_contributors_scenario_id_scenarios",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("scenario_id", "code", name="uq_contributors_scenario_id"),
    )
    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("nation", sa.String(16), nullable=False),
        sa.Column("capability", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("readiness_days", sa.Integer(), nullable=False),
        sa.Column("sustainment_mode", sa.String(16), nullable=False),
        sa.Column("sustainment_tour_months", sa.Float(), nullable=False),
        sa.Column("caveats", JSONType, nullable=False),
        sa.Column("provenance", JSONType, nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pledges"),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenarios.id"],
            name="fk_pledges_scenario_id_scenarios",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id", "nation"],
            ["contributors.scenario_id", "contributors.code"],
            name="fk_pledges_nation_contributors",
        ),
        sa.UniqueConstraint("scenario_id", "pledge_id", name="uq_pledges_scenario_id"),
    )
    op.create_index("ix_pledges_scenario_nation", "pledges", ["scenario_id", "nation"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("scenario", sa.String(128), nullable=True),
        sa.Column("before", JSONType, nullable=True),
        sa.Column("after", JSONType, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
    )
    op.create_index("ix_audit_scenario_at", "audit", ["scenario", "at"])
    op.create_index("ix_audit_entity", "audit", ["entity", "entity_id"])


def downgrade() -> None:
    """Drop the four tables."""
    op.drop_index("ix_audit_entity", table_name="audit")
    op.drop_index("ix_audit_scenario_at", table_name="audit")
    op.drop_table("audit")
    op.drop_index("ix_pledges_scenario_nation", table_name="pledges")
    op.drop_table("pledges")
    op.drop_table("contributors")
    op.drop_table("scenarios")
