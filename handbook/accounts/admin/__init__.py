"""Administration of units, members, roles and transfers, for administrators only."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, request

from handbook.accounts import web
from handbook.app_db import get_db
from handbook.errors import Conflict, Invalid, NotFound, Problem

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


def apply(change: Callable, success: str, back: str):
    """Run change(tx, actor) in one write transaction, flash the outcome and go back.
    Refusals are shown as messages on the page the form came from."""
    try:
        with get_db().transaction() as tx:
            change(tx, web.actor())
    except Invalid as error:
        for problem in error.problems:
            flash(problem.reason, "error")
    except (Conflict, NotFound) as error:
        flash(error.message, "error")
    else:
        flash(success, "info")
    return redirect(back)


def form_text(name: str, limit: int = 200) -> str:
    return request.form.get(name, "").strip()[:limit]


def unit_id_by_code(tx, code: str, field: str) -> int:
    from handbook.accounts import units

    unit = units.by_code(tx, code) if code else None
    if unit is None:
        raise Invalid([Problem(field, f"Không tìm thấy đơn vị có mã “{code}”.")])
    return unit.id
