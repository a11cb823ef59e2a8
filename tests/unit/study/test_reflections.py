"""Reflections: assigned members write them; their own secretary reads and reviews them."""

from __future__ import annotations

import pytest

from handbook.accounts.permissions import Grant, Permissions
from handbook.accounts.vocabulary import SECRETARY
from handbook.app_db import get_db
from handbook.errors import Conflict, Invalid, NotFound
from handbook.study import reflections
from tests.unit.study.helpers import ACTOR, make_campaign

TEXT = "Qua học tập, tôi nhận thức rõ hơn trách nhiệm nêu gương của đảng viên."


def secretary_of(unit) -> Permissions:
    return Permissions(9, (Grant(SECRETARY, unit.id, unit.path),), unit.id)


def test_member_writes_reviewed_reflection_is_locked(study, tree, member):
    campaign = make_campaign(study, [tree.cell_a], ["quy-dinh-37"])
    with study.app_context(), get_db(study).transaction() as tx:
        note = reflections.submit(tx, member.id, campaign.id, TEXT)
        reflections.submit(tx, member.id, campaign.id, TEXT + " Sửa lại.")
        reflections.mark_reviewed(tx, ACTOR, secretary_of(tree.cell_a), note.id)
    with pytest.raises(Conflict), study.app_context(), get_db(study).transaction() as tx:
        reflections.submit(tx, member.id, campaign.id, TEXT)


def test_only_assigned_members_and_sensible_lengths(study, tree, member):
    campaign = make_campaign(study, [tree.cell_c], ["quy-dinh-37"])
    with pytest.raises(NotFound), study.app_context(), get_db(study).transaction() as tx:
        reflections.submit(tx, member.id, campaign.id, TEXT)
    mine = make_campaign(study, [tree.cell_a], ["quy-dinh-37"])
    with pytest.raises(Invalid), study.app_context(), get_db(study).transaction() as tx:
        reflections.submit(tx, member.id, mine.id, "ngắn")


def test_secretaries_of_other_cells_cannot_read(study, tree, member):
    campaign = make_campaign(study, [tree.cell_a], ["quy-dinh-37"])
    with study.app_context(), get_db(study).transaction() as tx:
        note = reflections.submit(tx, member.id, campaign.id, TEXT)
    with pytest.raises(NotFound), study.app_context(), get_db(study).transaction() as tx:
        reflections.read_for_secretary(tx, ACTOR, secretary_of(tree.cell_b), note.id)
    with study.app_context(), get_db(study).transaction() as tx:
        rows = reflections.for_cell(tx, secretary_of(tree.cell_a), tree.cell_a.id, campaign.id)
        assert [(r.member.id, r.reflection.id) for r in rows] == [(member.id, note.id)]
