"""search index: a stemmed document per item and the vocabulary of its words, with native indexes

SQLite gets FTS5 tables (documents, and trigrams of the vocabulary) kept by triggers; PostgreSQL a
weighted tsvector column with a GIN index and a pg_trgm index on the words. The index of the existing
items is built here (the same code as `flask reindex`).

Revision ID: c2f8a4e6b1d9
Revises: c6f2a9d4e8b1
Create Date: 2026-12-06 13:20:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.search import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = 'c2f8a4e6b1d9'
down_revision = 'c6f2a9d4e8b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'item_search',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('head', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('plain', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['action_items.id'], name=op.f('fk_item_search_item_id_action_items'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('item_id', name=op.f('pk_item_search')),
    )
    op.create_table(
        'search_words',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('word', sa.String(length=60), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_words')),
        sa.UniqueConstraint('word', name=op.f('uq_search_words_word')),
    )
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)
    from tracker.services.search_index import rebuild
    rebuild(op.get_bind())


def downgrade():
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('search_words')
    op.drop_table('item_search')
