"""The audit log, newest first."""

from __future__ import annotations

from flask import render_template

from handbook.accounts import audit
from handbook.accounts.admin import bp
from handbook.accounts.vocabulary import ADMIN
from handbook.app_db import session
from handbook.params import Args
from handbook.policies import role_required

PER_PAGE = 50


@bp.get("/nhat-ky")
@role_required(ADMIN)
def audit_log():
    args = Args()
    page, action = args.page_number(), args.text("hanh-dong", 40) or None
    events, total = audit.recent(session(), page, PER_PAGE, action)
    return render_template(
        "admin/audit.html", events=events, total=total, page=page, per_page=PER_PAGE, action=action or ""
    )
