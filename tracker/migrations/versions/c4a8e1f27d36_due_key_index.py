"""indexes on the list's due order: coalesce(due_date, '9999-12-31'), id (and due_date, to cover), also per status

Revision ID: c4a8e1f27d36
Revises: b7e2c4d9a1f0
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4a8e1f27d36'
down_revision = 'b7e2c4d9a1f0'
branch_labels = None
depends_on = None

# Exactly as ActionItem.due_key (tracker/models/rules.py) renders it: SQLite and PostgreSQL use an
# expression index only for the same expression (tests/test_item_pages.py checks the query plan).
DUE_KEY = "coalesce(due_date, '9999-12-31')"


def upgrade():
    op.create_index('ix_action_items_due_key', 'action_items', [sa.text(DUE_KEY), 'id', 'due_date'], unique=False)
    op.create_index('ix_action_items_status_due_key', 'action_items', ['status', sa.text(DUE_KEY), 'id', 'due_date'],
                    unique=False)


def downgrade():
    op.drop_index('ix_action_items_status_due_key', table_name='action_items')
    op.drop_index('ix_action_items_due_key', table_name='action_items')
