"""merge the training branch

Revision ID: 0009
Revises: 0007, 0008
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | Sequence[str] | None = ("0007", "0008")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: this revision only joins branches."""


def downgrade() -> None:
    """Nothing to change: this revision only joins branches."""
