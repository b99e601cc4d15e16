"""evidence files (bukti dukung): their bytes and metadata in the database

Revision ID: e5b1d7c3a9f2
Revises: d9e4f1a7c3b2
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b1d7c3a9f2'
down_revision = 'd9e4f1a7c3b2'
branch_labels = None
depends_on = None

CURRENT_ONLY = "withdrawn_at IS NULL"


def upgrade():
    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['action_items.id'], name=op.f('fk_evidence_files_item_id_action_items')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_evidence_files_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files'))
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_files_uploaded_by_id'), ['uploaded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_files_withdrawn_by_id'), ['withdrawn_by_id'], unique=False)
        batch_op.create_index('ix_evidence_files_item_sha256_current', ['item_id', 'sha256'], unique=True,
                              sqlite_where=sa.text(CURRENT_ONLY), postgresql_where=sa.text(CURRENT_ONLY))


def downgrade():
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_files_item_sha256_current')
        batch_op.drop_index(batch_op.f('ix_evidence_files_withdrawn_by_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_files_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_files_item_id'))

    op.drop_table('evidence_files')
