"""calendar alarm days: when the calendar feed reminds a user of a due date

Revision ID: b4e8a2c6d1f3
Revises: a7d3c5e9f1b4
Create Date: 2026-12-06 13:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b4e8a2c6d1f3'
down_revision = 'a7d3c5e9f1b4'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD/DROP COLUMN (SQLite has both): a batch copy of `users` would trip its foreign keys.
    op.add_column('users', sa.Column('calendar_alarm_days', sa.Integer(), server_default='1', nullable=True))


def downgrade():
    op.drop_column('users', 'calendar_alarm_days')
