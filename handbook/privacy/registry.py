"""Where a member's personal data lives, and what export and erasure do with it.

Every column that points at users.id, and every column whose name says it holds
personal text, is listed here; tests/unit/privacy/test_registry.py fails for a
table that is not. Three kinds of entry:

- A Link names the rows that are about one member. The export shows its `export`
  columns (`withheld` ones are credentials, or name somebody else). Erasure:
  DELETE  the rows go: credentials, roles, messages addressed to the member;
  SCRUB   the rows stay and the `scrub` columns are overwritten: the account row
          (de-identified), text the member wrote, their traces in the audit log;
  KEEP    the rows stay as they are, attached to the de-identified account: the
          study records every report counts, so unit and campaign figures do not
          move when a member is erased.
- A Reference names a column where the member appears as the one who acted on a
  row about somebody else (granted a role, marked a completion, sent a reminder).
  The row is the other person's or the organisation's: it is not exported, and the
  id stays, now pointing at the de-identified account.
- NOT_PERSONAL lists columns whose name looks personal but whose content is not.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, ColumnElement, MetaData, String, Table, Text, and_

from handbook.accounts import users
from handbook.clock import utcnow
from handbook.models import metadata

DELETE, SCRUB, KEEP = "delete", "scrub", "keep"
ERASED_ACTION = "privacy.erased"  # the audit action of an erasure (restore looks for it)
ERASED_TEXT = "[đã xóa]"
REFLECTION_ERASED = "(Nội dung đã được xóa theo yêu cầu bảo vệ dữ liệu cá nhân.)"

# Names of columns that hold personal data whatever table they are in.
PERSONAL_COLUMN = re.compile(
    r"(?:^|_)(?:name|username|member_code|email|phone|address|ip|author|actor|"
    r"body|text|label|comment|note|details)$"
)


@dataclass(frozen=True)
class Identity:
    """What identifies a member: looked for, and replaced, wherever it appears."""

    user_id: int
    username: str
    full_name: str
    member_code: str | None

    @classmethod
    def of(cls, user) -> Identity:
        return cls(user.id, user.username, user.full_name, user.member_code)

    @property
    def marks(self) -> tuple[str, ...]:
        return tuple(m for m in (self.username, self.full_name, self.member_code) if m)

    def named_in(self, value: str) -> bool:
        folded = value.casefold()
        return any(mark.casefold() in folded for mark in self.marks)


Value = Callable[[Identity, Any], Any] | Any  # a new value, or f(identity, old value)


@dataclass(frozen=True)
class Link:
    table: str
    column: str  # holds the member's id, or with by_username their username
    label: str  # the section's title in the export, in Vietnamese
    export: tuple[str, ...]
    erase: str
    why: str
    withheld: tuple[str, ...] = ()
    scrub: dict[str, Value] = field(default_factory=dict)
    by_username: bool = False
    only: tuple[str, str] | None = None  # (column, value) the rows must also have
    key: str = ""  # the section's machine key when a table has two links

    @property
    def name(self) -> str:
        return self.key or self.table


@dataclass(frozen=True)
class Reference:
    table: str
    column: str
    why: str


def pseudonym(identity: Identity, _old: Any = None) -> str:
    return f"Đảng viên đã xóa #{identity.user_id}"


def unusable_username(identity: Identity, _old: Any) -> str:
    # Sign-in looks names up in lower case and no form accepts '~': nobody can
    # sign in as, activate or import over this account again.
    return f"{users.ERASED_PREFIX}{identity.user_id}-{secrets.token_hex(8).upper()}"


def _new_session_version(_identity: Identity, _old: Any) -> str:
    return secrets.token_hex(16)  # every cookie of the account stops working


def _deactivated_at(_identity: Identity, old: Any) -> Any:
    return old or utcnow()


FREE_TEXT_KEYS = frozenset({"username", "full_name", "member_code", "label"})


def scrub_names(identity: Identity, details: Any, key: str = "") -> Any:
    """A text, or audit details, with every value that names the member, and every
    free text they typed (a device's label), replaced."""
    if isinstance(details, dict):
        return {k: scrub_names(identity, v, k) for k, v in details.items()}
    if isinstance(details, list):
        return [scrub_names(identity, v, key) for v in details]
    if isinstance(details, str) and (key in FREE_TEXT_KEYS or identity.named_in(details)):
        return ERASED_TEXT
    return details


_STUDY_RECORD = (
    "Counted by the reports (units, campaigns, charts); kept, attached to the "
    "de-identified account, so erasing a member does not change any figure."
)

LINKS: tuple[Link, ...] = (
    Link(
        "users",
        "id",
        "Tài khoản",
        export=(
            "id",
            "username",
            "full_name",
            "member_code",
            "active",
            "is_demo",
            "created_at",
            "password_changed_at",
            "last_login_at",
            "deactivated_at",
        ),
        withheld=("password_hash", "session_version", "totp_secret", "totp_pending_secret", "totp_last_step"),
        erase=SCRUB,
        scrub={
            "username": unusable_username,
            "full_name": pseudonym,
            "member_code": None,
            "password_hash": None,
            "session_version": _new_session_version,
            "totp_secret": None,
            "totp_pending_secret": None,
            "totp_last_step": 0,
            "active": False,
            "password_changed_at": None,
            "last_login_at": None,
            "deactivated_at": _deactivated_at,
        },
        why="The row stays so memberships and study records keep counting; name, code, "
        "username and every credential go, and the account is locked for good.",
    ),
    Link(
        "memberships",
        "user_id",
        "Quá trình sinh hoạt đảng",
        export=("id", "user_id", "unit_id", "started_at", "ended_at", "end_reason"),
        erase=KEEP,
        why="A member is counted in the cell of their open membership. " + _STUDY_RECORD,
    ),
    Link(
        "role_grants",
        "user_id",
        "Vai trò",
        export=("id", "user_id", "role", "unit_id", "granted_at", "granted_by"),
        erase=DELETE,
        why="A de-identified account holds no role.",
    ),
    Link(
        "one_time_codes",
        "user_id",
        "Mã kích hoạt và mã đặt lại mật khẩu",
        export=("id", "user_id", "purpose", "created_at", "expires_at", "used_at"),
        withheld=("code_hash",),
        erase=DELETE,
        why="Credentials.",
    ),
    Link(
        "api_tokens",
        "user_id",
        "Thiết bị đăng nhập ứng dụng",
        export=("id", "user_id", "label", "created_at", "expires_at", "last_used_at", "revoked_at"),
        withheld=("token_hash",),
        erase=DELETE,
        why="Credentials; the label is the member's own name for a device.",
    ),
    Link(
        "audit_events",
        "target_id",
        "Nhật ký: các thay đổi về tài khoản của đồng chí",
        key="audit_events.about",
        only=("target_type", "user"),
        export=("id", "at", "action", "target_type", "target_id", "details"),
        withheld=("actor_id", "actor", "ip"),
        erase=SCRUB,
        scrub={"details": scrub_names},
        why="Accountability of whoever acted stays (ids, actions, times); values naming "
        "the member go. The actor and their address are somebody else's data.",
    ),
    Link(
        "audit_events",
        "actor_id",
        "Nhật ký: các thao tác của đồng chí",
        key="audit_events.by",
        export=("id", "at", "actor_id", "actor", "action", "target_type", "target_id", "ip"),
        withheld=("details",),
        erase=SCRUB,
        scrub={"actor": pseudonym, "ip": "", "details": scrub_names},
        why="The actions stay under the actor id; the username, the address and values "
        "naming the member go. Details are withheld from the export: they may name "
        "the people the member acted on.",
    ),
    Link(
        "reading_events",
        "user_id",
        "Lượt đọc",
        export=(
            "id",
            "user_id",
            "client_event_id",
            "document_id",
            "anchor",
            "seconds",
            "credited",
            "occurred_at",
            "received_at",
            "starts_at",
            "flag",
        ),
        erase=KEEP,
        why=_STUDY_RECORD,
    ),
    Link(
        "section_reads",
        "user_id",
        "Thời gian đọc từng mục",
        export=("user_id", "document_id", "edition", "anchor", "seconds", "required_seconds", "read_at"),
        erase=KEEP,
        why=_STUDY_RECORD,
    ),
    Link(
        "completions",
        "user_id",
        "Văn bản đã học xong",
        export=(
            "id",
            "user_id",
            "document_id",
            "edition",
            "revision_id",
            "completed_at",
            "method",
            "marked_by",
        ),
        erase=KEEP,
        why=_STUDY_RECORD,
    ),
    Link(
        "reflections",
        "user_id",
        "Bài thu hoạch",
        export=("id", "campaign_id", "user_id", "text", "submitted_at", "reviewed_by", "reviewed_at"),
        erase=SCRUB,
        scrub={"text": REFLECTION_ERASED},
        why="The text the member wrote goes; the row stays so the cell still counts a reflection handed in.",
    ),
    Link(
        "quiz_attempts",
        "user_id",
        "Bài tự kiểm tra",
        export=("id", "user_id", "document_id", "edition", "score", "taken_at"),
        erase=KEEP,
        why="Scores only, no answers; a pass mark may be what completed a document. " + _STUDY_RECORD,
    ),
    Link(
        "notifications",
        "user_id",
        "Thông báo",
        export=("id", "user_id", "kind", "title", "body", "link", "campaign_id", "created_at", "read_at"),
        erase=DELETE,
        why="Messages addressed to the member; nobody else reads them.",
    ),
    Link(
        "reminders",
        "user_id",
        "Lời nhắc học tập",
        export=("id", "user_id", "campaign_id", "unit_id", "day", "sent_by", "created_at"),
        erase=KEEP,
        why="Ids and a day only: the record that a cell reminded its members, "
        "which keeps a second reminder from going out the same day.",
    ),
    Link(
        "document_revisions",
        "author",
        "Phiên bản văn bản đồng chí đã soạn",
        by_username=True,
        export=("id", "document_id", "number", "note", "author", "requires_restudy", "created_at"),
        withheld=("source", "source_hash", "html", "toc", "word_count"),
        erase=SCRUB,
        scrub={"author": pseudonym, "note": scrub_names},
        why="The revision belongs to the library; the author's name goes, and a note "
        "naming them. Its text is the document's, not about the member, and is not "
        "exported.",
    ),
)

REFERENCES: tuple[Reference, ...] = (
    Reference("unit_events", "actor_id", "Who changed a unit: the organisation's history."),
    Reference("role_grants", "granted_by", "Who granted someone else's role."),
    Reference("completions", "marked_by", "The secretary who marked another member's study."),
    Reference("reflections", "reviewed_by", "The secretary who read another member's reflection."),
    Reference("campaigns", "created_by", "Who opened a campaign: the organisation's record."),
    Reference("quiz_questions", "created_by", "Who wrote a question of the library."),
    Reference("reminders", "sent_by", "The secretary who reminded another member."),
    Reference("attachments", "uploaded_by", "Who attached a file to a document of the library."),
    Reference("documents", "scheduled_by_id", "The editor in whose name a scheduled document is published."),
)

NOT_PERSONAL: dict[tuple[str, str], str] = {
    ("units", "name"): "The name of a party organisation.",
    ("unit_events", "details"): "Before and after values of a unit: names, codes, parents.",
    ("document_sections", "text"): "Published text of the library.",
    ("attachments", "stored_name"): "The content hash of a stored file.",
}


def table_of(link: Link | Reference) -> Table:
    return metadata.tables[link.table]


def rows_of(link: Link, identity: Identity) -> ColumnElement[bool]:
    """The condition selecting the link's rows about the member."""
    table = table_of(link)
    condition = table.c[link.column] == (identity.username if link.by_username else identity.user_id)
    if link.only:
        condition = and_(condition, table.c[link.only[0]] == link.only[1])
    return condition


def new_value(value: Value, identity: Identity, old: Any) -> Any:
    return value(identity, old) if callable(value) else value


def points_at_users(column) -> bool:
    return any(fk.target_fullname == "users.id" for fk in column.foreign_keys)


def unregistered(schema: MetaData = metadata) -> list[str]:
    """'table.column: why' for each column of schema holding personal data that the
    registry does not cover: an id of users not linked nor referenced, or a personal
    text column of a table without a link."""
    linked = {(link.table, link.column) for link in LINKS}
    referenced = {(ref.table, ref.column) for ref in REFERENCES}
    linked_tables = {link.table for link in LINKS}
    problems = []
    for table in schema.sorted_tables:
        for column in table.columns:
            where = (table.name, column.name)
            if points_at_users(column) and where not in linked | referenced:
                problems.append(
                    f"{table.name}.{column.name}: refers to users.id; add a Link "
                    "(rows about the member) or a Reference (the member acted)"
                )
            elif (
                isinstance(column.type, String | Text | JSON)
                and PERSONAL_COLUMN.search(column.name)
                and where not in NOT_PERSONAL
                and table.name not in linked_tables
            ):
                problems.append(
                    f"{table.name}.{column.name}: looks personal; add a Link for "
                    "its table or an entry in NOT_PERSONAL"
                )
    return problems
