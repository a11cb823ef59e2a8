"""Report figures agree with the member's own page, on seeded random data."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from handbook.accounts.models import Membership, Unit
from handbook.accounts.permissions import Grant, Permissions
from handbook.accounts.vocabulary import ADMIN
from handbook.app_db import get_db
from handbook.reports import exports, grid, rollup
from handbook.reports.rollup import Tally
from handbook.study import campaigns, overview, progress

EVERYTHING = Permissions(1, (Grant(ADMIN, None, None),))


def _member_cells(session, unit: Unit) -> dict[int, int]:
    return dict(
        session.execute(
            select(Membership.user_id, Membership.unit_id)
            .join(Unit)
            .where(Membership.ended_at.is_(None), Unit.path.startswith(unit.path))
        ).all()
    )


def _expected(session, unit: Unit, campaign_ids: list[int]) -> dict[int, Tally]:
    """Cell id → Tally, member by member, from what each member's own page shows."""
    counts: dict[int, Counter] = {}
    for user_id, cell_id in _member_cells(session, unit).items():
        assigned = {c.id: c for c in campaigns.assigned_campaigns(session, user_id)}
        lines = overview.campaign_lines(
            session, user_id, [assigned[c] for c in campaign_ids if c in assigned]
        )
        if not lines:
            continue
        count = counts.setdefault(cell_id, Counter())
        count["members"] += 1
        if all(line.ratio.complete for line in lines):
            count["completed"] += 1
        elif any(line.ratio.done or any(d.sections.done for d in line.documents) for line in lines):
            count["in_progress"] += 1
    return {cell: Tally(c["members"], c["completed"], c["in_progress"]) for cell, c in counts.items()}


@pytest.mark.parametrize("which", ["first", "second", "both"])
def test_rollup_counts_equal_the_members_own_pages(library, tree, random_study, which):
    chosen = {
        "first": random_study.campaigns[:1],
        "second": random_study.campaigns[1:],
        "both": random_study.campaigns,
    }[which]
    with library.app_context(), get_db(library).transaction() as tx:
        cells, _ = rollup.cell_tallies(tx, tree.province, chosen)
        expected = _expected(tx, tree.province, [c.id for c in chosen])
    assert {k: v for k, v in cells.items() if v.members} == expected
    assert sum(t.members for t in expected.values()) > 0


def test_each_campaigns_figures_equal_its_own_rollup(library, tree, random_study):
    with library.app_context(), get_db(library).transaction() as tx:
        _, per_campaign = rollup.cell_tallies(tx, tree.province, random_study.campaigns)
        for campaign in random_study.campaigns:
            alone, _ = rollup.cell_tallies(tx, tree.province, [campaign])
            assert per_campaign[campaign.id] == sum(alone.values(), Tally())


def test_tree_sums_from_cells_to_children(library, tree, random_study):
    with library.app_context(), get_db(library).transaction() as tx:
        report = rollup.build(tx, tree.province, random_study.campaigns)
        cells, _ = rollup.cell_tallies(tx, tree.province, random_study.campaigns)
    by_name = {line.unit.name: line.tally for line in report.children}
    assert by_name["Đảng bộ huyện Đồng Phú"] == cells[tree.cell_a.id] + cells[tree.cell_b.id]
    assert by_name["Đảng bộ Quân sự tỉnh"] == cells[tree.cell_c.id]
    assert report.total == sum(cells.values(), Tally())
    rates = [line.tally.rate for line in report.behind]
    assert rates == sorted(rates)


def test_grid_rows_equal_the_members_own_pages(library, tree, random_study):
    campaign = random_study.campaigns[0]
    with library.app_context(), get_db(library).transaction() as tx:
        view = grid.build(tx, EVERYTHING, tree.cell_a.id, campaign.id)
        for row in view.rows:
            own = overview.member_overview(tx, row.member.id)
            line = overview.campaign_line(tx, row.member.id, tx.merge(campaign))
            assert row.ratio == line.ratio and row.overall == own.overall
            for cell, doc_line in zip(row.cells, line.documents, strict=True):
                assert (cell.state == grid.DONE) == doc_line.done
                assert cell.sections == doc_line.sections
    assert view.rows


def test_export_rows_equal_progress(library, tree, random_study):
    campaign = random_study.campaigns[1]
    with library.app_context(), get_db(library).transaction() as tx:
        export = exports.prepare(tx, EVERYTHING, tree.province.id, campaign.id)
        rows = list(export.rows)
        ratios = progress.campaign_progress(tx, random_study.member_ids)
    expected = sorted(r.percent for (_, c), r in ratios.items() if c == campaign.id)
    assert sorted(row[5] for row in rows) == expected
    assert len(rows) == 12
