"""lifecycles: the text the content folder and the database last agreed on, and who
scheduled a publication

Revision ID: 0008_lifecycles
Revises: 0007_api_tokens
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_lifecycles'
down_revision = '0007_api_tokens'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('synced_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('scheduled_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_documents_scheduled_by_id_users'), 'users',
                                    ['scheduled_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_documents_scheduled_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('scheduled_by_id')
        batch_op.drop_column('synced_hash')
