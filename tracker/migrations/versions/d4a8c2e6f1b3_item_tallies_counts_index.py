"""an index of the item tallies holding their counts, so that the dashboard's sums read the index alone

Revision ID: d4a8c2e6f1b3
Revises: c2f8a4e6b1d9
Create Date: 2026-12-06 16:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4a8c2e6f1b3'
down_revision = 'c2f8a4e6b1d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_item_tallies_counts', 'item_tallies', ['grain', 'key', 'status', 'n'], unique=False)


def downgrade():
    op.drop_index('ix_item_tallies_counts', table_name='item_tallies')
