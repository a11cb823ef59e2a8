"""What each report page shows, assembled from the services: the entry list, the
roll-up with its charts, the printable report. No HTTP here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy.orm import Session

from handbook.accounts.models import Unit
from handbook.accounts.permissions import Permissions
from handbook.clock import utcnow
from handbook.reports import charts, rollup, scope
from handbook.reports.cache import FiguresCache
from handbook.reports.rollup import Rollup
from handbook.study.campaigns import today
from handbook.study.models import Campaign


@dataclass(frozen=True)
class Entry:
    unit: Unit
    campaigns: list[Campaign]


@dataclass(frozen=True)
class RollupPage:
    rollup: Rollup
    campaigns: list[Campaign]
    days: list[charts.Day]
    participation_chart: Markup
    progress_chart: Markup
    computed_at: datetime


@dataclass(frozen=True)
class PrintedReport:
    rollup: Rollup
    printed_on: date


def entries(session: Session, perms: Permissions) -> list[Entry]:
    return [Entry(u, scope.campaigns_reaching(session, u)) for u in scope.entry_units(session, perms)]


def _rollup(
    session: Session, perms: Permissions, unit_id: int, campaign_id: int | None
) -> tuple[Rollup, list[Campaign]]:
    unit = scope.unit(session, perms, unit_id)
    reaching = scope.campaigns_reaching(session, unit)
    campaign = None if campaign_id is None else scope.campaign(session, unit, campaign_id)
    return rollup.build(session, unit, reaching, campaign), reaching


def rollup_page(
    session: Session,
    perms: Permissions,
    unit_id: int,
    campaign_id: int | None = None,
    cache: FiguresCache | None = None,
) -> RollupPage:
    """NotFound for a unit or campaign outside the viewer's scope. The figures are the
    same for every viewer allowed to see the unit, so they may come from the cache."""
    unit = scope.unit(session, perms, unit_id)
    campaign = None if campaign_id is None else scope.campaign(session, unit, campaign_id)
    cache = cache or FiguresCache(0)
    return cache.get(("rollup", unit.id, campaign_id), lambda: _rollup_page(session, unit, campaign))


def _rollup_page(session: Session, unit: Unit, campaign: Campaign | None) -> RollupPage:
    reaching = scope.campaigns_reaching(session, unit)
    result = rollup.build(session, unit, reaching, campaign)
    bars = [charts.Bar(line.unit.name, line.tally.rate) for line in result.children]
    days = charts.timeline(session, unit, campaign.id if campaign else None)
    return RollupPage(
        result,
        reaching,
        days,
        charts.participation(bars, "Tỷ lệ hoàn thành theo đơn vị"),
        charts.progress_over_time(days, "Số lượt văn bản đã học xong theo ngày"),
        utcnow(),
    )


def printed_report(session: Session, perms: Permissions, unit_id: int, campaign_id: int) -> PrintedReport:
    """The report "Báo cáo kết quả học tập, quán triệt …" of a unit and campaign."""
    result, _ = _rollup(session, perms, unit_id, campaign_id)
    return PrintedReport(result, today())
