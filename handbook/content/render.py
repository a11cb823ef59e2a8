"""Markdown → sanitised HTML, table of contents and sections, done once per revision."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3

from handbook.text import collapse_spaces, nfc, slugify

HEADING_TAGS = ("h2", "h3", "h4")
_ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "strong", "em", "b", "i", "u", "s", "del", "sup", "sub", "blockquote", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td", "a", "abbr",
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


def make_markdown() -> markdown.Markdown:
    """The one configured Markdown: headings get Vietnamese slugs that keep every letter."""
    return markdown.Markdown(
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": slugify, "toc_depth": "2-4"}},
        output_format="html",
    )


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


def render(body: str, title: str) -> Rendered:
    """Render a document body; demotes a stray `#` heading so the page keeps one h1."""
    md = make_markdown()
    html = sanitize(md.convert(_demote_h1(nfc(body))))
    sections = split_sections(html, title)
    return Rendered(html=html, toc=_toc(md.toc_tokens), sections=sections)


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
