"""merge the evidence and assessments branches

Revision ID: 0008
Revises: 0004, 0005
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | Sequence[str] | None = ("0004", "0005")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: this revision only joins two branches."""


def downgrade() -> None:
    """Nothing to change: this revision only joins two branches."""
