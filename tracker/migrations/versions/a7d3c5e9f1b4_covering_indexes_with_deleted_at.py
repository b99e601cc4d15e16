"""covering indexes again: the status, owner and webinar due-date indexes carry deleted_at

The visible rule (deleted_at IS NULL) made the dashboard's overdue and due-soon counts read the
table for every matching row (34 ms instead of 3 ms at 100k items on SQLite); with deleted_at in
the index the counts are answered from the index alone again.

Revision ID: a7d3c5e9f1b4
Revises: f3b9d2a7c610
Create Date: 2026-12-06 11:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7d3c5e9f1b4'
down_revision = 'f3b9d2a7c610'
branch_labels = None
depends_on = None

INDEXES = {
    "ix_action_items_status_due": ["status", "due_date"],
    "ix_action_items_owner_status_due": ["owner_id", "status", "due_date"],
    "ix_action_items_webinar_status_due": ["webinar_id", "status", "due_date"],
}


def _rebuild(with_deleted_at: bool) -> None:
    # Plain index statements, never a batch table copy: the tally triggers live on this table.
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name='action_items')
        op.create_index(name, 'action_items', [*columns, "deleted_at"] if with_deleted_at else columns, unique=False)


def upgrade():
    _rebuild(with_deleted_at=True)


def downgrade():
    _rebuild(with_deleted_at=False)
