"""indexes of the decision queue: done items by completion time, pending extension requests by age

Revision ID: e5d1c7a9b3f2
Revises: c4a8e1f27d36
Create Date: 2026-12-05 09:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5d1c7a9b3f2'
down_revision = 'c4a8e1f27d36'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_action_items_status_completed', 'action_items', ['status', 'completed_at', 'id'],
                    unique=False)
    op.create_index('ix_extension_requests_state_created', 'extension_requests', ['state', 'created_at', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_extension_requests_state_created', table_name='extension_requests')
    op.drop_index('ix_action_items_status_completed', table_name='action_items')
