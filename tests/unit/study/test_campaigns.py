"""Campaign creation: validation and each creator's scope."""

from __future__ import annotations

import pytest

from handbook.accounts.permissions import Grant, Permissions
from handbook.accounts.vocabulary import COMMITTEE_VIEWER
from handbook.app_db import get_db
from handbook.errors import Invalid
from handbook.study import campaigns, documents
from tests.unit.study.helpers import ACTOR, EDITOR_PERMS, today


def form(app, units, **overrides) -> campaigns.CampaignInput:
    with app.app_context(), get_db(app).transaction() as tx:
        doc_id = documents.load(tx, "nghi-quyet-35").id
    values = dict(
        title="Quán triệt Nghị quyết 35",
        opens_on=today().isoformat(),
        deadline=today().isoformat(),
        document_ids=[doc_id],
        unit_ids=[u.id for u in units],
    )
    values.update(overrides)
    return campaigns.CampaignInput(**values)


def create(app, perms, data):
    with app.app_context(), get_db(app).transaction() as tx:
        return campaigns.create(tx, ACTOR, perms, data)


def viewer_of(unit) -> Permissions:
    return Permissions(7, (Grant(COMMITTEE_VIEWER, unit.id, unit.path),))


def test_period_runs_to_the_end_of_the_deadline_day_in_vietnam(study, tree):
    campaign = create(study, EDITOR_PERMS, form(study, [tree.cell_a]))
    assert (campaign.ends_at - campaign.starts_at).total_seconds() == 24 * 3600
    assert campaign.starts_at.hour == 17  # 00:00 at UTC+7


def test_every_problem_is_reported(study, tree):
    bad = form(
        study,
        [],
        title="x",
        opens_on="2026-02-01",
        deadline="2026-01-01",
        quiz_pass_mark="150",
        document_ids=[999_999],
    )
    with pytest.raises(Invalid) as error:
        create(study, EDITOR_PERMS, bad)
    assert {p.field for p in error.value.problems} == {"tieu_de", "han", "diem_dat", "van_ban", "don_vi"}


def test_each_bad_date_names_its_field(study, tree):
    bad = form(study, [tree.cell_a], opens_on="31/02/2026", deadline="mai")
    with pytest.raises(Invalid) as error:
        create(study, EDITOR_PERMS, bad)
    reasons = {p.field: p.reason for p in error.value.problems}
    assert reasons["ngay_mo"].startswith("Ngày mở") and reasons["han"].startswith("Hạn hoàn thành")


def test_committee_viewer_addresses_only_their_subtree(study, tree):
    perms = viewer_of(tree.committee)
    assert create(study, perms, form(study, [tree.grassroots, tree.cell_b])).id
    for outside in (tree.province, tree.cell_c, tree.other_committee):
        with pytest.raises(Invalid):
            create(study, perms, form(study, [tree.cell_a, outside]))
    with study.app_context(), get_db(study).transaction() as tx:
        names = {u.id for u in campaigns.assignable_units(tx, perms)}
    assert tree.cell_a.id in names and tree.cell_c.id not in names and tree.province.id not in names


def test_managers_see_campaigns_in_their_scope(study, tree):
    inside = create(study, EDITOR_PERMS, form(study, [tree.cell_a]))
    create(study, EDITOR_PERMS, form(study, [tree.cell_c]))
    with study.app_context(), get_db(study).transaction() as tx:
        assert [c.id for c in campaigns.managed_by(tx, viewer_of(tree.committee))] == [inside.id]
        assert len(campaigns.managed_by(tx, EDITOR_PERMS)) == 2
