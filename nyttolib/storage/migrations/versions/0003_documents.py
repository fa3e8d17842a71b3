"""Documents of other kinds than assessments (the project canvas, checklist answers), revisioned alike.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("head_revision", sa.Integer, nullable=False),
        sa.Column("deleted_at", sa.Text),
        sa.Column("owner", sa.Text),
        sa.Column("organisation", sa.Text),
        sa.Column("on_date", sa.Text),
        sa.Column("link", sa.Text),
    )
    op.create_index("documents_kind_owner", "documents", ["kind", "owner"])
    op.create_index("documents_link", "documents", ["link"])
    op.create_table(
        "document_revisions",
        sa.Column("document_id", sa.Text, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("saved_at", sa.Text, nullable=False),
        sa.Column("saved_by", sa.Text),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("document", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_revisions")
    op.drop_index("documents_link", "documents")
    op.drop_index("documents_kind_owner", "documents")
    op.drop_table("documents")
