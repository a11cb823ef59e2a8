"""Parse and validate one Markdown source: YAML front matter plus body."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

import yaml

from handbook.content import vocabulary as vocab
from handbook.errors import Invalid, Problem
from handbook.text import collapse_spaces, nfc, storable

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("so_hieu", "tieu_de", "loai", "co_quan_ban_hanh", "ngay_ban_hanh", "trich_yeu", "hieu_luc")
OPTIONAL = ("quan_he", "tu_khoa", "ngay_hieu_luc", "khoa")
_MAX_SUMMARY = 600
_MAX_TITLE = 500
_MAX_SHOWN = 60  # characters of a refused value quoted back in a message
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
UNSTORABLE = "có ký tự không lưu được (ký tự NUL hoặc mã Unicode lẻ)"
ALIAS_REFUSED = "không được dùng neo và bí danh YAML (& và *); hãy viết thẳng giá trị"


class _AliasRefused(yaml.YAMLError):
    def __init__(self, mark) -> None:
        super().__init__(ALIAS_REFUSED)
        self.problem_mark = mark


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases, refused before anything is expanded
    (a 400-byte alias bomb expands to megabytes), and with dates left as text: the
    loader would build `2016-13-45` into a date and fail with no file or field,
    `_date` reports it instead."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FrontMatterLoader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)


@dataclass(frozen=True)
class RelationSpec:
    kind: str
    number: str


@dataclass(frozen=True)
class DocumentMeta:
    number: str
    title: str
    doc_type: str
    issuer: str
    issued_on: date
    summary: str
    effect_status: str
    relations: tuple[RelationSpec, ...] = ()
    tags: tuple[str, ...] = ()
    effective_on: date | None = None
    term: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    slug: str
    meta: DocumentMeta
    body: str
    text: str

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def parse_source(slug: str, raw: str, origin: str = "") -> SourceDocument:
    """Parse a whole file; raises Invalid listing every problem found in it."""
    origin = origin or f"{slug}.md"
    text = nfc(raw).replace("\r\n", "\n").lstrip("\ufeff")
    problems: list[Problem] = []
    if not SLUG_PATTERN.match(slug):
        problems.append(Problem("slug", "tên tệp chỉ gồm chữ thường không dấu, số và dấu '-'", origin))
    if not storable(text):  # PostgreSQL refuses it: the whole import would fail
        problems.append(Problem("nội dung", UNSTORABLE, origin))
    front, body = split_front_matter(text, origin, problems)
    meta = validate_meta(front, origin, problems) if front is not None else None
    if not body.strip():
        problems.append(Problem("nội dung", "văn bản không có nội dung", origin))
    if problems or meta is None:
        raise Invalid(problems)
    return SourceDocument(slug=slug, meta=meta, body=body, text=text)


def split_front_matter(text: str, origin: str, problems: list[Problem]) -> tuple[dict | None, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem("front matter", "tệp phải bắt đầu bằng dòng '---'", origin))
        return None, text
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        problems.append(Problem("front matter", "thiếu dòng '---' đóng phần thông tin", origin))
        return None, text
    body = "\n".join(lines[end + 1 :])
    try:
        data = yaml.load("\n".join(lines[1:end]), Loader=_FrontMatterLoader)  # a SafeLoader subclass
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        # ValueError: a value YAML accepts but Python cannot build (an int of
        # thousands of digits); RecursionError: nesting deeper than the stack.
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng {mark.line + 2})" if mark else ""
        reason = ALIAS_REFUSED if isinstance(exc, _AliasRefused) else "YAML không hợp lệ"
        problems.append(Problem("front matter", f"{reason}{where}", origin))
        return None, body
    if not isinstance(data, dict):
        problems.append(Problem("front matter", "phải là một bảng khóa: giá trị", origin))
        return None, body
    return data, body


def validate_meta(data: dict, origin: str, problems: list[Problem]) -> DocumentMeta | None:
    start = len(problems)

    def fail(key: str, reason: str) -> None:
        problems.append(Problem(key, reason, origin))

    for key in sorted({shown(key) for key in data} - set(REQUIRED) - set(OPTIONAL)):
        fail(key, "khóa không được hỗ trợ")
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            fail(key, "bắt buộc phải có")
    values = {
        "number": _number(data.get("so_hieu"), fail),
        "title": _text(data.get("tieu_de"), "tieu_de", _MAX_TITLE, fail),
        "doc_type": _choice(data.get("loai"), "loai", vocab.canonical_doc_type, vocab.DOC_TYPES, fail),
        "issuer": _choice(
            data.get("co_quan_ban_hanh"), "co_quan_ban_hanh", vocab.canonical_issuer, vocab.ISSUERS, fail
        ),
        "issued_on": _date(data.get("ngay_ban_hanh"), "ngay_ban_hanh", fail),
        "summary": _text(data.get("trich_yeu"), "trich_yeu", _MAX_SUMMARY, fail),
        "effect_status": _choice(
            data.get("hieu_luc"),
            "hieu_luc",
            vocab.effect_status_code,
            tuple(vocab.EFFECT_STATUSES.values()),
            fail,
        ),
        "relations": _relations(data.get("quan_he"), fail),
        "tags": _tags(data.get("tu_khoa"), fail),
        "effective_on": _date(data.get("ngay_hieu_luc"), "ngay_hieu_luc", fail),
        "term": _text(data.get("khoa"), "khoa", 10, fail),
    }
    if len(problems) > start:
        return None
    return DocumentMeta(**values)


def shown(value) -> str:
    """`value` as text fit to quote in a message: at most _MAX_SHOWN characters."""
    text = str(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _text(value, key: str, limit: int, fail) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        fail(key, "phải là chuỗi ký tự")
        return None
    text = collapse_spaces(nfc(str(value)))
    if len(text) > limit:
        fail(key, f"dài quá {limit} ký tự")
    if not storable(text):  # a YAML escape such as "\0" or "\ud800"
        fail(key, UNSTORABLE)
    return text


def _number(value, fail) -> str | None:
    number = _text(value, "so_hieu", 60, fail)
    if number and not vocab.is_valid_number(number):
        fail("so_hieu", f"'{shown(number)}' không đúng dạng số hiệu (ví dụ 35-NQ/TW, 63/2010/NĐ-CP)")
    return number


def _choice(value, key: str, canonical, options: tuple[str, ...], fail) -> str | None:
    if value in (None, ""):
        return None
    found = canonical(str(value)) if isinstance(value, str) else None
    if found is None:
        fail(key, f"'{shown(value)}' không thuộc danh mục: {', '.join(options)}")
    return found


def _date(value, key: str, fail) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        fail(key, f"'{shown(value)}' không phải ngày dạng YYYY-MM-DD")
        return None


def _relations(value, fail) -> tuple[RelationSpec, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list):
        fail("quan_he", "phải là danh sách các mục {loai, so_hieu}")
        return ()
    relations = []
    for i, item in enumerate(value, 1):
        key = f"quan_he[{i}]"
        if not isinstance(item, dict) or set(item) != {"loai", "so_hieu"}:
            fail(key, "mỗi mục phải có đúng hai khóa loai và so_hieu")
            continue
        kind = vocab.relation_code(str(item["loai"]))
        number = collapse_spaces(nfc(str(item["so_hieu"])))
        if kind is None:
            fail(
                key,
                f"loại quan hệ '{shown(item['loai'])}' không hợp lệ "
                "(thay thế, sửa đổi, bổ sung, hướng dẫn, căn cứ)",
            )
        elif not vocab.is_valid_number(number):
            fail(key, f"'{shown(number)}' không đúng dạng số hiệu")
        else:
            relations.append(RelationSpec(kind, number))
    return tuple(relations)


def _tags(value, fail) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        fail("tu_khoa", "phải là danh sách chuỗi ký tự")
        return ()
    seen: dict[str, str] = {}
    for tag in value:
        clean = collapse_spaces(nfc(tag))[:80]
        seen.setdefault(clean.lower(), clean)
    return tuple(seen.values())
