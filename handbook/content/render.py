"""Markdown → sanitised HTML, table of contents and sections, done once per revision.

Python-Markdown is not linear: a line of 4,000 `[`, 30 kB of `- - -` lines or a
few thousand nested `*a` take seconds to minutes, well inside the size limit. So
every render runs against a clock (RENDER_SECONDS), and a source that does not finish
in time is refused like any other invalid content, with the reason in Vietnamese."""

from __future__ import annotations

import _markupbase
import html.parser
import inspect
import os
import re
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TypeVar

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from handbook import text as text_module
from handbook.errors import Invalid, Problem
from handbook.text import collapse_spaces, nfc, slugify

# Answer within 2 s either way, rendered or refused: a C call already running when
# the time is up (nh3 on a large page, a regular expression) finishes first, ~0.2 s.
RENDER_SECONDS = 1.5
TOO_SLOW = (
    "văn bản quá phức tạp để hiển thị (quá {seconds:g} giây), thường do một ký "
    "hiệu Markdown lặp lại rất nhiều lần hoặc lồng nhau quá sâu; hãy chia văn "
    "bản hoặc bỏ bớt ký hiệu"
)
TOO_DEEP = (
    "ký hiệu Markdown (danh sách, trích dẫn, chữ đậm, nghiêng…) lồng nhau quá sâu; hãy giảm số cấp lồng nhau"
)
_T = TypeVar("_T")

HEADING_TAGS = ("h2", "h3", "h4")
_ALLOWED_TAGS = {
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
_ALLOWED_ATTRIBUTES = {
    **{tag: {"id"} for tag in ("h2", "h3", "h4", "h5", "h6")},
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


@dataclass(frozen=True)
class RenderedSection:
    anchor: str
    heading: str
    level: int
    text: str

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict]
    sections: list[RenderedSection]

    @property
    def word_count(self) -> int:
        return sum(section.word_count for section in self.sections)


def make_markdown(anchor_mark: str = "") -> markdown.Markdown:
    """The one configured Markdown: headings get Vietnamese slugs that keep every letter.

    Heading anchors are made of a-z, 0-9 and '-', plus '_1', '_2'… when a heading
    repeats: that is their namespace. The pages' own ids have a '_' before a letter
    (`_hoc-tap`, `so_hieu`), so no heading can take one (tests/web/test_page_ids.py),
    and anchors, which are progress keys and search-hit URLs, stay as they were. With
    `anchor_mark`, every id Markdown made starts with it, so that `keep_anchor_ids`
    can tell them from ids an editor typed in raw HTML."""
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": slugify, "toc_depth": "2-4"}},
        output_format="html",
    )
    if anchor_mark:
        md.treeprocessors.register(_MarkAnchors(md, anchor_mark), "mark_anchors", 2)  # after toc (5)
    return md


class _MarkAnchors(Treeprocessor):
    def __init__(self, md: markdown.Markdown, mark: str) -> None:
        super().__init__(md)
        self.mark = mark

    def run(self, root) -> None:
        # Raw HTML is not in the tree yet (only placeholders): these ids are all toc's.
        for element in root.iter():
            if "id" in element.attrib:
                element.attrib["id"] = self.mark + element.attrib["id"]


def sanitize(html: str) -> str:
    """Allow-list clean: no script, event handler, style, iframe or non-http(s) URL."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# nh3 writes every attribute as ` name="value"` with '"' escaped in the value, and
# escapes '<' in text: so these match each heading's start tag and its id, and
# nothing in text or inside another attribute's value.
_HEADING_TAG = re.compile(r'<h[2-6](?: [a-z-]+="[^"]*")*>')
_ID_ATTRIBUTE = re.compile(r' id="([^"]*)"')


def keep_anchor_ids(html: str, mark: str) -> str:
    """Sanitised `html` with only the ids Markdown made (those starting with `mark`,
    which is removed): an `id` typed in raw HTML could take a heading's anchor or one
    of the page's own ids, so it is dropped."""

    def unmark(match: re.Match) -> str:
        value = match.group(1)
        return f' id="{value[len(mark) :]}"' if value.startswith(mark) else ""

    return _HEADING_TAG.sub(lambda tag: _ID_ATTRIBUTE.sub(unmark, tag.group()), html)


