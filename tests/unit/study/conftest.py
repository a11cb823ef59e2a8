"""Fixtures of the study tests: the library imported, the unit tree, a member."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def study(library, tree, member):
    """The app with the library, the unit tree and a member of cell A."""
    return library


@pytest.fixture
def other_member(app, tree):
    return factories.make_user(app, "le.thi.hoa", cell=tree.cell_b, full_name="Lê Thị Hoa")
