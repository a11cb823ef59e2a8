"""Report data for secretaries and committees, scoped exactly like the report pages:
anything outside the caller's units is a 404, the same as an id that does not exist."""

from __future__ import annotations

from flask import current_app, jsonify

from handbook.accounts import web
from handbook.accounts.access import current_permissions
from handbook.accounts.vocabulary import UNIT_VIEWER_ROLES
from handbook.api import params
from handbook.api.blueprint import bp
from handbook.api.openapi import Param, operation
from handbook.api.present import campaign_ref, ratio_json, unit_json
from handbook.app_db import get_db, session
from handbook.db import MAX_ID, iso
from handbook.policies import role_required
from handbook.reports import grid, pages, scope
from handbook.reports.rollup import Tally, UnitLine

TAG = "Báo cáo"
GRID_FILTERS = {"not_started": "chua-hoc", "overdue": "qua-han"}
GRID_SORTS = {"name": "ten", "progress": "tien-do"}


@bp.get("/reports")
@role_required(*UNIT_VIEWER_ROLES)
@operation("Các đơn vị và đợt học tập trong phạm vi được xem", tag=TAG, responses={200: "ReportScope"})
def report_scope():
    entries = pages.entries(session(), current_permissions())
    return jsonify(
        units=[
            {"unit": unit_json(e.unit), "campaigns": [campaign_ref(c) for c in e.campaigns]} for e in entries
        ]
    )


@bp.get("/reports/units/<int:unit_id>")
@role_required(*UNIT_VIEWER_ROLES)
@operation(
    "Tổng hợp theo đơn vị trực thuộc, một đợt hoặc mọi đợt",
    tag=TAG,
    responses={200: "Rollup"},
    query=(Param("campaign", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),),
)
def rollup(unit_id: int):
    args = params.Args()
    campaign_id = args.integer("campaign", 1, MAX_ID)
    args.check()
    page = pages.rollup_page(
        session(), current_permissions(), unit_id, campaign_id, current_app.extensions["reports.figures"]
    )
    report = page.rollup
    return jsonify(
        unit=unit_json(report.unit),
        campaign=campaign_ref(report.campaign) if report.campaign else None,
        total=_tally(report.total),
        children=[_line(line) for line in report.children],
        behind=[_line(line) for line in report.behind],
        by_campaign=[{"campaign": campaign_ref(c), "tally": _tally(t)} for c, t in report.by_campaign],
        campaigns=[campaign_ref(c) for c in page.campaigns],
        computed_at=iso(page.computed_at),
    )


def _tally(tally: Tally) -> dict:
    return {
        "members": tally.members,
        "completed": tally.completed,
        "in_progress": tally.in_progress,
        "not_started": tally.not_started,
        "rate": tally.rate,
    }


def _line(line: UnitLine) -> dict:
    return {"unit": unit_json(line.unit), "is_cell": line.is_cell, "tally": _tally(line.tally)}


@bp.get("/reports/cells/<int:unit_id>/campaigns/<int:campaign_id>")
@role_required(*UNIT_VIEWER_ROLES)
@operation(
    "Bảng theo dõi của một chi bộ trong một đợt: đảng viên × văn bản",
    tag=TAG,
    responses={200: "CellGrid"},
    query=(Param("filter", {"enum": list(GRID_FILTERS)}), Param("sort", {"enum": list(GRID_SORTS)})),
)
def cell_grid(unit_id: int, campaign_id: int):
    args = params.Args()
    filter_ = GRID_FILTERS.get(args.choice("filter", GRID_FILTERS, ""), "")
    sort = GRID_SORTS[args.choice("sort", GRID_SORTS, "name")]
    args.check()
    view = grid.build(session(), current_permissions(), unit_id, campaign_id, filter_, sort)
    with get_db().transaction() as tx:
        scope.record_access(tx, web.actor(), "grid_viewed", view.unit, view.campaign, "api")
    return jsonify(
        unit=unit_json(view.unit),
        campaign=campaign_ref(view.campaign),
        ended=view.ended,
        documents=[{"slug": d.slug, "number": d.number, "title": d.title} for d in view.documents],
        members=[_member_row(row, view.documents) for row in view.rows],
    )


def _member_row(row: grid.MemberRow, documents) -> dict:
    return {
        "id": row.member.id,
        "full_name": row.member.full_name,
        "state": row.state,
        "progress": ratio_json(row.ratio),
        "overall": ratio_json(row.overall),
        "overdue": row.overdue,
        "documents": [
            {
                "slug": doc.slug,
                "state": cell.state,
                "sections": ratio_json(cell.sections),
                "completed_at": iso(cell.completed_at),
                "marked_by": cell.marked_by,
            }
            for doc, cell in zip(documents, row.cells, strict=True)
        ],
    }
