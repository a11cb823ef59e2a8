"""Reading the editor's posted form into an EditorForm (HTTP side, no rules here)."""

from __future__ import annotations

from datetime import UTC, datetime

from werkzeug.datastructures import MultiDict

from handbook.clock import VIETNAM
from handbook.db import MAX_ID
from handbook.editor.drafting import FIELDS, EditorForm, RelationRow
from handbook.params import Args

MAX_BODY = 1_000_000
EMPTY_RELATION_ROWS = 2


def editor_form(data: MultiDict, slug: str | None = None) -> EditorForm:
    relations = [
        RelationRow(kind[:20], number[:60])
        for kind, number in zip(data.getlist("quan_he_loai"), data.getlist("quan_he_so_hieu"), strict=False)
    ]
    return EditorForm(
        slug=slug if slug is not None else data.get("slug", "").strip()[:120],
        meta={key: data.get(key, "")[:1000] for key in FIELDS},
        tags=data.get("tu_khoa", "")[:2000],
        relations=relations,
        body=data.get("noi_dung", "")[:MAX_BODY],
        note=data.get("ghi_chu", "")[:500],
        requires_restudy=data.get("hoc_lai") == "1",
        expected=expected(data),
    )


def with_empty_rows(form: EditorForm) -> list[RelationRow]:
    return [r for r in form.relations if r.number] + [RelationRow()] * EMPTY_RELATION_ROWS


def publish_at(data: MultiDict) -> datetime | None:
    """The datetime-local field, entered in Vietnam time, as UTC."""
    try:
        local = datetime.fromisoformat(data.get("xuat_ban_luc", "")[:20])
    except ValueError:
        return None
    return local.replace(tzinfo=VIETNAM).astimezone(UTC)


def expected(data: MultiDict) -> int | None:
    """The version the form was loaded at (phien_ban), None when absent or garbled."""
    return Args(data).integer("phien_ban", 0, MAX_ID)
