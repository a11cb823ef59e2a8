"""The organisation tree and memberships: placement rules, moves, merges, transfers, history."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handbook.accounts import members, roles, units
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, RoleGrant, Unit
from handbook.accounts.vocabulary import CELL, PARTIAL_COMMITTEE, SECRETARY
from handbook.app_db import get_db
from handbook.errors import Conflict, Invalid
from tests import factories

ACTOR = Actor.system("test")


@pytest.fixture
def tx(app, tree):
    with app.app_context(), get_db(app).transaction() as session:
        yield session


def test_paths_describe_the_tree(tree):
    assert tree.cell_a.path == f"{tree.grassroots.path}{tree.cell_a.id}/"
    assert tree.committee.contains(tree.cell_a) and not tree.other_committee.contains(tree.cell_a)


@pytest.mark.parametrize(
    ("kind", "parent_attr"),
    [
        (CELL, "province"),
        (CELL, "committee"),
        (PARTIAL_COMMITTEE, "committee"),
        (CELL, "cell_a"),
        ("khong_co", "grassroots"),
    ],
)
def test_units_only_sit_under_allowed_parents(tx, tree, kind, parent_attr):
    with pytest.raises(Invalid):
        units.create_unit(tx, ACTOR, "MOI", "Đơn vị mới", kind, getattr(tree, parent_attr).id)


def test_codes_are_unique_and_names_required(tx, tree):
    with pytest.raises(Invalid) as error:
        units.create_unit(tx, ACTOR, "HU-XA-1", " ", CELL, tree.grassroots.id)
    assert {p.field for p in error.value.problems} == {"ma", "ten"}


def test_move_carries_the_subtree_and_refuses_cycles(tx, tree):
    units.move_unit(tx, ACTOR, tree.grassroots.id, tree.other_committee.id)
    cell = tx.get(Unit, tree.cell_a.id)
    assert cell.path.startswith(tx.get(Unit, tree.other_committee.id).path)
    with pytest.raises(Invalid):
        units.move_unit(tx, ACTOR, tree.grassroots.id, tree.cell_a.id)
    assert [e.action for e in units.history(tx, tree.grassroots.id)] == ["created", "moved"]


def test_rename_keeps_the_old_name_in_history(tx, tree):
    units.rename_unit(tx, ACTOR, tree.committee.id, "Đảng bộ thị xã Đồng Phú")
    event = units.history(tx, tree.committee.id)[-1]
    assert event.details == {"old": "Đảng bộ huyện Đồng Phú", "new": "Đảng bộ thị xã Đồng Phú"}


def test_merge_moves_members_and_children_and_closes_the_unit(app, tree):
    user = factories.make_user(app, "nguyen.van.an", cell=tree.cell_b)
    with app.app_context(), get_db(app).transaction() as tx:
        units.merge_unit(tx, ACTOR, tree.cell_b.id, tree.cell_a.id)
        assert members.current(tx, user.id).unit_id == tree.cell_a.id
        closed = tx.get(Unit, tree.cell_b.id)
        assert not closed.active and closed.merged_into_id == tree.cell_a.id
        assert [m.unit_id for m in members.history(tx, user.id)] == [tree.cell_b.id, tree.cell_a.id]
        with pytest.raises(Invalid):
            units.merge_unit(tx, ACTOR, tree.grassroots.id, tree.cell_a.id)


def test_close_refuses_a_unit_with_members(app, tree):
    factories.make_user(app, "nguyen.van.an", cell=tree.cell_b)
    with app.app_context(), get_db(app).transaction() as tx, pytest.raises(Conflict):
        units.close_unit(tx, ACTOR, tree.cell_b.id)


def test_transfer_keeps_history_and_ends_secretary_role(app, tree):
    user = factories.make_user(app, "nguyen.van.an", cell=tree.cell_a, grants=((SECRETARY, tree.cell_a),))
    with app.app_context(), get_db(app).transaction() as tx:
        members.transfer(tx, ACTOR, user.id, tree.cell_c.id)
        history = members.history(tx, user.id)
        assert [(m.unit_id, m.end_reason) for m in history] == [
            (tree.cell_a.id, "chuyen_sinh_hoat"),
            (tree.cell_c.id, None),
        ]
        assert roles.grants_of(tx, user.id) == []
        with pytest.raises(Invalid):
            members.transfer(tx, ACTOR, user.id, tree.grassroots.id)


def test_one_current_cell_per_member_is_enforced_by_the_database(app, tree):
    user = factories.make_user(app, "nguyen.van.an", cell=tree.cell_a)
    with pytest.raises(IntegrityError):
        with app.app_context(), get_db(app).transaction() as tx:
            tx.add(Membership(user_id=user.id, unit_id=tree.cell_b.id))


def test_role_rules(app, tree):
    user = factories.make_user(app, "nguyen.van.an", cell=tree.cell_a)
    with app.app_context(), get_db(app).transaction() as tx:
        for role, unit in (
            ("secretary", tree.cell_b),
            ("secretary", tree.grassroots),
            ("admin", tree.cell_a),
            ("chairman", None),
            ("committee_viewer", None),
        ):
            with pytest.raises(Invalid):
                roles.grant(tx, ACTOR, user.id, role, unit.id if unit else None)
        first = roles.grant(tx, ACTOR, user.id, "committee_viewer", tree.committee.id)
        tx.flush()
        assert roles.grant(tx, ACTOR, user.id, "committee_viewer", tree.committee.id) is first
        assert len(tx.scalars(select(RoleGrant)).all()) == 1
