"""tallies on PostgreSQL: inserts counted once per statement (a big import stays linear)

Revision ID: c4f7a2e9d8b1
Revises: b8e4f2a6c1d3
Create Date: 2026-12-06 13:50:00

The row-level trigger updated the same tally rows once per inserted item; in one transaction of
10,000 items each update walked every earlier version of its row. Inserts now go through a
statement-level trigger over the transition table; deletes and updates stay per row. The counts do
not change, so nothing is recounted. SQLite's triggers are unchanged.
"""
from alembic import op

from tracker.models.tallies import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = 'c4f7a2e9d8b1'
down_revision = 'b8e4f2a6c1d3'
branch_labels = None
depends_on = None


def _replace_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect != "postgresql":
        return
    for statement in drop_statements(dialect):
        op.execute(statement)
    for statement in create_statements(dialect):
        op.execute(statement)


def upgrade():
    _replace_triggers()


def downgrade():
    # The per-row insert trigger is not brought back: both count the same, this one in linear time.
    pass
