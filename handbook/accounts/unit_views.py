"""Unit pages for secretaries, committee viewers and administrators, within their scope."""

from __future__ import annotations

from flask import render_template

from handbook.accounts import directory, permissions, units
from handbook.accounts.access import current_permissions
from handbook.accounts.views import bp
from handbook.accounts.vocabulary import UNIT_VIEWER_ROLES
from handbook.app_db import session
from handbook.policies import role_required


@bp.get("/don-vi")
@role_required(*UNIT_VIEWER_ROLES)
def my_units():
    roots = directory.scope_roots(session(), current_permissions())
    counts = units.member_counts(session(), [u.id for u in roots])
    return render_template("accounts/my_units.html", roots=roots, counts=counts)


@bp.get("/don-vi/<int:unit_id>")
@role_required(*UNIT_VIEWER_ROLES)
def unit(unit_id: int):
    perms = current_permissions()
    found = permissions.visible_unit(session(), perms, unit_id)
    return render_template("accounts/unit.html", view=directory.overview(session(), perms, found))
