"""The roll-up of a unit's subtree: per child unit, how many members completed, are
studying or have not started, in one campaign or across campaigns. SQL groups the
members by cell (figures.unit_states); the tree is summed here from unit paths."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from handbook.accounts.models import Unit
from handbook.accounts.vocabulary import MEMBER_UNIT_KINDS
from handbook.reports import figures
from handbook.reports.figures import COMPLETED, IN_PROGRESS, NOT_ASSIGNED
from handbook.study.models import Campaign
from handbook.study.progress import percent

BEHIND_LIMIT = 10


@dataclass(frozen=True)
class Tally:
    """Members due to study, and where they stand."""

    members: int = 0
    completed: int = 0
    in_progress: int = 0

    @property
    def not_started(self) -> int:
        return self.members - self.completed - self.in_progress

    @property
    def rate(self) -> int | None:
        """Participation rate: members who completed ÷ members due, whole percent."""
        return percent(self.completed, self.members)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.members + other.members,
            self.completed + other.completed,
            self.in_progress + other.in_progress,
        )


@dataclass(frozen=True)
class UnitLine:
    unit: Unit
    tally: Tally

    @property
    def is_cell(self) -> bool:
        return self.unit.kind in MEMBER_UNIT_KINDS


@dataclass
class Rollup:
    unit: Unit
    campaign: Campaign | None
    total: Tally
    children: list[UnitLine]
    behind: list[UnitLine]
    by_campaign: list[tuple[Campaign, Tally]] = field(default_factory=list)


def _tally_of(states: list[int], members: int) -> Tally:
    assigned = [s for s in states if s != NOT_ASSIGNED]
    if not assigned:
        return Tally()
    if all(s == COMPLETED for s in assigned):
        return Tally(members, completed=members)
    started = any(s in (COMPLETED, IN_PROGRESS) for s in assigned)
    return Tally(members, in_progress=members if started else 0)


def cell_tallies(
    session: Session, unit: Unit, campaign_list: list[Campaign]
) -> tuple[dict[int, Tally], dict[int, Tally]]:
    """(cell id → tally across the campaigns, campaign id → tally over the subtree)."""
    ids = [c.id for c in campaign_list][: figures.MAX_KEYED_CAMPAIGNS]
    cells: dict[int, Tally] = defaultdict(Tally)
    per_campaign: dict[int, Tally] = defaultdict(Tally)
    if not ids:
        return cells, per_campaign
    for unit_id, key, members in session.execute(figures.unit_states(unit.path, ids)):
        states = figures.decode(key, len(ids))
        cells[unit_id] += _tally_of(states, members)
        for campaign_id, state in zip(ids, states, strict=True):
            per_campaign[campaign_id] += _tally_of([state], members)
    return cells, per_campaign


def _cells(session: Session, cell_ids: set[int]) -> dict[int, tuple[str, str]]:
    """id → (path, name) of the member-holding units: plain rows, there are thousands."""
    rows = session.execute(select(Unit.id, Unit.path, Unit.name).where(Unit.id.in_(cell_ids)))
    return {row.id: (row.path, row.name) for row in rows}


def _units(session: Session, unit: Unit, ids: set[int]) -> dict[int, Unit]:
    """The children of unit and the units listed, by id."""
    rows = session.scalars(
        select(Unit).options(lazyload(Unit.parent)).where((Unit.parent_id == unit.id) | Unit.id.in_(ids))
    )
    return {u.id: u for u in rows}


def _child_of(unit: Unit, path: str) -> int:
    """The id of the child of unit on the way to path (unit's own id if path is unit's)."""
    depth = len(unit.path.strip("/").split("/"))
    parts = path.strip("/").split("/")
    return int(parts[depth]) if len(parts) > depth else unit.id


def build(
    session: Session, unit: Unit, campaign_list: list[Campaign], campaign: Campaign | None = None
) -> Rollup:
    """The roll-up of unit's subtree for one campaign, or across campaign_list."""
    cells, per_campaign = cell_tallies(session, unit, [campaign] if campaign else campaign_list)
    where = _cells(session, set(cells))
    children: dict[int, Tally] = {}
    for cell_id, tally in cells.items():
        child = _child_of(unit, where[cell_id][0])
        children[child] = children.get(child, Tally()) + tally
    behind = sorted(
        (i for i, t in cells.items() if t.members),
        key=lambda i: (cells[i].rate, -cells[i].not_started, where[i][1]),
    )
    behind = behind[:BEHIND_LIMIT]
    units = _units(session, unit, set(behind))
    lines = sorted(
        (UnitLine(u, children.get(u.id, Tally())) for u in units.values() if u.parent_id == unit.id),
        key=lambda line: line.unit.name,
    )
    total = sum(cells.values(), Tally())
    by_campaign = [] if campaign else [(c, per_campaign.get(c.id, Tally())) for c in campaign_list]
    return Rollup(unit, campaign, total, lines, [UnitLine(units[i], cells[i]) for i in behind], by_campaign)
