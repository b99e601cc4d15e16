"""item tallies per unit and due day (the dashboard's overdue items per unit without counting the items);
tally keys become 64-bit, since a unit-and-day key is the unit id times a million plus the day; a due date
before 1970 is tallied as day 0 (it was a negative day, left out of the overdue total)

Revision ID: e2b6d8f4a1c7
Revises: d4a8c2e6f1b3
Create Date: 2026-12-06 17:00:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.tallies import create_statements, drop_statements, retally_statements

# revision identifiers, used by Alembic.
revision = 'e2b6d8f4a1c7'
down_revision = 'd4a8c2e6f1b3'
branch_labels = None
depends_on = None


def _drop_triggers() -> None:
    # SQLite rebuilds item_tallies to change a column's type: triggers naming it must not exist meanwhile.
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)


def _retally() -> None:
    """Create the tally triggers (now also keyed by unit and due day) and count the tallies again."""
    for statement in retally_statements(op.get_bind().dialect.name):
        op.execute(statement)


def upgrade():
    _drop_triggers()
    with op.batch_alter_table('item_tallies') as batch_op:
        batch_op.alter_column('key', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)
    _retally()


def downgrade():
    # The triggers stay those of this code, as in the earlier tally migrations: they go on counting
    # every grain, and older code reads only the grains it knows. The 32-bit keys hold a unit-and-day key
    # for unit ids up to 2,147.
    _drop_triggers()
    op.execute("DELETE FROM item_tallies WHERE grain = 'unit_due'")
    with op.batch_alter_table('item_tallies') as batch_op:
        batch_op.alter_column('key', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)
