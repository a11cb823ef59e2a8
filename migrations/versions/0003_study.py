"""study: campaigns, reading events, section reads, completions, reflections, quizzes

Revision ID: 0003_study
Revises: 0002_accounts
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_study'
down_revision = '0002_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('quiz_pass_mark', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_campaigns_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_deadline'), ['deadline'], unique=False)

    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('edition', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_quiz_attempts_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts'))
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempts_user_document', ['user_id', 'document_id'], unique=False)

    op.create_table('quiz_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('answer', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_quiz_questions_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_quiz_questions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_questions'))
    )
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_questions_document_id'), ['document_id'], unique=False)

    op.create_table('reading_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_event_id', sa.String(length=64), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('anchor', sa.String(length=200), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('credited', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_reading_events_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reading_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_events')),
    sa.UniqueConstraint('user_id', 'client_event_id', name=op.f('uq_reading_events_user_id'))
    )
    with op.batch_alter_table('reading_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_events_document_id'), ['document_id'], unique=False)

    op.create_table('section_reads',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('edition', sa.Integer(), nullable=False),
    sa.Column('anchor', sa.String(length=200), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('required_seconds', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_section_reads_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_section_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'document_id', 'edition', 'anchor', name=op.f('pk_section_reads'))
    )
    with op.batch_alter_table('section_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_reads_document_id'), ['document_id'], unique=False)

    op.create_table('campaign_documents',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_documents_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_campaign_documents_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'document_id', name=op.f('pk_campaign_documents'))
    )
    with op.batch_alter_table('campaign_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_documents_document_id'), ['document_id'], unique=False)

    op.create_table('campaign_units',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_units_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_campaign_units_unit_id_units')),
    sa.PrimaryKeyConstraint('campaign_id', 'unit_id', name=op.f('pk_campaign_units'))
    )
    with op.batch_alter_table('campaign_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_units_unit_id'), ['unit_id'], unique=False)

    op.create_table('completions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('edition', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('marked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_completions_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by'], ['users.id'], name=op.f('fk_completions_marked_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['document_revisions.id'], name=op.f('fk_completions_revision_id_document_revisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_completions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completions')),
    sa.UniqueConstraint('user_id', 'document_id', 'edition', name=op.f('uq_completions_user_id'))
    )
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completions_document_id'), ['document_id'], unique=False)

    op.create_table('reflections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_reflections_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], name=op.f('fk_reflections_reviewed_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reflections_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflections')),
    sa.UniqueConstraint('campaign_id', 'user_id', name=op.f('uq_reflections_campaign_id'))
    )
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflections_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflections_user_id'))

    op.drop_table('reflections')
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completions_document_id'))

    op.drop_table('completions')
    with op.batch_alter_table('campaign_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_units_unit_id'))

    op.drop_table('campaign_units')
    with op.batch_alter_table('campaign_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_documents_document_id'))

    op.drop_table('campaign_documents')
    with op.batch_alter_table('section_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_reads_document_id'))

    op.drop_table('section_reads')
    with op.batch_alter_table('reading_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_events_document_id'))

    op.drop_table('reading_events')
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_questions_document_id'))

    op.drop_table('quiz_questions')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempts_user_document')

    op.drop_table('quiz_attempts')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_deadline'))

    op.drop_table('campaigns')
