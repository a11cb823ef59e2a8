"""Administration of the organisation tree: browse, create, rename, move, merge, close."""

from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import func, select

from handbook.accounts import directory, permissions, units
from handbook.accounts.access import current_permissions
from handbook.accounts.admin import apply, bp, form_text, unit_id_by_code
from handbook.accounts.models import AuditEvent, Unit, User
from handbook.accounts.vocabulary import ADMIN, UNIT_KINDS
from handbook.app_db import session
from handbook.policies import role_required


@bp.get("/")
@role_required(ADMIN)
def index():
    count = lambda model: session().scalar(select(func.count()).select_from(model))  # noqa: E731
    return render_template("admin/index.html", units=count(Unit), users=count(User), events=count(AuditEvent))


@bp.get("/don-vi")
@role_required(ADMIN)
def units_list():
    query = request.args.get("q", "")[:100]
    found = units.search(session(), query) if query else units.children(session(), None)
    counts = units.member_counts(session(), [u.id for u in found])
    return render_template("admin/units.html", found=found, counts=counts, query=query, kinds=UNIT_KINDS)


@bp.post("/don-vi")
@role_required(ADMIN)
def unit_create():
    def change(tx, actor):
        parent_code = form_text("ma_cap_tren", 40)
        parent_id = unit_id_by_code(tx, parent_code, "ma_cap_tren") if parent_code else None
        units.create_unit(tx, actor, form_text("ma", 40), form_text("ten"), form_text("cap", 30), parent_id)

    return apply(change, "Đã tạo đơn vị.", url_for("admin.units_list"))


@bp.get("/don-vi/<int:unit_id>")
@role_required(ADMIN)
def unit_detail(unit_id: int):
    perms = current_permissions()
    unit = permissions.visible_unit(session(), perms, unit_id)
    return render_template(
        "admin/unit.html",
        view=directory.overview(session(), perms, unit),
        history=units.history(session(), unit.id),
        kinds=UNIT_KINDS,
    )


@bp.post("/don-vi/<int:unit_id>/doi-ten")
@role_required(ADMIN)
def unit_rename(unit_id: int):
    return apply(
        lambda tx, actor: units.rename_unit(tx, actor, unit_id, form_text("ten")),
        "Đã đổi tên đơn vị.",
        url_for("admin.unit_detail", unit_id=unit_id),
    )


@bp.post("/don-vi/<int:unit_id>/chuyen")
@role_required(ADMIN)
def unit_move(unit_id: int):
    def change(tx, actor):
        target = unit_id_by_code(tx, form_text("ma_cap_tren", 40), "ma_cap_tren")
        units.move_unit(tx, actor, unit_id, target)

    return apply(change, "Đã chuyển đơn vị.", url_for("admin.unit_detail", unit_id=unit_id))


@bp.post("/don-vi/<int:unit_id>/sap-nhap")
@role_required(ADMIN)
def unit_merge(unit_id: int):
    def change(tx, actor):
        target = unit_id_by_code(tx, form_text("ma_don_vi_nhan", 40), "ma_don_vi_nhan")
        units.merge_unit(tx, actor, unit_id, target)

    return apply(change, "Đã sáp nhập đơn vị.", url_for("admin.unit_detail", unit_id=unit_id))


@bp.post("/don-vi/<int:unit_id>/giai-the")
@role_required(ADMIN)
def unit_close(unit_id: int):
    return apply(
        lambda tx, actor: units.close_unit(tx, actor, unit_id),
        "Đã giải thể đơn vị.",
        url_for("admin.unit_detail", unit_id=unit_id),
    )
