"""reading time line: the interval each reading event covers, why it was capped or
refused, and an index to find a member's events by time

Revision ID: 0009_reading_timeline
Revises: 0008_lifecycles
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_reading_timeline'
down_revision = '0008_lifecycles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reading_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('flag', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_reading_events_user_occurred', ['user_id', 'occurred_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reading_events', schema=None) as batch_op:
        batch_op.drop_index('ix_reading_events_user_occurred')
        batch_op.drop_column('flag')
        batch_op.drop_column('starts_at')
