"""For secretaries and deputies: their cell's study in a campaign, marking a member
complete after the cell meeting, reading and reviewing reflections."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from handbook.accounts import web
from handbook.accounts.access import current_permissions
from handbook.accounts.vocabulary import DEPUTY_SECRETARY, SECRETARY
from handbook.app_db import get_db
from handbook.params import Args
from handbook.policies import role_required
from handbook.security import opened_here, safe_next
from handbook.study import cell, completion, reflections
from handbook.study.blueprint import bp

CELL_ROLES = (SECRETARY, DEPUTY_SECRETARY)


@bp.get("/hoc-tap/chi-bo")
@role_required(*CELL_ROLES)
def my_cells():
    """The old address of a secretary's cells; the reports list them with their campaigns."""
    return redirect(url_for("reports.index"), 301)


@bp.get("/hoc-tap/chi-bo/<int:unit_id>/dot/<int:campaign_id>")
@role_required(*CELL_ROLES)
def cell_campaign(unit_id: int, campaign_id: int):
    """The old address of the cell grid, kept for bookmarks."""
    return redirect(url_for("reports.cell", unit_id=unit_id, campaign_id=campaign_id), 301)


@bp.post("/hoc-tap/chi-bo/danh-dau-hoan-thanh")
@role_required(*CELL_ROLES)
def mark_complete():
    form = request.form
    with get_db().transaction() as tx:
        completion.mark_for_member(
            tx,
            web.actor(),
            current_permissions(),
            Args(form).id("dang_vien", 0),
            form.get("van_ban", "")[:120],
        )
    flash("Đã ghi nhận đảng viên học xong tại buổi sinh hoạt chi bộ.", "info")
    return redirect(safe_next(form.get("next"), url_for("reports.index")))


@bp.get("/hoc-tap/thu-hoach/<int:reflection_id>")
@role_required(*CELL_ROLES)
@opened_here
def reflection(reflection_id: int):
    with get_db().transaction() as tx:
        found = reflections.read_for_secretary(tx, web.actor(), current_permissions(), reflection_id)
        view = cell.reflection_view(tx, found)
    return render_template("study/reflection.html", view=view)


@bp.post("/hoc-tap/thu-hoach/<int:reflection_id>/da-xem")
@role_required(*CELL_ROLES)
def review_reflection(reflection_id: int):
    with get_db().transaction() as tx:
        reflections.mark_reviewed(tx, web.actor(), current_permissions(), reflection_id)
    flash("Đã đánh dấu bài thu hoạch là đã xem.", "info")
    return redirect(url_for("study.reflection", reflection_id=reflection_id))
