"""Report pages under /bao-cao: thin adapters over the report services."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from handbook.accounts import web
from handbook.accounts.access import current_permissions
from handbook.accounts.vocabulary import UNIT_VIEWER_ROLES
from handbook.app_db import get_db, session
from handbook.db import MAX_ID
from handbook.errors import NotFound
from handbook.params import to_int
from handbook.policies import role_required
from handbook.reports import exports, grid, pages, reading_review, scope
from handbook.reports.cache import FiguresCache
from handbook.security import opened_here

bp = Blueprint("reports", __name__)


@bp.record_once
def _create_figures_cache(state) -> None:
    state.app.extensions["reports.figures"] = FiguresCache(state.app.config["REPORT_CACHE_SECONDS"])


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign_arg() -> int | None:
    """?dot=<id>, or None without one; any other value names no campaign."""
    value = request.args.get("dot", "")
    if not value:
        return None
    if (campaign_id := to_int(value, 1, MAX_ID)) is None:
        raise NotFound("Không tìm thấy đợt học tập.")
    return campaign_id


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/bao-cao")
@role_required(*UNIT_VIEWER_ROLES)
def index():
    return render_template("reports/index.html", entries=pages.entries(session(), current_permissions()))


@bp.get("/bao-cao/don-vi/<int:unit_id>")
@role_required(*UNIT_VIEWER_ROLES)
def unit(unit_id: int):
    page = pages.rollup_page(
        session(), current_permissions(), unit_id, _campaign_arg(), current_app.extensions["reports.figures"]
    )
    return render_template("reports/unit.html", page=page, report=page.rollup)


def _audit(action: str, unit, campaign, fmt: str) -> None:
    with get_db().transaction() as tx:
        scope.record_access(tx, web.actor(), action, unit, campaign, fmt)


@bp.get("/bao-cao/chi-bo/<int:unit_id>/dot/<int:campaign_id>")
@role_required(*UNIT_VIEWER_ROLES)
@opened_here
def cell(unit_id: int, campaign_id: int):
    view = grid.build(
        session(),
        current_permissions(),
        unit_id,
        campaign_id,
        request.args.get("loc", ""),
        request.args.get("sap-xep", "ten"),
    )
    _audit("grid_viewed", view.unit, view.campaign, "html")
    return render_template("reports/cell.html", grid=view, unit=view.unit, campaign=view.campaign)


@bp.get("/bao-cao/chi-bo/<int:unit_id>/dot/<int:campaign_id>/luot-doc-can-xem")
@role_required(*UNIT_VIEWER_ROLES)
@opened_here
def reading_flags(unit_id: int, campaign_id: int):
    review = reading_review.build(session(), current_permissions(), unit_id, campaign_id)
    _audit("reading_review_viewed", review.unit, review.campaign, "html")
    return render_template("reports/reading_review.html", review=review)


@bp.get("/bao-cao/don-vi/<int:unit_id>/dot/<int:campaign_id>.csv")
@role_required(*UNIT_VIEWER_ROLES)
@opened_here
def export_csv(unit_id: int, campaign_id: int):
    export = exports.prepare(session(), current_permissions(), unit_id, campaign_id)
    body = exports.to_csv(export)
    _audit("exported", export.unit, export.campaign, "csv")
    return _download(body, "text/csv; charset=utf-8", export.filename + ".csv")


@bp.get("/bao-cao/don-vi/<int:unit_id>/dot/<int:campaign_id>.xlsx")
@role_required(*UNIT_VIEWER_ROLES)
@opened_here
def export_xlsx(unit_id: int, campaign_id: int):
    export = exports.prepare(session(), current_permissions(), unit_id, campaign_id)
    body = exports.to_xlsx(session(), export)
    _audit("exported", export.unit, export.campaign, "xlsx")
    return _download(body, XLSX, export.filename + ".xlsx")


@bp.get("/bao-cao/don-vi/<int:unit_id>/dot/<int:campaign_id>/in")
@role_required(*UNIT_VIEWER_ROLES)
@opened_here
def printable(unit_id: int, campaign_id: int):
    report = pages.printed_report(session(), current_permissions(), unit_id, campaign_id)
    _audit("printed", report.rollup.unit, report.rollup.campaign, "print")
    return render_template("reports/print.html", printed=report, report=report.rollup)
