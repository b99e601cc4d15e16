"""letterhead logo uploaded into the database (setting_files)

Revision ID: b3c8e2f5a7d1
Revises: b8e2f4a6c1d3
Create Date: 2026-12-06 13:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3c8e2f5a7d1'
down_revision = 'b8e2f4a6c1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('setting_files',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_setting_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting_files'))
    )
    with op.batch_alter_table('setting_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_setting_files_uploaded_by_id'), ['uploaded_by_id'], unique=False)
    # The old setting named a file in the static folder; the logo is now uploaded (or the default one).
    op.execute("DELETE FROM settings WHERE key = 'logo_path'")


def downgrade():
    with op.batch_alter_table('setting_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_setting_files_uploaded_by_id'))
    op.drop_table('setting_files')
