"""Hostile Markdown through the real pipeline (Python-Markdown, then the nh3 allow-list):
nothing in the output can run, load or style anything, whether read from render(),
the editor's live preview or a published document page."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from handbook.content.render import render, sanitize
from tests.conftest import import_folder
from tests.security.conftest import form_token, inline_code, scan

# The tags and attributes a rendered document may hold. Wider than this is a review
# question, so the list is spelled out here rather than read from render.py.
SAFE_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "sup",
    "sub",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "abbr",
}
SAFE_ATTRIBUTES = {"id", "href", "title", "rel", "start", "colspan", "rowspan"}
NEVER = {
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "math",
    "form",
    "input",
    "button",
    "link",
    "meta",
    "base",
    "img",
    "textarea",
    "select",
    "template",
    "video",
    "audio",
    "source",
    "noscript",
    "xmp",
    "plaintext",
    "foreignobject",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
SLUG_ID = re.compile(r"^[a-z0-9_-]+$")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")

CORPUS = [
    # Raw HTML elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=0 y=20>bấm</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">bấm</math>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name=a><button>Gửi</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<body onload=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width:expression(alert(1))">x</p>',
    '<a href="#" onclick="alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="\tjava\nscript:alert(1)">x</a>',
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href="jav&#97;script&colon;alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="javascript&#0000058alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<a href='javascript:alert(1)' title='x\" onmouseover=\"alert(1)'>x</a>",
    "<a href=javascript:alert(1)//>x</a>",
    '<a title="x"onmouseover=alert(1)>x</a>',
    '<abbr title="" onmouseover=alert(1)>x</abbr>',
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<div markdown="1">[x](javascript:alert(1))</div>',
    "<div>\n\n<script>alert(1)</script>\n\n</div>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<table><td background="javascript:alert(1)">x</td></table>',
    # Markdown links and images
    "[bấm](javascript:alert(1))",
    "[bấm](JaVaScRiPt:alert(1))",
    "[bấm]( javascript:alert(1) )",
    "[bấm](<javascript:alert(1)>)",
    "[bấm](jav&#x61;script:alert(1))",
    "[bấm](jav&#x0D;ascript:alert(1))",
    "[bấm](java\tscript:alert(1))",
    "[bấm](javascript&#58;alert(1))",
    "[bấm](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[bấm](vbscript:msgbox(1))",
    "[bấm](data:text/html;base64,PHNjcmlwdD4=)",
    "[bấm](file:///etc/passwd)",
    "[bấm](ｊａｖａｓｃｒｉｐｔ:alert(1))",
    '[bấm](javascript:alert(1) "tiêu đề")',
    '[bấm](https://example.vn "x\\" onmouseover=\\"alert(1)")',
    '[bấm](https://example.vn"onmouseover="alert(1))',
    "[bấm][ref]\n\n[ref]: javascript:alert(1)",
    '[bấm][ref]\n\n[ref]: <javascript:alert(1)> "t"',
    "[javascript:alert(1)]\n\n[javascript:alert(1)]: javascript:alert(1)",
    "![ảnh](javascript:alert(1))",
    '![ảnh" onerror="alert(1)](x.png)',
    '![ảnh](x.png"onerror="alert(1))',
    "![ảnh][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    '<http://evil.example/"onmouseover="alert(1)>',
    '<mailto:a@b.vn?subject="><script>alert(1)</script>>',
    "[a](https://example.vn)<script>alert(1)</script>",
    "[<img src=x onerror=alert(1)>](https://example.vn)",
    '[x](https://example.vn){: onclick="alert(1)" }',
    '## Tiêu đề {: onclick="alert(1)" style="color:red" }',
    'Đoạn văn\n{: onmouseover="alert(1)" }',
    # Heading ids and the table of contents
    '## "><script>alert(1)</script>',
    "## <img src=x onerror=alert(1)>",
    '## Điều 1 " onmouseover="alert(1)',
    "## &lt;script&gt;alert(1)&lt;/script&gt;",
    "## [bấm](javascript:alert(1))",
    "## `<script>`",
    "### javascript:alert(1)",
    "## \u202eÐiều\u200b 1\u0000",
    # Entities, code and nesting
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "> <script>alert(1)</script>\n> [x](javascript:alert(1))",
    "- <img src=x onerror=alert(1)>\n    - [x](javascript:alert(1))",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "*<script>alert(1)</script>*",
    "**[x](javascript:alert(1))**",
    "<b onmouseover=alert(1)>đậm</b>",
    "<u><i><s><sup><sub><script>alert(1)</script></sub></sup></s></i></u>",
    "<<script>script>alert(1)<</script>/script>",
    "<p>\"'><svg/onload=alert(1)></p>",
    '<a href="https://example.vn" target="_blank">x</a>',
    '<a href="//evil.example" rel="opener">x</a>',
]


def problems_of(html: str) -> list[str]:
    """What in rendered document HTML could run, load or style anything."""
    found = []
    for tag, attrs in scan(html).tags:
        if tag in NEVER or tag not in SAFE_TAGS:
            found.append(f"element <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name not in SAFE_ATTRIBUTES:
                found.append(f"attribute {name} on <{tag}>")
            if name == "href" and not safe_url(value or ""):
                found.append(f"href {value!r}")
            if name == "id" and not SLUG_ID.match(value or ""):
                found.append(f"id {value!r}")
        if tag == "a" and attrs.get("rel") != "noopener noreferrer":
            found.append(f"<a rel={attrs.get('rel')!r}>")
    return found


def safe_url(value: str) -> bool:
    """As a browser's URL parser reads it (entities already decoded by the HTML
    parser): tabs and newlines removed anywhere, controls and spaces trimmed at both
    ends, scheme case-folded. Without a valid scheme it is a relative URL."""
    url = TAB_OR_NEWLINE.sub("", value).strip("".join(map(chr, range(33)))).lower()
    scheme = SCHEME.match(url)
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


def test_the_corpus_is_large_and_every_payload_is_distinct():
    assert len(CORPUS) >= 60 and len(set(CORPUS)) == len(CORPUS)


@pytest.mark.parametrize("payload", CORPUS)
def test_rendered_hostile_markdown_has_nothing_executable(payload):
    html = render(f"Đoạn mở đầu.\n\n{payload}\n\nĐoạn cuối.", "Tiêu đề").html
    assert not problems_of(html), (problems_of(html), html)
    assert sanitize(html) == html  # the output is already clean: nothing left to strip


@pytest.mark.parametrize(
    "html",
    [
        "<script>x</script>",
        "<img src=x>",
        '<p onclick="x">',
        '<p style="x">',
        '<a href="javascript:x" rel="noopener noreferrer">',
        '<a href="java\tscript:x">',
        '<a href=" JAVASCRIPT:x">',
        '<a href="https://x">',
        '<h2 id="a&quot;b">',
        "<div>",
    ],
)
def test_the_checker_itself_catches_each_kind(html):
    assert problems_of(html)


def test_safe_links_and_anchors_survive():
    html = render(
        "## Điều 1\n\n[Cổng](https://dangcongsan.vn) [thư](mailto:a@b.vn) "
        "[mục](#dieu-1) [trang](/van-ban/quy-dinh-37)",
        "T",
    ).html
    assert not problems_of(html)
    for href in ("https://dangcongsan.vn", "mailto:a@b.vn", "#dieu-1", "/van-ban/quy-dinh-37"):
        assert f'href="{href}"' in html
    assert '<h2 id="dieu-1">' in html


SAMPLES = [p for p in CORPUS if "javascript" in p or "<script" in p][:12]


def test_the_editor_live_preview_returns_only_clean_html(clients):
    editor = clients["editor"]
    for payload in SAMPLES:
        response = editor.post(
            "/bien-tap/xem-truoc",
            data={"tieu_de": payload, "noi_dung": payload, "csrf_token": form_token(editor)},
        )
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert not problems_of(html), (payload, problems_of(html))


def _source(number: int, payload: str) -> str:
    return (
        textwrap.dedent(f"""\
        ---
        so_hieu: {number}-QĐ/TW
        tieu_de: "<script>alert({number})</script> Văn bản thử"
        loai: Quy định
        co_quan_ban_hanh: Ban Chấp hành Trung ương
        ngay_ban_hanh: 2024-01-01
        trich_yeu: "<img src=x onerror=alert({number})>"
        hieu_luc: còn hiệu lực
        ---
        ## Mở đầu

        """)
        + payload
        + "\n\n## Kết thúc\n\nHết.\n"
    )


def test_published_hostile_documents_run_nothing_on_their_pages(library, clients, tmp_path):
    """End to end: import (render once, store), then the reader's page around it."""
    samples = [p for p in CORPUS if p.startswith(("## ", "[bấm]", "<a ", "<svg", "<iframe"))]
    for number, payload in enumerate(samples[:14], start=90):
        (tmp_path / f"doc-hai-{number}.md").write_text(_source(number, payload), encoding="utf-8")
    report = import_folder(library, tmp_path)
    assert len(report.created) == 14, report.problems
    for slug in report.created:
        page = clients["member"].get(f"/van-ban/{slug}").get_data(as_text=True)
        article = page.split('<div class="doc-body">', 1)[1].split("</div>", 1)[0]
        assert 'id="ket-thuc"' in article  # the payload did not swallow the rest
        assert not problems_of(article), (slug, problems_of(article))
        assert not inline_code(page), (slug, inline_code(page))
        assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
        toc = page.split('class="toc"', 1)[1].split("</nav>", 1)[0]
        assert all(SLUG_ID.match(href[1:]) for href in re.findall(r'href="([^"]*)"', toc))


@pytest.mark.parametrize(
    "url",
    [
        "/tim-kiem?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/tim-kiem?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
        "/?loai=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ],
)
def test_reflected_input_is_escaped(clients, url):
    page = clients["member"].get(url).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert not inline_code(page)


def test_only_known_places_mark_html_safe():
    """Every `|safe` and Markup() bypasses autoescaping; each must carry sanitised or
    server-built HTML. A new one fails here until it is reviewed and listed."""
    root = Path(__file__).resolve().parents[2] / "handbook"
    allowed = {
        "content/views.py": 2,
        "editor/views.py": 1,
        "reports/charts.py": 1,
        "templates/content/_document.html": 1,
    }
    pattern = re.compile(r"\|\s*safe\b|\bMarkup\(|render_template_string|autoescape\s+false")
    found = {}
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html") and "static" not in path.parts:
            count = len(pattern.findall(path.read_text(encoding="utf-8")))
            if count:
                found[path.relative_to(root).as_posix()] = count
    assert found == allowed
