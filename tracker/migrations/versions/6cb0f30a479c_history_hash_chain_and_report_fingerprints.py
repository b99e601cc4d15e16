"""history hash chain (prev_hash, row_hash) and report fingerprints with verification codes

Revision ID: 6cb0f30a479c
Revises: e5b1d7c3a9f2
Create Date: 2026-12-06 10:00:00

Existing history rows are chained per item in id order, a thousand items at a time (the rows of a
batch are read by an item-id range on ix_item_history_item_id, so memory stays flat at 300k rows).
Existing snapshots are fingerprinted as they are stored now and given a verification code.
"""
import secrets

import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime
from tracker.models.integrity import GENESIS, history_row_hash, snapshot_fingerprint

# revision identifiers, used by Alembic.
revision = '6cb0f30a479c'
down_revision = 'e5b1d7c3a9f2'
branch_labels = None
depends_on = None

ITEMS_PER_BATCH = 1000

history = sa.table(
    'item_history',
    *(sa.column(name, sa.Integer) for name in ('id', 'item_id', 'actor_id', 'item_version')),
    sa.column('created_at', UTCDateTime()),
    *(sa.column(name, sa.Text) for name in ('kind', 'field', 'old_value', 'new_value', 'old_label', 'new_label',
                                            'note', 'prev_hash', 'row_hash')),
)
items = sa.table('action_items', sa.column('id', sa.Integer))
snapshots = sa.table(
    'report_snapshots', sa.column('id', sa.Integer), sa.column('number', sa.String), sa.column('title', sa.String),
    sa.column('scope', sa.JSON), sa.column('data', sa.JSON), sa.column('created_at', UTCDateTime()),
    sa.column('fingerprint', sa.String), sa.column('verification_code', sa.String),
)


def _chained(rows) -> list[dict]:
    """The hashes of rows given in (item, id) order."""
    filled, tail, item = [], GENESIS, None
    for row in rows:
        if row.item_id != item:
            tail, item = GENESIS, row.item_id
        row_hash = history_row_hash(row._mapping, tail)
        filled.append({'row_id': row.id, 'prev_hash': tail, 'row_hash': row_hash})
        tail = row_hash
    return filled


def _write(bind, filled: list[dict]) -> None:
    # An executemany by primary key: psycopg pipelines it (faster here than UPDATE ... FROM (VALUES ...)).
    if filled:
        bind.execute(history.update().where(history.c.id == sa.bindparam('row_id'))
                     .values(prev_hash=sa.bindparam('prev_hash'), row_hash=sa.bindparam('row_hash')), filled)


def _fill_history(bind) -> None:
    last = 0
    while True:
        batch = bind.execute(sa.select(items.c.id).where(items.c.id > last).order_by(items.c.id)
                             .limit(ITEMS_PER_BATCH)).scalars().all()
        if not batch:
            return
        rows = bind.execute(sa.select(history).where(history.c.item_id.between(batch[0], batch[-1]))
                            .order_by(history.c.item_id, history.c.id)).all()
        _write(bind, _chained(rows))
        last = batch[-1]


def _fill_snapshots(bind) -> None:
    for row in bind.execute(sa.select(snapshots).order_by(snapshots.c.id)).all():
        fingerprint = snapshot_fingerprint(row.number, row.title, row.scope, row.data, row.created_at)
        bind.execute(snapshots.update().where(snapshots.c.id == row.id)
                     .values(fingerprint=fingerprint, verification_code=secrets.token_urlsafe(16)))


def upgrade():
    with op.batch_alter_table('item_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.CHAR(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.CHAR(length=64), nullable=True))
    with op.batch_alter_table('report_snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.CHAR(length=64), nullable=True))
        batch_op.add_column(sa.Column('verification_code', sa.String(length=32), nullable=True))

    bind = op.get_bind()
    _fill_history(bind)
    _fill_snapshots(bind)

    with op.batch_alter_table('item_history', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.CHAR(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.CHAR(length=64), nullable=False)
    with op.batch_alter_table('report_snapshots', schema=None) as batch_op:
        batch_op.alter_column('fingerprint', existing_type=sa.CHAR(length=64), nullable=False)
        batch_op.alter_column('verification_code', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index(batch_op.f('ix_report_snapshots_verification_code'), ['verification_code'],
                              unique=True)


def downgrade():
    with op.batch_alter_table('report_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_snapshots_verification_code'))
        batch_op.drop_column('verification_code')
        batch_op.drop_column('fingerprint')
    with op.batch_alter_table('item_history', schema=None) as batch_op:
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
