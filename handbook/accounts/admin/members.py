"""Administration of members: create, edit, transfer, lock, codes, roles."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for

from handbook.accounts import auth, members, mfa, roles, tokens, users, web
from handbook.accounts.admin import apply, bp, form_text, unit_id_by_code
from handbook.accounts.vocabulary import ADMIN, GRANTABLE_ROLES, ROLES
from handbook.app_db import get_db, session
from handbook.errors import Invalid
from handbook.params import Args
from handbook.policies import role_required

PER_PAGE = 50


def _back(user_id: int) -> str:
    return url_for("admin.member_detail", user_id=user_id)


@bp.get("/dang-vien")
@role_required(ADMIN)
def members_list():
    args = Args()
    query, page = args.text("q", 100), args.page_number()
    found, total = users.search(session(), query, page, PER_PAGE)
    return render_template(
        "admin/members.html",
        found=found,
        total=total,
        query=query,
        page=page,
        per_page=PER_PAGE,
        cells=users.current_cells(session(), [u.id for u in found]),
    )


def _create_with_code():
    """The new member from the form, and their first activation code."""
    with get_db().transaction() as tx:
        cell = form_text("ma_chi_bo", 40)
        user = users.create_user(
            tx,
            web.actor(),
            form_text("ten_dang_nhap", 64),
            form_text("ho_ten", 120),
            form_text("ma_dang_vien", 20),
            unit_id_by_code(tx, cell, "ma_chi_bo") if cell else None,
        )
        hours = current_app.config["ACTIVATION_CODE_HOURS"]
        return user, auth.issue_activation(tx, web.code_key(), user, hours, web.actor())


@bp.route("/dang-vien/moi", methods=["GET", "POST"])
@role_required(ADMIN)
def member_create():
    if request.method == "GET":
        return render_template("admin/member_new.html", form={})
    try:
        user, code = _create_with_code()
    except Invalid as error:
        return render_template("admin/member_new.html", problems=error.problems, form=request.form), 422
    return render_template(
        "admin/code_issued.html", user=user, code=code, hours=current_app.config["ACTIVATION_CODE_HOURS"]
    )


@bp.get("/dang-vien/<int:user_id>")
@role_required(ADMIN)
def member_detail(user_id: int):
    user = users.get_user(session(), user_id)
    return render_template(
        "admin/member.html",
        user=user,
        history=members.history(session(), user.id),
        grants=roles.grants_of(session(), user.id),
        roles=ROLES,
        grantable=sorted(GRANTABLE_ROLES),
        devices=tokens.active_for(session(), user.id),
        erased=users.is_erased(user),
    )


@bp.post("/dang-vien/<int:user_id>/thiet-bi/<int:token_id>/thu-hoi")
@role_required(ADMIN)
def member_revoke_device(user_id: int, token_id: int):
    return apply(
        lambda tx, actor: tokens.revoke(tx, actor, user_id, token_id),
        "Đã thu hồi đăng nhập của thiết bị.",
        _back(user_id) + "#thiet-bi",
    )


@bp.post("/dang-vien/<int:user_id>/sua")
@role_required(ADMIN)
def member_update(user_id: int):
    return apply(
        lambda tx, actor: users.update_profile(
            tx, actor, user_id, form_text("ho_ten", 120), form_text("ma_dang_vien", 20)
        ),
        "Đã lưu thông tin.",
        _back(user_id),
    )


@bp.post("/dang-vien/<int:user_id>/chuyen-sinh-hoat")
@role_required(ADMIN)
def member_transfer(user_id: int):
    def change(tx, actor):
        members.transfer(tx, actor, user_id, unit_id_by_code(tx, form_text("ma_chi_bo", 40), "ma_chi_bo"))

    return apply(change, "Đã chuyển sinh hoạt đảng.", _back(user_id))


@bp.post("/dang-vien/<int:user_id>/khoa")
@role_required(ADMIN)
def member_deactivate(user_id: int):
    return apply(
        lambda tx, actor: users.deactivate(tx, actor, user_id),
        "Đã khóa tài khoản; mọi phiên đăng nhập đã kết thúc.",
        _back(user_id),
    )


@bp.post("/dang-vien/<int:user_id>/mo-khoa")
@role_required(ADMIN)
def member_reactivate(user_id: int):
    return apply(
        lambda tx, actor: users.reactivate(tx, actor, user_id), "Đã mở khóa tài khoản.", _back(user_id)
    )


@bp.post("/dang-vien/<int:user_id>/ket-thuc-phien")
@role_required(ADMIN)
def member_end_sessions(user_id: int):
    return apply(
        lambda tx, actor: users.end_sessions(tx, actor, user_id),
        "Mọi phiên đăng nhập của tài khoản đã kết thúc.",
        _back(user_id),
    )


@bp.post("/dang-vien/<int:user_id>/dat-lai-xac-thuc")
@role_required(ADMIN)
def member_reset_mfa(user_id: int):
    return apply(
        lambda tx, actor: mfa.reset(tx, user_id, actor),
        "Đã gỡ xác thực hai bước; người dùng phải thiết lập lại.",
        _back(user_id),
    )


@bp.post("/dang-vien/<int:user_id>/ma-dung-mot-lan")
@role_required(ADMIN)
def member_issue_code(user_id: int):
    hours = current_app.config["RESET_CODE_HOURS"]
    with get_db().transaction() as tx:
        code = auth.issue_reset(tx, web.code_key(), user_id, hours, web.actor())
        user = users.get_user(tx, user_id)
    return render_template("admin/code_issued.html", user=user, code=code, hours=hours)


@bp.post("/dang-vien/<int:user_id>/vai-tro")
@role_required(ADMIN)
def role_grant(user_id: int):
    def change(tx, actor):
        code = form_text("ma_don_vi", 40)
        unit_id = unit_id_by_code(tx, code, "ma_don_vi") if code else None
        roles.grant(tx, actor, users.get_user(tx, user_id).id, form_text("vai_tro", 30), unit_id)

    return apply(change, "Đã trao vai trò.", _back(user_id))


@bp.post("/dang-vien/<int:user_id>/vai-tro/<int:grant_id>/thu-hoi")
@role_required(ADMIN)
def role_revoke(user_id: int, grant_id: int):
    return apply(
        lambda tx, actor: roles.revoke(tx, actor, grant_id, user_id), "Đã thu hồi vai trò.", _back(user_id)
    )
