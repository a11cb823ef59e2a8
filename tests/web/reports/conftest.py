"""Fixtures of the report pages: a campaign over the grassroots committee, members with
names a spreadsheet would take for formulas."""

from __future__ import annotations

import pytest

from tests import factories
from tests.unit.study.helpers import make_campaign

SLUG = "quy-dinh-37"


@pytest.fixture
def campaign(library, tree):
    return make_campaign(
        library, [tree.province], [SLUG, "nghi-quyet-35"], title="Học tập Quy định 37 và Nghị quyết 35"
    )


@pytest.fixture
def tricky_members(library, tree):
    return [
        factories.make_user(library, username, cell=tree.cell_a, password=None, full_name=name)
        for username, name in (("cong.thuc", '=HYPERLINK("http://x","y")'), ("a.cong", "@SUM(A1)"))
    ]
