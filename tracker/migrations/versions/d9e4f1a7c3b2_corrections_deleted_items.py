"""corrections: items deleted as entered by mistake (deleted_at, deleted_by_id, delete_reason), tallies of
visible items only, the due-order indexes covering deleted_at

Revision ID: d9e4f1a7c3b2
Revises: e5d1c7a9b3f2
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.tallies import drop_statements, retally_statements

# revision identifiers, used by Alembic.
revision = 'd9e4f1a7c3b2'
down_revision = 'e5d1c7a9b3f2'
branch_labels = None
depends_on = None

# Exactly as ActionItem.due_key (tracker/models/rules.py) renders it (see c4a8e1f27d36).
DUE_KEY = "coalesce(due_date, '9999-12-31')"


def _due_key_indexes(*extra: str) -> None:
    op.create_index('ix_action_items_due_key', 'action_items', [sa.text(DUE_KEY), 'id', 'due_date', *extra],
                    unique=False)
    op.create_index('ix_action_items_status_due_key', 'action_items',
                    ['status', sa.text(DUE_KEY), 'id', 'due_date', *extra], unique=False)


def _drop_due_key_indexes() -> None:
    op.drop_index('ix_action_items_status_due_key', table_name='action_items')
    op.drop_index('ix_action_items_due_key', table_name='action_items')


def _retally(every_item: bool) -> None:
    """Replace the tally triggers and count the tallies again from the items."""
    for statement in retally_statements(op.get_bind().dialect.name, every_item=every_item):
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in drop_statements(dialect):
        op.execute(statement)
    # Plain ADD COLUMN on both dialects: a batch copy of action_items would drop its expression indexes,
    # and with SQLite's foreign keys on, dropping the old table would fail on the rows that refer to it.
    op.add_column('action_items', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    if dialect == 'sqlite':  # SQLite adds a foreign key only inline, with its column
        op.execute("ALTER TABLE action_items ADD COLUMN deleted_by_id INTEGER "
                   "CONSTRAINT fk_action_items_deleted_by_id_users REFERENCES users (id)")
    else:
        op.add_column('action_items', sa.Column('deleted_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_action_items_deleted_by_id_users'), 'action_items', 'users',
                              ['deleted_by_id'], ['id'])
    op.add_column('action_items', sa.Column('delete_reason', sa.Text(), nullable=True))
    op.create_index(op.f('ix_action_items_deleted_by_id'), 'action_items', ['deleted_by_id'], unique=False)
    op.create_index('ix_action_items_deleted_at', 'action_items', ['deleted_at'], unique=False,
                    sqlite_where=sa.text('deleted_at IS NOT NULL'),
                    postgresql_where=sa.text('deleted_at IS NOT NULL'))
    _drop_due_key_indexes()
    _due_key_indexes('deleted_at')
    _retally(every_item=False)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in drop_statements(dialect):
        op.execute(statement)
    _drop_due_key_indexes()
    _due_key_indexes()
    op.drop_index('ix_action_items_deleted_at', table_name='action_items')
    op.drop_index(op.f('ix_action_items_deleted_by_id'), table_name='action_items')
    if dialect == 'postgresql':
        op.drop_constraint(op.f('fk_action_items_deleted_by_id_users'), 'action_items', type_='foreignkey')
    # SQLite (3.35+) drops a column with its own REFERENCES clause in place.
    op.drop_column('action_items', 'delete_reason')
    op.drop_column('action_items', 'deleted_by_id')
    op.drop_column('action_items', 'deleted_at')
    # Deleted items come back into every count: the older schema cannot tell them apart.
    _retally(every_item=True)
