"""Privacy's pages, on the blueprints of the pages that offer them: a member downloads
their data from their account page, an administrator erases a member from theirs.
(Endpoint names stay accounts.download_my_data and admin.member_erase.)"""

from __future__ import annotations

from flask import Response, url_for
from flask_login import current_user

from handbook.accounts import web
from handbook.accounts.admin import apply, form_text
from handbook.accounts.admin import bp as admin_bp
from handbook.accounts.views import bp as accounts_bp
from handbook.accounts.vocabulary import ADMIN
from handbook.app_db import get_db
from handbook.policies import member_required, role_required
from handbook.privacy import erase, export
from handbook.security import opened_here


@accounts_bp.get("/tai-khoan/du-lieu-cua-toi")
@member_required
@opened_here
def download_my_data():
    with get_db().transaction() as tx:
        body = export.download(tx, web.actor(), current_user.id)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{export.FILENAME}"'},
    )


@admin_bp.post("/dang-vien/<int:user_id>/xoa-du-lieu")
@role_required(ADMIN)
def member_erase(user_id: int):
    return apply(
        lambda tx, actor: erase.erase_member(tx, actor, user_id, form_text("xac_nhan", 64)),
        "Đã xóa, ẩn danh dữ liệu cá nhân; số liệu thống kê được giữ nguyên.",
        url_for("admin.member_detail", user_id=user_id),
    )
