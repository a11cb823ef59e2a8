"""Admin and editor search boxes take `%` and `_` as the characters typed, not wildcards."""

from __future__ import annotations

import pytest

from handbook.accounts import units, users
from handbook.app_db import get_db
from handbook.editor.listing import ListQuery, list_documents
from tests import factories


@pytest.fixture
def people(app, tree):
    factories.make_user(app, "giam.phi", full_name="Giảm 50% đảng phí", cell=tree.cell_a)
    factories.make_user(app, "tran_van_ba", full_name="Trần Văn Ba", cell=tree.cell_a)
    factories.make_user(app, "ho.van.5012", full_name="Hồ Văn Năm", cell=tree.cell_a)


def found_users(app, text: str) -> list[str]:
    with app.app_context(), get_db(app).sessions() as session:
        return sorted(u.username for u in users.search(session, text)[0])


def found_units(app, text: str) -> list[str]:
    with app.app_context(), get_db(app).sessions() as session:
        return sorted(u.code for u in units.search(session, text))


@pytest.mark.parametrize(
    "text, expected",
    [("%", ["giam.phi"]), ("50%", ["giam.phi"]), ("_", ["tran_van_ba"]), ("50", ["giam.phi", "ho.van.5012"])],
)  # the last: a control
def test_user_search_takes_wildcards_literally(app, people, text, expected):
    assert found_users(app, text) == expected


def test_unit_search_takes_wildcards_literally(app, tree):
    factories.make_unit(app, "HU-XA-3", parent=tree.grassroots, name="Chi bộ 100% hoàn thành")
    factories.make_unit(app, "HU_XA_4", parent=tree.grassroots, name="Chi bộ ấp 4")
    assert found_units(app, "%") == found_units(app, "100%") == ["HU-XA-3"]
    assert found_units(app, "_") == ["HU_XA_4"]
    assert len(found_units(app, "Chi bộ")) > 2  # control: an ordinary part still matches


@pytest.mark.parametrize("text", ["%", "_", "5_%"])
def test_document_list_takes_wildcards_literally(library, text):
    with library.app_context(), get_db(library).sessions() as session:
        every = list_documents(session, ListQuery())
        hits = list_documents(session, ListQuery(text=text))
    assert every and hits == [d for d in every if text in d.number or text in d.title]
