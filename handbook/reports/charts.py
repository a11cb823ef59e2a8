"""Inline SVG charts built on the server: participation per unit and completions over
time. No script, no style attribute (the CSP forbids both); every label is escaped and
each chart has a title and description, with the same numbers in a table beside it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from handbook.accounts.models import Unit
from handbook.clock import VIETNAM
from handbook.reports import figures

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 28, 8, 130, 340
MAX_BARS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # percent


@dataclass(frozen=True)
class Day:
    day: date
    completed: int
    cumulative: int


def _svg(ident: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def participation(bars: list[Bar], title: str) -> Markup:
    """Horizontal bars, one per unit, 0–100 %."""
    bars = bars[:MAX_BARS]
    span = WIDTH - LABEL_WIDTH - 40
    body = []
    for i, bar in enumerate(bars):
        y = i * (BAR_HEIGHT + GAP)
        value = bar.value or 0
        shown = "—" if bar.value is None else f"{bar.value}%"
        body.append(
            f'<text x="0" y="{y + 19}" class="chart-label">{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{span}" height="{BAR_HEIGHT - 8}" '
            f'class="chart-track"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{span * value // 100}" '
            f'height="{BAR_HEIGHT - 8}" class="chart-bar"/>'
            f'<text x="{WIDTH}" y="{y + 19}" text-anchor="end" class="chart-value">'
            f"{escape(shown)}</text>"
        )
    desc = "; ".join(f"{b.label}: {'không có' if b.value is None else str(b.value) + '%'}" for b in bars)
    return _svg("bieu-do-ty-le", WIDTH, max(len(bars), 1) * (BAR_HEIGHT + GAP), title, desc, body)


def timeline(session: Session, unit: Unit, campaign_id: int | None) -> list[Day]:
    """Documents completed per day (Vietnam's calendar) by the subtree's members."""
    per_day: Counter[date] = Counter()
    for hour, count in session.execute(figures.completions_by_hour(unit.path, campaign_id)):
        start = datetime.strptime(hour[:13], "%Y-%m-%d %H").replace(tzinfo=UTC)
        per_day[start.astimezone(VIETNAM).date()] += count
    days, total = [], 0
    for day in sorted(per_day):
        total += per_day[day]
        days.append(Day(day, per_day[day], total))
    return days


def progress_over_time(days: list[Day], title: str, height: int = 160) -> Markup:
    """Cumulative completions as a step line, with the first and last day labelled."""
    if not days:
        return _svg(
            "bieu-do-tien-do",
            WIDTH,
            40,
            title,
            "Chưa có văn bản nào được học xong.",
            ['<text x="0" y="24" class="chart-label">Chưa có dữ liệu.</text>'],
        )
    first, last = days[0].day, days[-1].day
    span_days = max((last - first).days, 1)
    top = max(days[-1].cumulative, 1)
    plot = height - 30

    def point(day: Day) -> str:
        x = 40 + (WIDTH - 50) * (day.day - first).days // span_days
        return f"{x},{10 + plot - plot * day.cumulative // top}"

    line = " ".join(point(d) for d in days)
    body = [
        f'<polyline points="40,{10 + plot} {line}" class="chart-line" fill="none"/>',
        f'<text x="0" y="18" class="chart-value">{top}</text>',
        f'<text x="40" y="{height - 4}" class="chart-label">{first:%d/%m}</text>',
        f'<text x="{WIDTH}" y="{height - 4}" text-anchor="end" class="chart-label">{last:%d/%m}</text>',
    ]
    desc = f"Từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}: {top} lượt văn bản được học xong; " + "; ".join(
        f"{d.day:%d/%m}: {d.cumulative}" for d in days[-10:]
    )
    return _svg("bieu-do-tien-do", WIDTH, height, title, desc, body)
