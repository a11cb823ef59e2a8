"""content library

Revision ID: 0001_content
Revises: 
Create Date: 2026-11-24
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0001_content'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    version = op.create_table('content_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version'))
    )
    op.bulk_insert(version, [{'id': 1, 'version': 0, 'updated_at': datetime.now(timezone.utc)}])
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('number_key', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('doc_type', sa.String(length=40), nullable=False),
    sa.Column('issuer', sa.String(length=80), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('term', sa.String(length=10), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('effect_status', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('current_revision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('number_key', name=op.f('uq_documents_number_key')),
    sa.UniqueConstraint('slug', name=op.f('uq_documents_slug'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_doc_type'), ['doc_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_effect_status'), ['effect_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_issued_on'), ['issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_issuer'), ['issuer'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_state'), ['state'], unique=False)

    op.create_table('document_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_number', sa.String(length=60), nullable=False),
    sa.Column('target_key', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_relations_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_relations'))
    )
    with op.batch_alter_table('document_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_relations_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_relations_target_key'), ['target_key'], unique=False)

    op.create_table('document_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('toc', sa.JSON(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('requires_restudy', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_revisions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_revisions')),
    sa.UniqueConstraint('document_id', 'number', name=op.f('uq_document_revisions_document_id'))
    )
    with op.batch_alter_table('document_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_revisions_document_id'), ['document_id'], unique=False)

    # documents ↔ revisions are circular: add this key once both tables exist.
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_documents_current_revision_id_document_revisions'),
            'document_revisions', ['current_revision_id'], ['id'], ondelete='SET NULL')

    op.create_table('document_tags',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_tags_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'tag', name=op.f('pk_document_tags'))
    )
    op.create_table('document_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('anchor', sa.String(length=200), nullable=False),
    sa.Column('heading', sa.String(length=500), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['document_revisions.id'], name=op.f('fk_document_sections_revision_id_document_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_sections')),
    sa.UniqueConstraint('revision_id', 'anchor', name=op.f('uq_document_sections_revision_id'))
    )
    with op.batch_alter_table('document_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_sections_revision_id'), ['revision_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('fk_documents_current_revision_id_document_revisions', type_='foreignkey')
    with op.batch_alter_table('document_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_sections_revision_id'))

    op.drop_table('document_sections')
    op.drop_table('document_tags')
    with op.batch_alter_table('document_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_revisions_document_id'))

    op.drop_table('document_revisions')
    with op.batch_alter_table('document_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_relations_target_key'))
        batch_op.drop_index(batch_op.f('ix_document_relations_document_id'))

    op.drop_table('document_relations')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_state'))
        batch_op.drop_index(batch_op.f('ix_documents_issuer'))
        batch_op.drop_index(batch_op.f('ix_documents_issued_on'))
        batch_op.drop_index(batch_op.f('ix_documents_effect_status'))
        batch_op.drop_index(batch_op.f('ix_documents_doc_type'))

    op.drop_table('documents')
    op.drop_table('content_version')
