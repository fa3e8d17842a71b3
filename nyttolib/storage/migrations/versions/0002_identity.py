"""Who saved each revision, who owns each assessment and whom it is shared with; workshops' creators.

Also an explicit order for a workshop's participants and notes (`seq`): SQLite's hidden rowid gave it
before, and PostgreSQL has none. Rows of a SQLite database keep the order they had.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ORDERED = ("workshop_responses", "workshop_facilitation_records")


def upgrade() -> None:
    with op.batch_alter_table("assessments") as table:
        table.add_column(sa.Column("owner", sa.Text))
    op.create_index("assessments_owner", "assessments", ["owner"])
    with op.batch_alter_table("revisions") as table:
        table.add_column(sa.Column("saved_by", sa.Text))
    op.create_table(
        "assessment_shares",
        sa.Column("assessment_id", sa.Text, sa.ForeignKey("assessments.id"), primary_key=True),
        sa.Column("user_name", sa.Text, primary_key=True),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("shared_by", sa.Text),
        sa.Column("shared_at", sa.Text, nullable=False),
        sa.CheckConstraint("mode IN ('read', 'edit')", name="assessment_shares_mode"),
    )
    op.create_index("assessment_shares_user", "assessment_shares", ["user_name"])
    with op.batch_alter_table("workshops") as table:
        table.add_column(sa.Column("created_by", sa.Text))
    for name in _ORDERED:
        with op.batch_alter_table(name) as table:
            table.add_column(sa.Column("seq", sa.BigInteger))
        if op.get_bind().dialect.name == "sqlite":  # the order rows had: SQLite's rowid
            op.execute(f"UPDATE {name} SET seq = rowid")


def downgrade() -> None:
    for name in _ORDERED:
        with op.batch_alter_table(name) as table:
            table.drop_column("seq")
    with op.batch_alter_table("workshops") as table:
        table.drop_column("created_by")
    op.drop_table("assessment_shares")
    with op.batch_alter_table("revisions") as table:
        table.drop_column("saved_by")
    op.drop_index("assessments_owner", "assessments")
    with op.batch_alter_table("assessments") as table:
        table.drop_column("owner")
