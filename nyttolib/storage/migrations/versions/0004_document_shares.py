"""Canvases and checklist answers are shared as assessments are: with named users, to read or to edit.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_shares",
        sa.Column("document_id", sa.Text, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("user_name", sa.Text, primary_key=True),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("shared_by", sa.Text),
        sa.Column("shared_at", sa.Text, nullable=False),
        sa.CheckConstraint("mode IN ('read', 'edit')", name="document_shares_mode"),
    )
    op.create_index("document_shares_user", "document_shares", ["user_name"])


def downgrade() -> None:
    op.drop_index("document_shares_user", "document_shares")
    op.drop_table("document_shares")
