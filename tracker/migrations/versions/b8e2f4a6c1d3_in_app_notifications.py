"""in-app notifications and the per-kind e-mail choice of each user

Revision ID: b8e2f4a6c1d3
Revises: c4f7a2e9d8b1
Create Date: 2026-12-06 13:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8e2f4a6c1d3'
down_revision = 'c4f7a2e9d8b1'
branch_labels = None
depends_on = None

KINDS = ('assigned', 'supporter', 'status', 'due_date', 'comment', 'mention', 'extension', 'verify')


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='notificationkind', native_enum=False, length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_pending', sa.Boolean(), nullable=False),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['action_items.id'], name=op.f('fk_notifications_item_id_action_items'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)
        batch_op.create_index('ix_notifications_user_id', ['user_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_email_pending'), ['email_pending'], unique=False)
    # A plain ADD COLUMN (a batch would copy the users table, which other tables' rows point to).
    op.add_column('users', sa.Column('email_events', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    op.drop_column('users', 'email_events')  # plain DROP COLUMN (SQLite 3.35+), no copy of users
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_email_pending'))
        batch_op.drop_index(batch_op.f('ix_notifications_item_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_actor_id'))
        batch_op.drop_index('ix_notifications_user_id')
        batch_op.drop_index('ix_notifications_user_read')
    op.drop_table('notifications')
