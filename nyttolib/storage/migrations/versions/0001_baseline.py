"""The schema as nyttolib kept it before Alembic: assessments with revisions and drafts, and workshops.

A database made by an earlier nyttolib already has these tables (perhaps in an older shape, which the
workshop store still brings up to date itself): only the missing ones are created.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables() -> list[tuple[str, list]]:
    return [
        ("assessments", [
            sa.Column("id", sa.Text, primary_key=True),
            sa.Column("created_at", sa.Text, nullable=False),
            sa.Column("head_revision", sa.Integer, nullable=False),
            sa.Column("deleted_at", sa.Text),
        ]),
        ("revisions", [
            sa.Column("assessment_id", sa.Text, sa.ForeignKey("assessments.id"), primary_key=True),
            sa.Column("revision", sa.Integer, primary_key=True),
            sa.Column("saved_at", sa.Text, nullable=False),
            sa.Column("schema_version", sa.Integer, nullable=False),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("stage", sa.Text),
            sa.Column("completeness_percent", sa.Double),
            sa.Column("note", sa.Text, nullable=False, server_default=""),
            sa.Column("document", sa.Text, nullable=False),
        ]),
        ("drafts", [
            sa.Column("assessment_id", sa.Text, primary_key=True),
            sa.Column("saved_at", sa.Text, nullable=False),
            sa.Column("fields", sa.Text, nullable=False),
        ]),
        ("workshops", [
            sa.Column("id", sa.Text, primary_key=True),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("questionnaire_id", sa.Text, nullable=False),
            sa.Column("held_on", sa.Text),
            sa.Column("join_hash", sa.Text, nullable=False, unique=True),
            sa.Column("facilitator_hash", sa.Text, nullable=False, unique=True),
            sa.Column("created_at", sa.Text, nullable=False),
            sa.Column("closed_at", sa.Text),
            sa.Column("join_sealed", sa.Text),
        ]),
        ("workshop_responses", [
            sa.Column("workshop_id", sa.Text, sa.ForeignKey("workshops.id"), primary_key=True),
            sa.Column("token_hash", sa.Text, primary_key=True, unique=True),
            sa.Column("role", sa.Text),
            sa.Column("subject", sa.Text),
            sa.Column("answers", sa.Text, nullable=False),
            sa.Column("created_at", sa.Text, nullable=False),
            sa.Column("updated_at", sa.Text, nullable=False),
            sa.Column("submitted_at", sa.Text),
            sa.Column("name", sa.Text),
        ]),
        ("workshop_facilitation", [
            sa.Column("workshop_id", sa.Text, sa.ForeignKey("workshops.id"), primary_key=True),
            sa.Column("document", sa.Text, nullable=False),
            sa.Column("updated_at", sa.Text, nullable=False),
        ]),
        ("workshop_comparisons", [
            sa.Column("workshop_id", sa.Text, sa.ForeignKey("workshops.id"), primary_key=True),
            sa.Column("earlier_id", sa.Text, sa.ForeignKey("workshops.id"), primary_key=True),
        ]),
        ("workshop_facilitation_records", [
            sa.Column("workshop_id", sa.Text, sa.ForeignKey("workshops.id"), primary_key=True),
            sa.Column("kind", sa.Text, primary_key=True),
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text),
            sa.Column("revision", sa.Integer, nullable=False),
            sa.Column("updated_at", sa.Text, nullable=False),
        ]),
    ]  # fmt: skip


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, columns in _tables():
        if name not in existing:
            op.create_table(name, *columns)


def downgrade() -> None:
    for name, _ in reversed(_tables()):
        op.drop_table(name)
