"""Assignment of campaigns and the percentages computed from it, one way for everyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from handbook.accounts import members
from handbook.accounts.models import Membership
from handbook.app_db import get_db
from handbook.study import campaigns, completion, documents, progress
from handbook.study.progress import Ratio
from tests import factories
from tests.unit.study.helpers import ACTOR, complete, make_campaign, read_all, revise, today

NQ35, QD37, QD47 = "nghi-quyet-35", "quy-dinh-37", "quy-dinh-47"


def ratios(app, user_ids, as_of=None):
    with app.app_context(), get_db(app).transaction() as tx:
        return (
            progress.campaign_progress(tx, user_ids, as_of),
            progress.overall_progress(tx, user_ids, as_of),
        )


def test_percent_rounds_down_and_is_none_when_nothing_is_due():
    assert progress.percent(2, 3) == 66 and progress.percent(199, 200) == 99
    assert progress.percent(0, 0) is None and Ratio(3, 3).complete and not Ratio().complete


def test_campaign_and_overall_percentages(study, tree, member):
    first = make_campaign(study, [tree.grassroots], [NQ35, QD37])
    second = make_campaign(study, [tree.cell_a], [QD37, QD47])
    complete(study, member.id, QD37)
    by_campaign, overall = ratios(study, [member.id])
    assert by_campaign[(member.id, first.id)] == Ratio(1, 2)
    assert by_campaign[(member.id, second.id)] == Ratio(1, 2)
    assert overall[member.id] == Ratio(1, 3)  # QD37 counted once across campaigns
    assert overall[member.id].percent == 33


def test_units_outside_the_subtree_are_not_assigned(study, tree, member):
    make_campaign(study, [tree.cell_c, tree.cell_b], [NQ35])
    by_campaign, overall = ratios(study, [member.id])
    assert by_campaign == {} and overall == {}


def test_a_member_joining_during_the_campaign_is_included(study, tree):
    campaign = make_campaign(study, [tree.committee], [NQ35])
    newcomer = factories.make_user(study, "moi.vao", cell=tree.cell_b)
    by_campaign, _ = ratios(study, [newcomer.id])
    assert by_campaign[(newcomer.id, campaign.id)] == Ratio(0, 1)


def test_a_member_transferred_out_keeps_the_record(study, tree, member):
    campaign = make_campaign(study, [tree.cell_a], [QD37])
    complete(study, member.id, QD37)
    with study.app_context(), get_db(study).transaction() as tx:
        members.transfer(tx, ACTOR, member.id, tree.cell_c.id)
    by_campaign, overall = ratios(study, [member.id])
    assert by_campaign[(member.id, campaign.id)] == Ratio(1, 1)
    assert overall[member.id].percent == 100


def test_a_membership_ended_before_the_campaign_does_not_assign(study, tree, member):
    with study.app_context(), get_db(study).transaction() as tx:
        members.transfer(tx, ACTOR, member.id, tree.cell_c.id)
    campaign = make_campaign(study, [tree.cell_a], [QD37], opens_on=today() + timedelta(days=2))
    later = datetime.now(UTC) + timedelta(days=5)
    by_campaign, _ = ratios(study, [member.id], as_of=later)
    assert (member.id, campaign.id) not in by_campaign


def test_campaigns_not_yet_open_do_not_count(study, tree, member):
    make_campaign(study, [tree.cell_a], [QD37], opens_on=today() + timedelta(days=3))
    assert ratios(study, [member.id]) == ({}, {})


def test_a_minor_revision_keeps_completion_and_restudy_undoes_it(study, content_dir, tree, member):
    campaign = make_campaign(study, [tree.cell_a], [QD37])
    complete(study, member.id, QD37)
    revise(study, content_dir, QD37, "\n\nSửa lỗi chính tả.")
    assert ratios(study, [member.id])[0][(member.id, campaign.id)] == Ratio(1, 1)
    revise(study, content_dir, QD37, "\n\nNội dung mới quan trọng.", requires_restudy=True)
    assert ratios(study, [member.id])[0][(member.id, campaign.id)] == Ratio(0, 1)
    with study.app_context(), get_db(study).transaction() as tx:
        history = completion.history(tx, member.id)
    assert [entry.valid for entry in history] == [False]
    complete(study, member.id, QD37)  # a re-study starts from unread sections
    assert ratios(study, [member.id])[0][(member.id, campaign.id)] == Ratio(1, 1)


def test_bulk_form_for_a_whole_cell_equals_one_member_at_a_time(study, tree, member, other_member):
    make_campaign(study, [tree.grassroots], [NQ35, QD37, QD47])
    third = factories.make_user(study, "vo.van.ba", cell=tree.cell_a)
    complete(study, member.id, QD37)
    complete(study, third.id, NQ35)
    complete(study, third.id, QD47)
    cells = [tree.cell_a.id, tree.cell_b.id]
    cell = select(Membership.user_id).where(Membership.unit_id.in_(cells))
    bulk = ratios(study, cell)
    for user in (member, other_member, third):
        single = ratios(study, [user.id])
        assert {k: v for k, v in bulk[0].items() if k[0] == user.id} == single[0]
        assert bulk[1].get(user.id) == single[1].get(user.id)


def test_document_progress_counts_sections_with_words(study, member):
    with study.app_context(), get_db(study).transaction() as tx:
        doc = documents.load(tx, QD37)
    read_all(study, member.id, QD37)
    with study.app_context(), get_db(study).transaction() as tx:
        mine = progress.member_documents(tx, member.id, [doc.id])
    assert mine[doc.id] == Ratio(len(doc.to_read), len(doc.to_read))
    assert len(doc.to_read) < len(doc.required)  # the heading-only chapter is not counted


def test_assigned_campaigns_are_listed_for_the_member(study, tree, member):
    campaign = make_campaign(study, [tree.province], [NQ35])
    with study.app_context(), get_db(study).transaction() as tx:
        assert [c.id for c in campaigns.assigned_campaigns(tx, member.id)] == [campaign.id]
        assert campaigns.is_assigned(tx, member.id, campaign.id)
