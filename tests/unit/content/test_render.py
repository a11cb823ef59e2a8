"""The Markdown pipeline: Vietnamese anchors, sections and sanitising."""

from __future__ import annotations

import pytest

from handbook.content.render import render
from handbook.text import fold, slugify


@pytest.mark.parametrize(
    "heading, anchor",
    [
        ("Điều 5", "dieu-5"),
        ("Điều lệ Đảng", "dieu-le-dang"),
        ("Chương II. Nguyên tắc tổ chức", "chuong-ii-nguyen-tac-to-chuc"),
        ("Đảng viên: quyền & nghĩa vụ!", "dang-vien-quyen-nghia-vu"),
    ],
)
def test_slug_keeps_every_letter(heading, anchor):
    assert slugify(heading) == anchor


def test_fold_maps_d_with_stroke_and_all_marks():
    assert fold("Đảng viên học tập nghị quyết") == "Dang vien hoc tap nghi quyet"
    assert fold("hoà") == fold("hòa") == "hoa"


def test_sections_follow_headings_with_stable_anchors():
    rendered = render("Mở đầu.\n\n## Chương I\n\n### Điều 1. Đảng viên\n\nNội dung điều 1.", "Tiêu đề")
    assert [(s.anchor, s.level) for s in rendered.sections] == [
        ("", 1),
        ("chuong-i", 2),
        ("dieu-1-dang-vien", 3),
    ]
    assert rendered.sections[2].text == "Nội dung điều 1."
    assert rendered.toc[0]["children"][0]["anchor"] == "dieu-1-dang-vien"
    assert '<h3 id="dieu-1-dang-vien">' in rendered.html


def test_duplicate_headings_get_distinct_anchors():
    rendered = render("## Mục 1\n\na\n\n## Mục 1\n\nb", "T")
    assert [s.anchor for s in rendered.sections] == ["muc-1", "muc-1_1"]


def test_stray_h1_is_demoted():
    assert "<h1" not in render("# Tiêu đề lặp\n\nnội dung", "T").html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)></svg>",
        "<iframe src='https://example.com'></iframe>",
        "[bấm](javascript:alert(1))",
        "[bấm](JaVaScRiPt:alert(1))",
        "[bấm](jav&#x0D;ascript:alert(1))",
        "[bấm](data:text/html;base64,PHNjcmlwdD4=)",
        "<a href='vbscript:msgbox'>x</a>",
        "<p style='background:url(javascript:alert(1))'>x</p>",
        "<object data='x'></object><embed src='x'>",
        "<form action='/x'><input name=a></form>",
        "<div onclick='alert(1)'>x</div>",
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_sanitizer_removes_executable_content(payload):
    html = render(f"Đoạn văn.\n\n{payload}\n", "T").html.lower()
    for forbidden in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "<iframe",
        "javascript:",
        "vbscript:",
        "data:text",
        "<svg",
        "<object",
        "<embed",
        "<form",
        "style=",
    ):
        assert forbidden not in html


def test_links_get_safe_rel():
    html = render("[Cổng](https://dangcongsan.vn)", "T").html
    assert 'rel="noopener noreferrer"' in html and 'href="https://dangcongsan.vn"' in html
