"""item tallies per unit (OPD) and per hour of verification, an index for overdue items per unit, one for
items of a webinar verified per week

Revision ID: c6f2a9d4e8b1
Revises: b3c8e2f5a7d1
Create Date: 2026-12-06 13:30:00

"""
from alembic import op

from tracker.models.tallies import drop_statements, retally_statements

# revision identifiers, used by Alembic.
revision = 'c6f2a9d4e8b1'
down_revision = 'b3c8e2f5a7d1'
branch_labels = None
depends_on = None


def _retally() -> None:
    """Replace the tally triggers (now also keyed by unit) and count the tallies again from the items."""
    dialect = op.get_bind().dialect.name
    for statement in [*drop_statements(dialect), *retally_statements(dialect)]:
        op.execute(statement)


def upgrade():
    op.create_index('ix_action_items_unit_status_due', 'action_items',
                    ['unit_id', 'status', 'due_date', 'deleted_at'], unique=False)
    op.create_index('ix_action_items_webinar_verified', 'action_items',
                    ['webinar_id', 'status', 'verified_at', 'deleted_at'], unique=False)
    _retally()


def downgrade():
    # The triggers stay those of this code (the older code reads only the grains it knows);
    # the unit tallies go, so that nothing stale is left behind.
    op.execute("DELETE FROM item_tallies WHERE grain IN ('unit', 'verified')")
    op.drop_index('ix_action_items_webinar_verified', table_name='action_items')
    op.drop_index('ix_action_items_unit_status_due', table_name='action_items')
