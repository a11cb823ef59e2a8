"""A unit's lineage: the paths from the root down to it, for "reaches this unit" checks."""

from handbook.accounts.models import Unit


def test_lineage_lists_every_ancestor_path_then_the_unit_itself():
    assert Unit(path="/1/5/17/").lineage_paths == ["/1/", "/1/5/", "/1/5/17/"]
    assert Unit(path="/3/").lineage_paths == ["/3/"]
