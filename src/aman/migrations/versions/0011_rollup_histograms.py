"""roll-ups: one histogram row per (campaign, scope, node) instead of one row per bin

Revision ID: 0011
Revises: 0010

A full recompute of 2,000,000 answers wrote ~190,000 bin rows, each with its primary key and
foreign-key check; as histograms it writes ~12,000. Existing bins are carried over.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BINS = sa.table(
    "rollup_bins",
    sa.column("campaign_id", sa.Uuid()),
    sa.column("scope", sa.String()),
    sa.column("node", sa.String()),
    sa.column("bin", sa.Integer()),
    sa.column("count", sa.Integer()),
)
_HISTOGRAMS = sa.table(
    "rollup_histograms",
    sa.column("campaign_id", sa.Uuid()),
    sa.column("scope", sa.String()),
    sa.column("node", sa.String()),
    sa.column("counts", sa.JSON()),
)


def upgrade() -> None:
    op.create_table(
        "rollup_histograms",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("node", sa.String(length=120), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_rollup_histograms_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "scope", "node", name=op.f("pk_rollup_histograms")),
    )
    bind = op.get_bind()
    grouped: dict[tuple[object, str, str], dict[str, int]] = defaultdict(dict)
    for campaign_id, scope, node, b, n in bind.execute(sa.select(_BINS).where(_BINS.c.count > 0)):
        grouped[(campaign_id, scope, node)][str(b)] = n
    rows = [
        {"campaign_id": c, "scope": s, "node": n, "counts": counts}
        for (c, s, n), counts in grouped.items()
    ]
    if rows:
        bind.execute(_HISTOGRAMS.insert(), rows)
    op.drop_table("rollup_bins")


def downgrade() -> None:
    op.create_table(
        "rollup_bins",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("node", sa.String(length=120), nullable=False),
        sa.Column("bin", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_rollup_bins_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "scope", "node", "bin", name=op.f("pk_rollup_bins")),
    )
    bind = op.get_bind()
    rows = [
        {"campaign_id": c, "scope": s, "node": n, "bin": int(b), "count": k}
        for c, s, n, counts in bind.execute(sa.select(_HISTOGRAMS))
        for b, k in (json.loads(counts) if isinstance(counts, str) else counts).items()
    ]
    if rows:
        bind.execute(_BINS.insert(), rows)
    op.drop_table("rollup_histograms")
