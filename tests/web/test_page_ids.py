"""Heading anchors and the pages' own ids never meet: a page's ids have a '_' before a
letter (`_hoc-tap`, `so_hieu`), which no heading anchor has, and ids typed in raw
HTML are dropped."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

import handbook
from handbook.content.render import render
from tests.conftest import import_folder
from tests.factories import editor_post

TEMPLATES = Path(handbook.__file__).parent / "templates"
ID_ATTRIBUTE = re.compile(r"""\bid=["']([^"']+)["']""")
JINJA = re.compile(r"{{.*?}}|{%.*?%}")
# What a heading anchor can be: a slug, then '_2', '_3'… when a heading repeats
# (a heading with no letter or digit at all is '_1').
ANCHOR = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*)?(?:_[0-9]+)?")
SLUG = "ten-trung-trang"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids.extend(value for name, value in attrs if name == "id" and value)


def ids_in(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def template_ids() -> set[str]:
    """Every id the templates write, Jinja parts filled in two ways."""
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for value in ID_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            found |= {JINJA.sub("1", value), JINJA.sub("", value).strip("-_")}
    return found - {""}


def clashing_body(names: set[str]) -> str:
    """A heading named like each id, twice (the second gets '_1'), and a raw HTML
    heading carrying it as its id."""
    lines = []
    for name in sorted(names):
        words = name.replace("_", " ").replace("-", " ")
        lines += [
            f"## {words}",
            "",
            "Nội dung.",
            "",
            f"### {words}",
            "",
            "Nội dung.",
            "",
            f'<h2 id="{name}">Thô</h2>',
            "",
            f'<h4 id="{name}">Thô</h4>',
            "",
        ]
    return "\n".join(lines)


def source(body: str) -> str:
    return (
        "---\nso_hieu: 99-QĐ/TW\ntieu_de: Văn bản đặt tên mục trùng trang\nloai: Quy định\n"
        "co_quan_ban_hanh: Ban Chấp hành Trung ương\nngay_ban_hanh: 2024-01-01\n"
        "trich_yeu: Thử.\nhieu_luc: còn hiệu lực\nquan_he:\n  - loai: Căn cứ\n"
        "    so_hieu: 35-NQ/TW\n---\n" + body + "\n"
    )


def publish(app, directory: Path, body: str) -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{SLUG}.md").write_text(source(body), encoding="utf-8")
    report = import_folder(app, directory)
    assert not report.problems, report.problems


def test_the_templates_have_ids_to_test_with():
    ids = template_ids()
    assert {"_hoc-tap", "_noi-dung", "_muc-luc"} <= ids and len(ids) > 50


@pytest.mark.parametrize("who", ["member", "editor"])
def test_headings_named_like_every_page_id_leave_the_page_ids_unique(library, clients, tmp_path, who):
    client = clients[who]
    publish(library, tmp_path / "first", "## Mở đầu\n\nNội dung.\n")
    plain = ids_in(client.get(f"/van-ban/{SLUG}").get_data(as_text=True))
    page_own = set(plain) - {"mo-dau"}
    publish(library, tmp_path / "second", clashing_body(template_ids() | page_own))

    page = client.get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert 'data-endpoint="/hoc-tap/tien-do"' in page and 'class="toc"' in page  # every part
    assert '<section class="study-panel" id="_hoc-tap"' in page  # what reading.js looks up
    ids = ids_in(page)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert page_own <= set(ids)
    assert {"hoc-tap", "hoc-tap_1", "noi-dung", "muc-luc_1"} <= set(ids)  # anchors unchanged


def test_the_page_has_its_own_ids_in_their_namespace(library, clients, tmp_path):
    publish(library, tmp_path, "## Mở đầu\n\nNội dung.\n")
    page = clients["editor"].get(f"/van-ban/{SLUG}").get_data(as_text=True)
    own = set(ids_in(page)) - {"mo-dau"}
    assert {"_hoc-tap", "_muc-luc", "_lien-quan", "_noi-dung", "_doc-to", "_tep"} <= own


def editor_preview(clients, body: str) -> str:
    response = clients["editor"].post("/bien-tap/moi", data=editor_post(hanh_dong="xem-truoc", noi_dung=body))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_editor_preview_keeps_the_editor_page_ids_unique(library, clients):
    plain = set(ids_in(editor_preview(clients, "## Mở đầu\n\nNội dung.\n"))) - {"mo-dau"}
    page = editor_preview(clients, clashing_body(template_ids() | plain))
    assert 'class="doc-body editor-preview"' in page and 'id="hoc-tap_1"' in page
    ids = ids_in(page)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert plain <= set(ids)


def test_pages_showing_markdown_have_no_id_a_heading_could_take(library, clients, tmp_path):
    """Not only none this document's headings took: none any heading could take."""
    publish(library, tmp_path, "## Mở đầu\n\nNội dung.\n")
    pages = [clients[who].get(f"/van-ban/{SLUG}").get_data(as_text=True) for who in ("member", "editor")]
    pages.append(editor_preview(clients, "## Mở đầu\n\nNội dung.\n"))
    own = {i for page in pages for i in ids_in(page)} - {"mo-dau"}
    assert own and sorted(i for i in own if ANCHOR.fullmatch(i)) == []


@pytest.mark.parametrize(
    "heading",
    [
        "Học tập",
        "Điều 5. Nhiệm vụ",
        "_hoc-tap",
        "-- x --",
        "!!!",
        "A_1",
        "Mục 1_2",
        "ĐẢNG",
        "tiếng Việt NFD: Đảng",
        "a__b",
        "123",
        "x" * 300,
    ],
)
def test_every_heading_anchor_has_the_anchor_form(heading):
    rendered = render(f"## {heading}\n\n## {heading}\n\nx\n", "T")
    anchors = [s.anchor for s in rendered.sections if s.anchor]
    assert len(anchors) == 2 and all(ANCHOR.fullmatch(a) for a in anchors), anchors


@pytest.mark.parametrize(
    "raw",
    [
        '<h2 id="hoc-tap">Thô</h2>',
        "<h3 id=hoc-tap>Thô</h3>",
        '<h4 ID="hoc-tap">Thô</h4>',
        "<h2 title='x' id='_hoc-tap' lang=vi>Thô</h2>",
        '<h5 id="dieu-1">Thô</h5>',
        '<h2 id="hoc-tap" id="x">Thô</h2>',
    ],
)
def test_raw_html_ids_are_dropped(raw):
    rendered = render(f"## Điều 1\n\n{raw}\n\n## Học tập\n\nx\n", "T")
    assert ids_in(rendered.html) == ["dieu-1", "hoc-tap"]
    assert [s.anchor for s in rendered.sections if s.anchor] == ["dieu-1", "hoc-tap"]
