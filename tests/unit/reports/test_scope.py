"""Who may open which report: out of scope looks exactly like missing."""

from __future__ import annotations

import pytest

from handbook.accounts import members
from handbook.accounts.permissions import Grant, Permissions
from handbook.accounts.vocabulary import ADMIN, COMMITTEE_VIEWER, SECRETARY
from handbook.app_db import get_db
from handbook.errors import NotFound
from handbook.reports import scope
from tests import factories
from tests.unit.study.helpers import make_campaign


def _perms(role, unit=None) -> Permissions:
    return Permissions(7, (Grant(role, unit.id if unit else None, unit.path if unit else None),))


def test_entry_units_per_role(library, tree):
    with library.app_context(), get_db(library).transaction() as tx:
        assert [u.id for u in scope.entry_units(tx, _perms(ADMIN))] == [tree.province.id]
        assert [u.id for u in scope.entry_units(tx, _perms(SECRETARY, tree.cell_a))] == [tree.cell_a.id]
        both = Permissions(
            7,
            (
                Grant(COMMITTEE_VIEWER, tree.committee.id, tree.committee.path),
                Grant(COMMITTEE_VIEWER, tree.grassroots.id, tree.grassroots.path),
            ),
        )
        assert [u.id for u in scope.entry_units(tx, both)] == [tree.committee.id]


def test_cells_and_campaigns_in_scope(library, tree):
    elsewhere = make_campaign(library, [tree.other_committee], ["quy-dinh-37"])
    here = make_campaign(library, [tree.cell_a], ["quy-dinh-37"])
    viewer = _perms(COMMITTEE_VIEWER, tree.committee)
    with library.app_context(), get_db(library).transaction() as tx:
        assert scope.cell(tx, viewer, tree.cell_b.id).id == tree.cell_b.id
        assert scope.campaign(tx, tree.committee, here.id).id == here.id
        for call in (
            lambda: scope.cell(tx, viewer, tree.cell_c.id),
            lambda: scope.cell(tx, viewer, tree.grassroots.id),
            lambda: scope.unit(tx, viewer, tree.province.id),
            lambda: scope.campaign(tx, tree.committee, elsewhere.id),
            lambda: scope.campaign(tx, tree.cell_b, here.id),
        ):
            with pytest.raises(NotFound):
                call()


def test_a_campaign_follows_a_member_transferred_out_of_the_cell_it_was_for(library, tree):
    here = make_campaign(library, [tree.cell_a], ["quy-dinh-37"])
    moving = factories.make_user(library, "chuyen.di", cell=tree.cell_a, password=None)
    with library.app_context(), get_db(library).transaction() as tx:
        assert scope.campaigns_reaching(tx, tree.cell_b) == []
        members.transfer(tx, factories.FACTORY, moving.id, tree.cell_b.id)
    with library.app_context(), get_db(library).transaction() as tx:
        assert [c.id for c in scope.campaigns_reaching(tx, tree.cell_b)] == [here.id]
        assert scope.campaign(tx, tree.grassroots, here.id).id == here.id
        with pytest.raises(NotFound):
            scope.campaign(tx, tree.cell_c, here.id)
