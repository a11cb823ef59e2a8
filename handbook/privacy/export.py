"""Everything held about one member, as one JSON document: a section per registry
link, its rows as column → value. Keys are the database's (English); the labels
people read are Vietnamese."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import audit, users
from handbook.accounts.audit import Actor
from handbook.clock import utcnow
from handbook.db import iso
from handbook.privacy import registry
from handbook.privacy.registry import Identity, Link

FORMAT = "so-tay-dang-vien/du-lieu-ca-nhan"
VERSION = 1
FILENAME = "du-lieu-ca-nhan.json"


def _plain(value: Any) -> Any:
    return iso(value) if isinstance(value, date) else value  # a datetime is a date too


def _section(session: Session, link: Link, identity: Identity) -> dict:
    table = registry.table_of(link)
    rows = session.execute(
        select(*(table.c[name] for name in link.export))
        .where(registry.rows_of(link, identity))
        .order_by(*table.primary_key.columns)
    )
    return {
        "key": link.name,
        "table": link.table,
        "label": link.label,
        "rows": [{k: _plain(v) for k, v in row._mapping.items()} for row in rows],
    }


def member_data(session: Session, user_id: int, now: datetime | None = None) -> dict:
    """The member's data in every registered table; NotFound for an unknown id."""
    identity = Identity.of(users.get_user(session, user_id))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _plain(now or utcnow()),
        "user_id": identity.user_id,
        "sections": [_section(session, link, identity) for link in registry.LINKS],
    }


def download(tx: Session, actor: Actor, user_id: int) -> bytes:
    """The member's data as UTF-8 JSON; the download is audited."""
    data = member_data(tx, user_id)
    audit.record(tx, actor, "privacy.exported", "user", user_id)
    return json.dumps(data, ensure_ascii=False, indent=1).encode()
