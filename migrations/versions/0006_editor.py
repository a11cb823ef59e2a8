"""editor: scheduled publishing and archiving of documents

Revision ID: 0006_editor
Revises: 0005_attachments
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_editor'
down_revision = '0005_attachments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publish_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_publish_at'), ['publish_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_publish_at'))
        batch_op.drop_column('archived_at')
        batch_op.drop_column('publish_at')
