"""item tallies kept by triggers, and an index for per-webinar overdue counts

Revision ID: b7e2c4d9a1f0
Revises: 81ceba1e208c
Create Date: 2026-12-01 22:40:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.tallies import create_statements, drop_statements, rebuild_statement

# revision identifiers, used by Alembic.
revision = 'b7e2c4d9a1f0'
down_revision = '81ceba1e208c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'item_tallies',
        sa.Column('grain', sa.String(length=10), nullable=False),
        sa.Column('key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('grain', 'key', 'status', name=op.f('pk_item_tallies')),
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index('ix_action_items_webinar_status_due', ['webinar_id', 'status', 'due_date'], unique=False)
        batch_op.create_index('ix_action_items_status_updated', ['status', 'updated_at'], unique=False)
    dialect = op.get_bind().dialect.name
    # This schema has no deleted_at yet: its triggers count every item (d9e4f1a7c3b2 makes them count
    # only visible ones).
    for statement in create_statements(dialect, every_item=True):
        op.execute(statement)
    op.execute(rebuild_statement(dialect, every_item=True))


def downgrade():
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index('ix_action_items_status_updated')
        batch_op.drop_index('ix_action_items_webinar_status_due')
    op.drop_table('item_tallies')
