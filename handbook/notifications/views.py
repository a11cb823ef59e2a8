"""Notification pages: the member's list and marking it read, and the secretary's
"remind the members who have not completed" button on the cell report."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from handbook.accounts import web
from handbook.accounts.access import current_permissions
from handbook.accounts.vocabulary import DEPUTY_SECRETARY, SECRETARY
from handbook.app_db import get_db, session
from handbook.notifications import inbox, reminders
from handbook.notifications.reminders import ReminderResult
from handbook.params import Args
from handbook.policies import member_required, role_required

bp = Blueprint("notifications", __name__)
# The cell report page (reports blueprint) the reminder form sits on.
CELL_REPORT_PATH = "/bao-cao/chi-bo/{unit_id}/dot/{campaign_id}"


@bp.get("/thong-bao")
@member_required
def inbox_page():
    found = inbox.list_for(session(), current_user.id, Args().page_number("trang", 99_999))
    return render_template(
        "notifications/inbox.html", page=found, unread=inbox.unread_count(session(), current_user.id)
    )


@bp.post("/thong-bao/<int:notification_id>/da-doc")
@member_required
def mark_read(notification_id: int):
    with get_db().transaction() as tx:
        inbox.mark_read(tx, current_user.id, notification_id)
    return redirect(url_for("notifications.inbox_page"), 303)


@bp.post("/thong-bao/da-doc-het")
@member_required
def mark_all_read():
    with get_db().transaction() as tx:
        inbox.mark_all_read(tx, current_user.id)
    flash("Đã đánh dấu tất cả thông báo là đã đọc.", "info")
    return redirect(url_for("notifications.inbox_page"), 303)


@bp.post("/bao-cao/chi-bo/<int:unit_id>/dot/<int:campaign_id>/nhac-nho")
@role_required(SECRETARY, DEPUTY_SECRETARY)
def send_reminders(unit_id: int, campaign_id: int):
    with get_db().transaction() as tx:
        result = reminders.send_reminders(tx, web.actor(), current_permissions(), unit_id, campaign_id)
    flash(_sent_message(result), "info")
    target = CELL_REPORT_PATH.format(unit_id=unit_id, campaign_id=campaign_id)
    return redirect(request.script_root + target, 303)


def _sent_message(result: ReminderResult) -> str:
    if not result.reminded and not result.already_reminded:
        return "Không có đảng viên nào cần nhắc: tất cả đã hoàn thành đợt học tập."
    message = f"Đã gửi nhắc nhở tới {result.reminded} đảng viên chưa hoàn thành"
    if result.already_reminded:
        message += f"; {result.already_reminded} người đã được nhắc hôm nay"
    return message + "."
