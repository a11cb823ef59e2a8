"""The member's notifications."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from handbook.api import params
from handbook.api.blueprint import bp
from handbook.api.openapi import operation
from handbook.app_db import get_db, session
from handbook.db import iso
from handbook.notifications import inbox
from handbook.notifications.models import Notification
from handbook.policies import member_required

TAG = "Thông báo"


@bp.get("/notifications")
@member_required
@operation(
    "Thông báo của tôi, mới nhất trước", tag=TAG, responses={200: "NotificationList"}, query=params.PAGING
)
def list_notifications():
    args = params.Args()
    page, per_page = args.page()
    args.check()
    found = inbox.list_for(session(), current_user.id, page, per_page)
    return jsonify(
        params.page_json(
            [notification_json(n) for n in found.items],
            found.total,
            page,
            per_page,
            unread=inbox.unread_count(session(), current_user.id),
        )
    )


@bp.post("/notifications/<int:notification_id>/read")
@member_required
@operation("Đánh dấu một thông báo là đã đọc", tag=TAG, responses={200: "Notification"})
def mark_read(notification_id: int):
    with get_db().transaction() as tx:
        answer = notification_json(inbox.mark_read(tx, current_user.id, notification_id))
    return jsonify(answer)


@bp.post("/notifications/read")
@member_required
@operation("Đánh dấu mọi thông báo là đã đọc", tag=TAG, responses={200: "Marked"})
def mark_all_read():
    with get_db().transaction() as tx:
        marked = inbox.mark_all_read(tx, current_user.id)
    return jsonify(marked=marked)


def notification_json(found: Notification) -> dict:
    return {
        "id": found.id,
        "kind": found.kind,
        "title": found.title,
        "body": found.body,
        "link": found.link,
        "campaign_id": found.campaign_id,
        "created_at": iso(found.created_at),
        "read_at": iso(found.read_at),
    }
