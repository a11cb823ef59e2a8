"""The site's main navigation, in one place: each entry names the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for
from flask_login import current_user

from handbook.accounts.access import current_permissions
from handbook.accounts.vocabulary import (
    ADMIN,
    COMMITTEE_VIEWER,
    EDITOR,
    UNIT_VIEWER_ROLES,
)
from handbook.notifications import inbox


@dataclass(frozen=True)
class Entry:
    label: str
    endpoint: str
    roles: frozenset[str] | None = None  # None: every signed-in member


ENTRIES = (
    Entry("Thư viện", "content.index"),
    Entry("Học tập", "study.my_study"),
    Entry("Thông báo", "notifications.inbox_page"),
    Entry("Báo cáo", "reports.index", frozenset(UNIT_VIEWER_ROLES)),
    Entry("Đợt học tập", "study.manage", frozenset({EDITOR, COMMITTEE_VIEWER})),
    Entry("Biên tập", "editor.index", frozenset({EDITOR, ADMIN})),
    Entry("Đơn vị", "accounts.my_units", frozenset(UNIT_VIEWER_ROLES)),
    Entry("Quản trị", "admin.index", frozenset({ADMIN})),
    Entry("Tài khoản", "accounts.profile"),
)


@dataclass(frozen=True)
class Link:
    label: str
    endpoint: str
    url: str


def links() -> tuple[Link, ...]:
    """The signed-in reader's links, in menu order."""
    roles = current_permissions().roles
    return tuple(
        Link(e.label, e.endpoint, url_for(e.endpoint)) for e in ENTRIES if e.roles is None or roles & e.roles
    )


def unread_notifications() -> int:
    return inbox.unread_of(current_user)


def has_role(*roles: str) -> bool:
    return current_permissions().has_any(roles)


def init_app(app: Flask) -> None:
    app.add_template_global(links, "nav_links")
    app.add_template_global(has_role)
    app.add_template_global(unread_notifications)
