"""The audit log, newest first."""

from __future__ import annotations

from flask import render_template, request

from handbook.accounts import audit
from handbook.accounts.access import role_required
from handbook.accounts.admin import bp, positive_int
from handbook.accounts.vocabulary import ADMIN
from handbook.db import session

PER_PAGE = 50


@bp.get("/nhat-ky")
@role_required(ADMIN)
def audit_log():
    page = positive_int(request.args.get("trang"))
    action = request.args.get("hanh-dong", "")[:40] or None
    events, total = audit.recent(session(), page, PER_PAGE, action)
    return render_template("admin/audit.html", events=events, total=total, page=page,
                           per_page=PER_PAGE, action=action or "")
