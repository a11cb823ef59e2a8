"""A generated reading history over the demo province, so participation reports can be
measured under a realistic load (development only, deterministic for a seed).

Campaigns are made through the real `campaigns.create`; the history is then written
in bulk, because the per-event service would take hours for millions of events.
What is written obeys the rules of reading.py and completion.py: a section's
seconds are the sum of its events' credits, `read_at` is the moment they first
reach the minimum, and only documents with every section read are completed.

Realism comes first: most members finish, so a province history holds more events
than a small `--events` asks for; when the plan falls short, sections are read in
more sittings until the total is exactly `--events`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from handbook.accounts import principal
from handbook.accounts.audit import Actor
from handbook.accounts.demo import ROOT_CODE
from handbook.accounts.models import Membership, RoleGrant, Unit, User
from handbook.accounts.vocabulary import SECRETARY
from handbook.clock import utcnow
from handbook.content.models import Document, Section
from handbook.errors import Conflict, NotFound
from handbook.study import campaigns
from handbook.study.documents import editions, required_seconds
from handbook.study.models import Campaign, Completion, ReadingEvent, SectionRead
from handbook.study.reading import MAX_CREDIT

SEED = 35
CHUNK = 10_000
DESCRIPTION = "Đợt học tập mẫu, sinh tự động để đo các báo cáo tham gia học tập."
# Titles name real documents of the imported library; the first numbers are studied.
CAMPAIGNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Học tập, quán triệt Nghị quyết 35-NQ/TW về bảo vệ nền tảng tư tưởng của Đảng",
        ("35-NQ/TW", "85-QĐ/TW"),
    ),
    (
        "Học tập, quán triệt Quy định 144-QĐ/TW về chuẩn mực đạo đức cách mạng",
        ("144-QĐ/TW", "37-QĐ/TW", "08-QĐi/TW"),
    ),
    ("Học tập, quán triệt Nghị quyết 21-NQ/TW về củng cố tổ chức cơ sở đảng", ("21-NQ/TW", "12-HD/BTCTW")),
    (
        "Quán triệt Quy định 69-QĐ/TW về kỷ luật tổ chức đảng, đảng viên vi phạm",
        ("69-QĐ/TW", "22-QĐ/TW", "102-QĐ/TW"),
    ),
    (
        "Học tập, quán triệt Nghị quyết 27-NQ/TW về Nhà nước pháp quyền xã hội chủ nghĩa",
        ("27-NQ/TW", "21-KL/TW"),
    ),
    (
        "Học tập Chỉ thị 05-CT/TW và Kết luận 01-KL/TW về học tập và làm theo Bác",
        ("05-CT/TW", "01-KL/TW", "47-QĐ/TW", "58-QĐ/TW"),
    ),
)
TITLES = tuple(title for title, _ in CAMPAIGNS)
MAX_CAMPAIGNS = len(CAMPAIGNS)


@dataclass(frozen=True)
class StudyDoc:
    id: int
    revision_id: int
    edition: int
    sections: tuple[tuple[str, int], ...]  # (anchor, required seconds), in reading order


@dataclass(frozen=True)
class Window:
    """A campaign as the generator needs it: documents and the time members read in."""

    docs: tuple[StudyDoc, ...]
    starts_at: datetime
    until: datetime  # the deadline, or now for a campaign still open
    maturity: float  # share of the campaign's days gone: 1.0 once the deadline passed


@dataclass(frozen=True)
class DocPlan:
    """What one member does with one document: full sections, then maybe one half-read."""

    window: int
    doc: int
    full: int
    partial: bool
    method: str | None  # completion: "self", "secretary" or None


@dataclass
class HistoryResult:
    campaigns: int = 0
    events: int = 0
    section_reads: int = 0
    completions: int = 0


@dataclass
class Writer:
    """Buffers rows per table and inserts them CHUNK at a time."""

    tx: Session
    buffers: dict = field(default_factory=dict)

    def add(self, table, row: dict) -> None:
        rows = self.buffers.setdefault(table, [])
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush(table)

    def flush(self, table=None) -> None:
        for name in [table] if table is not None else list(self.buffers):
            if self.buffers.get(name):
                self.tx.execute(insert(name), self.buffers[name])
                self.buffers[name] = []


def generate(
    tx: Session, events: int, n_campaigns: int, seed: int = SEED, now: datetime | None = None
) -> HistoryResult:
    """Create n_campaigns campaigns over the demo province and at least `events` reading
    events. Raises Conflict if the history exists, NotFound without demo or library."""
    if tx.scalar(select(Campaign.id).where(Campaign.title.in_(TITLES))):
        raise Conflict("Lịch sử học tập mẫu đã được tạo; không tạo lại.")
    now = now or utcnow()
    rng = random.Random(seed)
    windows = _create_campaigns(tx, min(max(n_campaigns, 1), MAX_CAMPAIGNS), now)
    members = _backdate_members(tx, min(w.starts_at for w in windows))
    secretaries = dict(
        tx.execute(select(RoleGrant.unit_id, RoleGrant.user_id).where(RoleGrant.role == SECRETARY)).all()
    )
    plans = _plan(rng, members, secretaries, windows)
    natural_full, natural_partial = _natural_events(plans, windows)
    writer = Writer(tx)
    result = _write(
        writer,
        random.Random(seed + 1),
        plans,
        windows,
        secretaries,
        Sittings(max(events - natural_partial, natural_full), natural_full),
        now,
    )
    writer.flush()
    result.campaigns = len(windows)
    return result


def _create_campaigns(tx: Session, count: int, now: datetime) -> list[Window]:
    editor = tx.scalar(select(User).where(User.username == "demo.editor"))
    root = tx.scalar(select(Unit).where(Unit.code == ROOT_CODE))
    if editor is None or root is None:
        raise NotFound("Cần chạy 'demo' trước.")
    actor, perms = Actor(editor.id, editor.username), principal.permissions_of(tx, editor.id)
    today, windows = campaigns.today(now), []
    for i, (title, numbers) in enumerate(CAMPAIGNS[:count]):
        # Opened over the past seven months, 75 days each: the older ones are overdue.
        opens_on = today - timedelta(days=20 + round(190 * (count - 1 - i) / max(count - 1, 1)))
        deadline = opens_on + timedelta(days=75)
        docs = _study_docs(tx, numbers)
        form = campaigns.CampaignInput(
            title=title,
            description=DESCRIPTION,
            opens_on=opens_on.isoformat(),
            deadline=deadline.isoformat(),
            document_ids=[d.id for d in docs],
            unit_ids=[root.id],
        )
        campaign = campaigns.create(tx, actor, perms, form)
        # Maturity by calendar day, so one seed gives the same plan all day long.
        maturity = min(1.0, (today - opens_on).days / (deadline - opens_on).days)
        windows.append(Window(docs, campaign.starts_at, min(campaign.ends_at, now), maturity))
    return windows


def _study_docs(tx: Session, numbers: tuple[str, ...]) -> tuple[StudyDoc, ...]:
    current = editions().subquery()
    rows = tx.execute(
        select(Document.number, current.c.document_id, current.c.revision_id, current.c.edition)
        .join(current, current.c.document_id == Document.id)
        .where(Document.number.in_(numbers))
    ).all()
    if len(rows) != len(numbers):
        raise NotFound("Cần chạy 'import-content' trước: thiếu văn bản của đợt học tập mẫu.")
    by_number = {row.number: row for row in rows}
    return tuple(_study_doc(tx, by_number[n]) for n in numbers)


def _study_doc(tx: Session, row) -> StudyDoc:
    sections = tx.execute(
        select(Section.anchor, Section.word_count)
        .where(Section.revision_id == row.revision_id, Section.word_count > 0)
        .order_by(Section.position)
    )
    return StudyDoc(
        row.document_id,
        row.revision_id,
        row.edition,
        tuple((anchor, required_seconds(words)) for anchor, words in sections),
    )


def _backdate_members(tx: Session, first_start: datetime) -> list[tuple[int, int]]:
    """(user_id, cell_id) of the province's current members, who are moved to have
    joined before the first campaign: demo memberships start when the demo was made,
    and a campaign that ended before someone joined is not theirs."""
    root_path = tx.scalar(select(Unit.path).where(Unit.code == ROOT_CODE))
    units = select(Unit.id).where(Unit.path.startswith(root_path))
    joined = first_start - timedelta(days=30)
    tx.execute(
        update(Membership)
        .where(Membership.unit_id.in_(units), Membership.ended_at.is_(None), Membership.started_at > joined)
        .values(started_at=joined)
        .execution_options(synchronize_session=False)
    )
    cells: dict[int, int] = {}
    for user_id, cell in tx.execute(
        select(Membership.user_id, Membership.unit_id)
        .where(Membership.unit_id.in_(units), Membership.ended_at.is_(None))
        .order_by(Membership.user_id, Membership.unit_id)
    ):
        cells.setdefault(user_id, cell)  # one history per member, in their first cell
    return list(cells.items())


def _plan(
    rng: random.Random, members: list[tuple[int, int]], secretaries: dict[int, int], windows: list[Window]
) -> list[tuple[int, int, list[DocPlan]]]:
    """(user_id, cell_id, plans) per member. Cells differ: most are diligent, some behind."""
    diligence: dict[int, float] = {}
    planned = []
    for user_id, cell in members:
        if cell not in diligence:
            behind = rng.random() < 0.15
            diligence[cell] = _clamp(rng.gauss(0.88, 0.08)) * (rng.uniform(0.3, 0.6) if behind else 1)
        zeal = _clamp(rng.gauss(1.0, 0.12), 0.5, 1.2)
        marks = secretaries.get(cell) not in (None, user_id)
        docs = [
            p for k, w in enumerate(windows) for p in _plan_campaign(rng, k, w, diligence[cell] * zeal, marks)
        ]
        planned.append((user_id, cell, docs))
    return planned


def _plan_campaign(rng: random.Random, k: int, window: Window, will: float, marks: bool) -> list[DocPlan]:
    finish = min(0.98, will * (0.95 if window.maturity >= 1 else 0.15 + 0.75 * window.maturity))
    roll = rng.random()
    if roll >= finish + (1 - finish) * 0.55:
        return []  # never started
    sizes = [len(d.sections) for d in window.docs]
    budget = sum(sizes) if roll < finish else int(sum(sizes) * rng.uniform(0.05, 0.95))
    plans = []
    for j, size in enumerate(sizes):
        full = min(size, budget)
        budget -= full
        if full == size:
            method = "secretary" if marks and rng.random() < 0.12 else "self"
            plans.append(DocPlan(k, j, full, False, method if rng.random() < 0.97 else None))
        else:
            plans.append(DocPlan(k, j, full, True, None))
            break
    return plans


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def _events_of(required: int) -> int:
    """Fewest events that can credit a section's minimum (each credits ≤ MAX_CREDIT)."""
    return max(1, -(-required // MAX_CREDIT))


def _natural_events(plans, windows: list[Window]) -> tuple[int, int]:
    """(events for full sections, events for half-read ones) at the fewest sittings."""
    full = partial = 0
    for _, _, docs in plans:
        for p in docs:
            sections = windows[p.window].docs[p.doc].sections
            full += sum(_events_of(r) for _, r in sections[: p.full])
            partial += p.partial
    return full, partial


@dataclass
class Sittings:
    """How many events each fully read section gets, so the total is exactly `target`
    (error diffusion over the natural counts, in integers)."""

    target: int
    natural: int
    seen: int = 0
    given: int = 0

    def next(self, natural: int) -> int:
        self.seen += natural
        wanted = self.target * self.seen // self.natural if self.natural else natural
        count, self.given = wanted - self.given, wanted
        return count


def _write(
    writer: Writer,
    rng: random.Random,
    plans,
    windows: list[Window],
    secretaries: dict[int, int],
    sittings: Sittings,
    now: datetime,
) -> HistoryResult:
    result, latest = HistoryResult(), now - timedelta(hours=12)
    for user_id, cell, docs in plans:
        reader = Reader(writer, rng, user_id, sittings, result)
        for k, w in enumerate(windows):
            # Early birds start on day one, stragglers near the deadline.
            reader.cursor = w.starts_at + (w.until - w.starts_at) * 0.85 * rng.random() ** 1.6
            for p in (p for p in docs if p.window == k):
                reader.cursor = min(reader.cursor, latest)
                finished = reader.read(w.docs[p.doc], p)
                if p.method:
                    _complete(
                        writer, rng, user_id, w.docs[p.doc], p.method, secretaries.get(cell), finished, latest
                    )
                    result.completions += 1
                reader.cursor += timedelta(hours=rng.uniform(2, 96))
    return result


@dataclass
class Reader:
    """One member's device: events in time order, each id unique for the member."""

    writer: Writer
    rng: random.Random
    user_id: int
    sittings: Sittings
    result: HistoryResult
    cursor: datetime | None = None
    sent: int = 0

    def read(self, doc: StudyDoc, plan: DocPlan) -> datetime | None:
        """Events and section reads of one document; returns when its last section was read."""
        read_at = None
        for i, (anchor, required) in enumerate(doc.sections[: plan.full + plan.partial]):
            if i < plan.full:
                count = self.sittings.next(_events_of(required))
                total = max(count, self.rng.randint(required, min(required * 3 // 2 + 1, MAX_CREDIT * count)))
            else:
                count, total = 1, self.rng.randint(1, required - 1)
            read_at = self._section(doc, anchor, required, count, total)
        return read_at

    def _section(self, doc: StudyDoc, anchor: str, required: int, count: int, total: int) -> datetime | None:
        credited, read_at = 0, None
        for j in range(count):
            part = total // count + (j < total % count)  # ≤ MAX_CREDIT: total ≤ count × it
            self.cursor += timedelta(seconds=part + self.rng.randint(2, 40))
            self.sent += 1
            credited += part
            if read_at is None and credited >= required:
                read_at = self.cursor
            self.writer.add(
                ReadingEvent.__table__,
                {
                    "user_id": self.user_id,
                    "client_event_id": f"lsm-{self.sent:08d}",
                    "document_id": doc.id,
                    "anchor": anchor,
                    "seconds": part,
                    "credited": part,
                    "occurred_at": self.cursor,
                    "received_at": self.cursor + timedelta(seconds=self.rng.randint(1, 20)),
                },
            )
        self.writer.add(
            SectionRead.__table__,
            {
                "user_id": self.user_id,
                "document_id": doc.id,
                "edition": doc.edition,
                "anchor": anchor,
                "seconds": credited,
                "required_seconds": required,
                "read_at": read_at,
            },
        )
        self.result.events += count
        self.result.section_reads += 1
        return read_at


def _complete(
    writer: Writer,
    rng: random.Random,
    user_id: int,
    doc: StudyDoc,
    method: str,
    secretary: int | None,
    finished: datetime,
    latest: datetime,
) -> None:
    """The member confirms minutes after the last section; a secretary marks at the
    next cell meeting, days later."""
    if method == "self":
        at, marked_by = finished + timedelta(seconds=rng.randint(20, 900)), None
    else:
        at, marked_by = max(finished, min(finished + timedelta(days=rng.uniform(1, 20)), latest)), secretary
    writer.add(
        Completion.__table__,
        {
            "user_id": user_id,
            "document_id": doc.id,
            "edition": doc.edition,
            "revision_id": doc.revision_id,
            "completed_at": at,
            "method": method,
            "marked_by": marked_by,
        },
    )