def render(body: str, title: str, *, seconds: float | None = None) -> Rendered:
    """Render a document body; demotes a stray `#` heading so the page keeps one h1.

    Raises Invalid when the body does not render within `seconds` (RENDER_SECONDS by
    default) or nests deeper than Python's stack allows."""
    seconds = RENDER_SECONDS if seconds is None else seconds
    # Unguessable, so no raw HTML in the body can carry it.
    mark = f"a{secrets.token_hex(8)}-"
    md = make_markdown(mark)  # built (extensions imported) before the clock starts
    text = _demote_h1(nfc(body))

    def run() -> Rendered:
        html = keep_anchor_ids(sanitize(md.convert(text)), mark)
        return Rendered(html=html, toc=_toc(md.toc_tokens), sections=split_sections(html, title))

    try:
        return _within(seconds, run)
    except _TimeUp:
        raise Invalid([Problem("nội dung", TOO_SLOW.format(seconds=seconds))]) from None
    except RecursionError:
        raise Invalid([Problem("nội dung", TOO_DEEP)]) from None


class _TimeUp(BaseException):
    """Raised in the rendering code when its time is up (a BaseException, so that no
    `except Exception` on the way swallows it)."""


# Where the clock may stop the work: code that runs only for rendering. Code that
# happens to run in this thread meanwhile (a finalizer the garbage collector calls,
# say) is never interrupted half-way.
_RENDERING_CODE = (
    *(os.path.dirname(package.__file__) + os.sep for package in (markdown, html.parser)),
    _markupbase.__file__,
    __file__,
    text_module.__file__,
)


_CALLS = frozenset({"call", "c_call"})
_GENERATOR = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


def _within(seconds: float, work: Callable[[], _T]) -> _T:
    """Run `work` with a profile hook that CPython calls on every function call and
    return in this thread; once `seconds` have passed, it raises _TimeUp from the
    next call made by the rendering code. Python-Markdown's and html.parser's loops
    all call functions, so they stop within milliseconds; a C call already running
    (a regular expression, nh3) finishes first. Per thread, so any worker model
    works; a profiler in use meanwhile is set aside and put back. The hook roughly
    triples the time of a render (the largest real document: about 20 → 70 ms), paid
    once per revision and per editor preview."""
    deadline = time.perf_counter() + seconds

    def hook(frame, event, arg) -> None:
        # Not in a generator: one being closed by the garbage collector would swallow
        # the exception, and CPython removes a hook that raised (it fires once).
        if (
            time.perf_counter() > deadline
            and event in _CALLS
            and not frame.f_code.co_flags & _GENERATOR
            and frame.f_code.co_filename.startswith(_RENDERING_CODE)
        ):
            raise _TimeUp

    previous = sys.getprofile()
    sys.setprofile(hook)
    try:
        return work()
    finally:
        sys.setprofile(previous)


def _demote_h1(body: str) -> str:
    return "\n".join("#" + line if line.startswith("# ") else line for line in body.split("\n"))


def _toc(tokens: list[dict]) -> list[dict]:
    return [
        {"anchor": t["id"], "heading": t["name"], "level": t["level"], "children": _toc(t["children"])}
        for t in tokens
    ]


class _SectionSplitter(HTMLParser):
    """Cuts the rendered HTML's text at each heading that carries an id."""

    def __init__(self, title: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list] = [["", title, 1, []]]
        self._heading: list | None = None

    def handle_starttag(self, tag, attrs):
        anchor = dict(attrs).get("id")
        if tag in HEADING_TAGS and anchor:
            self._heading = [anchor, [], int(tag[1])]
        elif tag in ("p", "li", "br", "tr", "td", "th", "blockquote") and self.sections:
            self.sections[-1][3].append(" ")

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[2]}":
            anchor, parts, level = self._heading
            self.sections.append([anchor, collapse_spaces("".join(parts)), level, []])
            self._heading = None

    def handle_data(self, data):
        target = self._heading[1] if self._heading else self.sections[-1][3]
        target.append(data)


def split_sections(html: str, title: str) -> list[RenderedSection]:
    splitter = _SectionSplitter(title)
    splitter.feed(html)
    splitter.close()
    sections = [
        RenderedSection(anchor, heading, level, collapse_spaces("".join(parts)))
        for anchor, heading, level, parts in splitter.sections
    ]
    return [s for s in sections if s.anchor or s.text]
