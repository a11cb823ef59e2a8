"""A broken content file is a Problem naming the file and field, never a crash, and
its message stays short whatever the file holds."""

from __future__ import annotations

import pytest

from handbook.content.importer import read_folder
from handbook.content.source import parse_source
from handbook.errors import Invalid
from tests.unit.content.test_source import GOOD

MAX_BYTES = 1_000_000
# Under 400 bytes that expand to 9^9 strings when the aliases are followed.
ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def problems_of(raw: str) -> list[str]:
    with pytest.raises(Invalid) as caught:
        parse_source("van-ban", raw)
    return [str(p) for p in caught.value.problems]


def test_impossible_date_names_file_and_field():
    problems = problems_of(GOOD.replace("2018-10-22", "2016-13-45"))
    assert problems == ["van-ban.md: ngay_ban_hanh: '2016-13-45' không phải ngày dạng YYYY-MM-DD"]


def test_impossible_tagged_date_is_a_problem_too():
    problems = problems_of(GOOD.replace("ngay_ban_hanh: 2018-10-22", "ngay_ban_hanh: !!timestamp 2016-02-30"))
    assert problems == ["van-ban.md: ngay_ban_hanh: '2016-02-30' không phải ngày dạng YYYY-MM-DD"]


def test_valid_date_is_still_a_date():
    assert parse_source("van-ban", GOOD).meta.issued_on.isoformat() == "2018-10-22"


def test_alias_bomb_is_refused_before_expansion():
    assert len(ALIAS_BOMB.encode()) < 400
    problems = problems_of(f"---\n{ALIAS_BOMB}\n---\nNội dung.\n")
    assert len(problems) == 1 and problems[0].startswith("van-ban.md: front matter:")
    assert "bí danh YAML" in problems[0]


@pytest.mark.parametrize("yaml_text", ["x: &neo 1", "x: *neo", "x: &neo [1]\ny: *neo"])
def test_any_anchor_or_alias_is_refused(yaml_text):
    problems = problems_of(GOOD.replace("tu_khoa: [tư tưởng]", yaml_text))
    assert any("front matter" in p and "bí danh YAML" in p for p in problems)


@pytest.mark.parametrize(
    "yaml_text",
    [
        "tu_khoa: " + "9" * 5000,  # an int Python refuses to build from so many digits
        "tu_khoa: " + "[" * 5000,  # nesting deeper than the stack
    ],
)
def test_values_yaml_cannot_build_are_problems(yaml_text):
    problems = problems_of(GOOD.replace("tu_khoa: [tư tưởng]", yaml_text))
    assert len(problems) == 1 and problems[0].startswith("van-ban.md: front matter:")


@pytest.mark.parametrize(
    "old, new",
    [
        ("loai: nghị quyết", "loai: " + "x" * 100_000),
        ("loai: nghị quyết", "loai: [" + ", ".join(["dài"] * 30_000) + "]"),
        ("so_hieu: 35-NQ/TW", "so_hieu: " + "x" * 100_000),
        ("ngay_ban_hanh: 2018-10-22", "ngay_ban_hanh: " + "9" * 100_000 + "-01-01"),
        ("tu_khoa: [tư tưởng]", "x" * 1000 + ": 1"),  # YAML refuses longer plain keys
        ("    so_hieu: 04-NQ/TW", "    so_hieu: " + "x" * 100_000),
    ],
)
def test_messages_never_quote_huge_values(old, new):
    problems = problems_of(GOOD.replace(old, new))
    assert problems and all(len(p) < 300 for p in problems), [p[:300] for p in problems]


def test_keys_of_mixed_types_are_reported_not_sorted_into_a_crash():
    problems = problems_of(GOOD.replace("tu_khoa: [tư tưởng]", "1: một\nkhac: hai"))
    assert problems == ["van-ban.md: 1: khóa không được hỗ trợ", "van-ban.md: khac: khóa không được hỗ trợ"]


def test_folder_reports_each_bad_file_and_keeps_the_good_ones(tmp_path):
    (tmp_path / "tot.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "ngay-sai.md").write_text(
        GOOD.replace("35-NQ/TW", "36-NQ/TW").replace("2018-10-22", "2016-13-45"), encoding="utf-8"
    )
    (tmp_path / "bom.md").write_text(f"---\n{ALIAS_BOMB}\n---\nx\n", encoding="utf-8")
    (tmp_path / "hong.md").symlink_to(tmp_path / "khong-co.md")
    sources, problems = read_folder(tmp_path, MAX_BYTES)
    assert [s.slug for s in sources] == ["tot"]
    assert {(p.source, p.field) for p in problems} == {
        ("ngay-sai.md", "ngay_ban_hanh"),
        ("bom.md", "front matter"),
        ("hong.md", "tệp"),
    }


def test_check_content_names_the_file_and_stays_short(runner, content_dir):
    (content_dir / "ngay-sai.md").write_text(
        GOOD.replace("35-NQ/TW", "36-NQ/TW").replace("2018-10-22", "2016-13-45"), encoding="utf-8"
    )
    (content_dir / "bom.md").write_text(f"---\n{ALIAS_BOMB}\n---\nx\n", encoding="utf-8")
    result = runner.invoke(args=["handbook", "check-content", str(content_dir)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "ngay-sai.md: ngay_ban_hanh" in result.output and "bom.md: front matter" in result.output
    assert "3 văn bản hợp lệ, 2 lỗi." in result.output and len(result.output) < 2000


def test_import_content_imports_the_other_files(runner, content_dir):
    (content_dir / "ngay-sai.md").write_text(
        GOOD.replace("35-NQ/TW", "36-NQ/TW").replace("2018-10-22", "2016-13-45"), encoding="utf-8"
    )
    result = runner.invoke(args=["handbook", "import-content", str(content_dir)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert "Mới: 3" in result.output and "ngay-sai.md: ngay_ban_hanh" in result.output


def test_a_nul_in_the_body_is_a_problem_not_a_database_error():
    problems = problems_of(GOOD + "Chữ\x00lạ.\n")
    assert problems == ["van-ban.md: nội dung: có ký tự không lưu được (ký tự NUL hoặc mã Unicode lẻ)"]


@pytest.mark.parametrize("escape", ["\\0", "\\ud800"])
def test_an_unstorable_yaml_escape_is_a_problem(escape):
    problems = problems_of(GOOD.replace("trich_yeu: Tóm tắt.", f'trich_yeu: "Tóm{escape}tắt."'))
    assert problems == ["van-ban.md: trich_yeu: có ký tự không lưu được (ký tự NUL hoặc mã Unicode lẻ)"]
