"""Front matter: every problem reported with file, field and reason."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from handbook.content.source import parse_source
from handbook.errors import Invalid

GOOD = """---
so_hieu: 35-NQ/TW
tieu_de: Về bảo vệ nền tảng tư tưởng của Đảng
loai: nghị quyết
co_quan_ban_hanh: Bộ Chính trị
ngay_ban_hanh: 2018-10-22
trich_yeu: Tóm tắt.
hieu_luc: còn hiệu lực
quan_he:
  - loai: Căn cứ
    so_hieu: 04-NQ/TW
tu_khoa: [tư tưởng]
---
## Phần I

Nội dung.
"""


def test_valid_source_is_parsed_to_canonical_values():
    source = parse_source("nq-35", GOOD)
    meta = source.meta
    assert meta.number == "35-NQ/TW"
    assert meta.doc_type == "Nghị quyết"
    assert meta.issued_on == date(2018, 10, 22)
    assert meta.effect_status == "in_force"
    assert [(r.kind, r.number) for r in meta.relations] == [("based_on", "04-NQ/TW")]
    assert source.body.strip().startswith("## Phần I")


def test_tone_placement_of_controlled_values_does_not_matter():
    text = GOOD.replace("Bộ Chính trị", "Ban Thường vụ Tỉnh uỷ")
    assert parse_source("x", text).meta.issuer == "Ban Thường vụ Tỉnh ủy"


def test_nfd_source_is_normalised_to_nfc():
    source = parse_source("x", unicodedata.normalize("NFD", GOOD))
    assert source.meta.title == unicodedata.normalize("NFC", source.meta.title)
    assert "Phần" in source.body and unicodedata.is_normalized("NFC", source.text)


def test_hash_is_stable_across_normalisation_forms():
    nfd = unicodedata.normalize("NFD", GOOD)
    assert parse_source("x", nfd).text_hash == parse_source("x", GOOD).text_hash


def problems_of(text: str, slug: str = "van-ban") -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        parse_source(slug, text)
    return {p.field: p.reason for p in caught.value.problems}


def test_every_problem_is_reported_not_only_the_first():
    bad = (
        GOOD.replace("35-NQ/TW", "35 NQ TW")
        .replace("nghị quyết", "Thư")
        .replace("2018-10-22", "22/10/2018")
        .replace("còn hiệu lực", "đang dùng")
    )
    found = problems_of(bad)
    assert {"so_hieu", "loai", "ngay_ban_hanh", "hieu_luc"} <= set(found)
    assert "YYYY-MM-DD" in found["ngay_ban_hanh"]


def test_problem_names_the_file():
    with pytest.raises(Invalid) as caught:
        parse_source("van-ban", GOOD.replace("loai: nghị quyết\n", ""), "van-ban.md")
    problem = caught.value.problems[0]
    assert (problem.source, problem.field) == ("van-ban.md", "loai")
    assert "van-ban.md: loai" in str(caught.value)


@pytest.mark.parametrize(
    "text, field",
    [
        ("no front matter", "front matter"),
        ("---\nso_hieu: [unclosed\n---\nbody", "front matter"),
        ("---\nso_hieu: 1-NQ/TW\nbody without closing", "front matter"),
        (GOOD.replace("tu_khoa:", "tu_khoaa:"), "tu_khoaa"),
        (GOOD.replace("    so_hieu: 04-NQ/TW", "    so: 04-NQ/TW"), "quan_he[1]"),
        (GOOD.replace("loai: Căn cứ", "loai: bạn bè"), "quan_he[1]"),
        (GOOD.replace("Tóm tắt.", "x" * 601), "trich_yeu"),
        (GOOD.split("---\n## Phần I")[0] + "---\n", "nội dung"),
    ],
)
def test_malformed_sources_are_rejected(text, field):
    assert field in problems_of(text)


def test_bad_slug_is_rejected():
    assert "slug" in problems_of(GOOD, slug="Nghị Quyết 35")


@pytest.mark.parametrize(
    "number", ["35-NQ/TW", "85-QĐ/TW", "17-CTr/TU", "999-QĐ/TU", "08-QĐi/TW", "12-HD/BTCTW", "63/2010/NĐ-CP"]
)
def test_real_number_forms_are_accepted(number):
    assert parse_source("x", GOOD.replace("35-NQ/TW", number)).meta.number == number
