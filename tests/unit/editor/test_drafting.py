"""The editor's form is validated by the same rules as a front-matter import."""

from __future__ import annotations

import pytest

from handbook.content.source import parse_source
from handbook.editor.drafting import build_source, to_text
from handbook.errors import Invalid
from tests.factories import editor_form


def test_a_valid_form_becomes_a_source_the_importer_accepts():
    source = build_source(editor_form())
    assert source.meta.number == "21-KL/TW" and source.meta.effect_status == "in_force"
    assert source.meta.tags == ("chỉnh đốn Đảng", "xây dựng Đảng")
    assert [(r.kind, r.number) for r in source.meta.relations] == [("based_on", "37-QĐ/TW")]
    assert parse_source("ket-luan-21", source.text).text_hash == source.text_hash


def test_every_problem_is_reported_at_once_by_field():
    form = editor_form(
        so_hieu="KL 21", ngay_ban_hanh="25/10/2021", loai="Thư", tieu_de="", noi_dung="  ", slug="Kết Luận"
    )
    with pytest.raises(Invalid) as caught:
        build_source(form)
    fields = {p.field for p in caught.value.problems}
    assert {"so_hieu", "ngay_ban_hanh", "loai", "tieu_de", "nội dung", "slug"} <= fields


def test_state_numbers_and_nfd_input_are_accepted():
    decomposed = "Về đẩy mạnh".replace("ẩ", "a\u0302\u0309")
    source = build_source(editor_form(so_hieu="63/2010/NĐ-CP", tieu_de=decomposed, loai="Quyết định"))
    assert source.meta.number == "63/2010/NĐ-CP" and source.meta.title == "Về đẩy mạnh"


def test_front_matter_is_readable_yaml_with_dates_unquoted():
    text = to_text(editor_form())
    assert "ngay_ban_hanh: 2021-10-25\n" in text and "hieu_luc: Còn hiệu lực" in text
