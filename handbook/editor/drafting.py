"""The editor's form ⇄ a Markdown source with front matter, validated like an import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import yaml

from handbook.content.models import Document
from handbook.content.source import SourceDocument, parse_source, split_front_matter
from handbook.content.vocabulary import EFFECT_STATUSES, RELATION_KINDS
from handbook.errors import Problem
from handbook.text import nfc

# Form field → front matter key; the same keys (and Vietnamese field names) as import.
FIELDS = (
    "so_hieu",
    "tieu_de",
    "loai",
    "co_quan_ban_hanh",
    "ngay_ban_hanh",
    "ngay_hieu_luc",
    "khoa",
    "trich_yeu",
    "hieu_luc",
)
_DATES = ("ngay_ban_hanh", "ngay_hieu_luc")
# Problem fields (front matter keys) as the form names them.
FIELD_LABELS = {
    "slug": "Đường dẫn",
    "so_hieu": "Số hiệu",
    "tieu_de": "Tiêu đề",
    "loai": "Loại văn bản",
    "co_quan_ban_hanh": "Cơ quan ban hành",
    "ngay_ban_hanh": "Ngày ban hành",
    "ngay_hieu_luc": "Ngày hiệu lực",
    "khoa": "Khóa",
    "trich_yeu": "Trích yếu",
    "hieu_luc": "Hiệu lực",
    "tu_khoa": "Từ khóa",
    "quan_he": "Văn bản liên quan",
    "nội dung": "Nội dung",
    "xuat_ban_luc": "Hẹn giờ xuất bản",
    "trạng thái": "Trạng thái",
}


@dataclass
class RelationRow:
    kind: str = ""  # a RELATION_KINDS code, "" for an empty row
    number: str = ""


@dataclass
class EditorForm:
    """What the editor posts; `expected` is the revision number the edit was based on."""

    slug: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    tags: str = ""
    relations: list[RelationRow] = field(default_factory=list)
    body: str = ""
    note: str = ""
    requires_restudy: bool = False
    expected: int | None = None


def build_source(form: EditorForm) -> SourceDocument:
    """The form as a source file; raises Invalid with every problem (same rules as import)."""
    return parse_source(form.slug, to_text(form), f"{form.slug or 'văn bản mới'}")


def to_text(form: EditorForm) -> str:
    data: dict = {}
    for key in FIELDS:
        value = nfc(form.meta.get(key, "")).strip()
        if value:
            data[key] = _as_date(value) if key in _DATES else value
    if key_status := data.get("hieu_luc"):
        data["hieu_luc"] = EFFECT_STATUSES.get(key_status, key_status)
    tags = [t.strip() for t in nfc(form.tags).split(",") if t.strip()]
    if tags:
        data["tu_khoa"] = tags
    relations = [
        {"loai": RELATION_KINDS.get(r.kind, (r.kind,))[0], "so_hieu": r.number.strip()}
        for r in form.relations
        if r.number.strip()
    ]
    if relations:
        data["quan_he"] = relations
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{front}---\n{nfc(form.body).replace(chr(13), '')}"


def _as_date(value: str) -> date | str:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value  # left as typed: validation names the field


def from_document(document: Document) -> EditorForm:
    """The form showing a document's current revision, based on that revision."""
    revision = document.current_revision
    problems: list[Problem] = []
    front, body = split_front_matter(revision.source, document.slug, problems)
    front = front or {}
    meta = {key: _plain(front.get(key)) for key in FIELDS}
    meta["hieu_luc"] = document.effect_status
    return EditorForm(
        slug=document.slug,
        meta=meta,
        body=body.lstrip("\n"),
        tags=", ".join(t.tag for t in document.tags),
        relations=[RelationRow(r.kind, r.target_number) for r in document.relations],
        expected=revision.number,
    )


def _plain(value) -> str:
    return "" if value is None else str(value)
