"""Who may see which unit, computed from grants alone."""

from __future__ import annotations

from handbook.accounts.models import Unit
from handbook.accounts.permissions import ANONYMOUS, Grant, Permissions

PROVINCE = Unit(id=1, path="/1/")
COMMITTEE = Unit(id=2, path="/1/2/")
CELL_A = Unit(id=3, path="/1/2/3/")
CELL_B = Unit(id=4, path="/1/2/4/")
OTHER = Unit(id=5, path="/1/5/")
# A path that merely starts with the same digits must not match: "/1/2/" vs "/1/22/".
LOOKALIKE = Unit(id=22, path="/1/22/")


def perms(*grants) -> Permissions:
    return Permissions(
        7, tuple(Grant(role, unit.id if unit else None, unit.path if unit else None) for role, unit in grants)
    )


def test_nobody_sees_anything_by_default():
    member = perms()
    assert not any(member.can_view_unit(u) for u in (PROVINCE, COMMITTEE, CELL_A))
    assert ANONYMOUS.roles == frozenset() and perms().roles == {"member"}


def test_secretary_sees_only_the_own_cell():
    secretary = perms(("secretary", CELL_A))
    assert secretary.can_view_unit(CELL_A)
    assert not any(secretary.can_view_unit(u) for u in (CELL_B, COMMITTEE, PROVINCE))


def test_committee_viewer_sees_the_whole_subtree_only():
    viewer = perms(("committee_viewer", COMMITTEE))
    assert all(viewer.can_view_unit(u) for u in (COMMITTEE, CELL_A, CELL_B))
    assert not any(viewer.can_view_unit(u) for u in (PROVINCE, OTHER, LOOKALIKE))


def test_admin_sees_everything_and_editor_no_unit():
    assert perms(("admin", None)).can_view_unit(OTHER)
    assert not perms(("editor", None)).can_view_unit(OTHER)
    assert perms(("editor", None)).is_privileged and not perms().is_privileged


def test_several_roles_add_up():
    both = perms(("secretary", OTHER), ("committee_viewer", COMMITTEE))
    assert both.can_view_unit(OTHER) and both.can_view_unit(CELL_B)
    assert both.scope_unit_ids == [2, 5]
