"""Upload of a CSV or XLSX file of units and members."""

from __future__ import annotations

from flask import current_app, render_template, request

from handbook.accounts import importer, tables, web
from handbook.accounts.admin import bp
from handbook.accounts.vocabulary import ADMIN, UNIT_KINDS
from handbook.app_db import get_db
from handbook.errors import Invalid, Problem
from handbook.policies import role_required


@bp.route("/nhap-du-lieu", methods=["GET", "POST"])
@role_required(ADMIN)
def import_upload():
    if request.method == "GET":
        return render_template("admin/import.html", kinds=UNIT_KINDS)
    upload = request.files.get("tep")
    try:
        found = tables.read_tables(upload.filename or "", upload.read()) if upload else []
        if not found:
            raise Invalid([Problem("tep", "Hãy chọn một tệp .csv hoặc .xlsx có dữ liệu.")])
        with get_db().transaction() as tx:
            report = importer.import_tables(
                tx, web.actor(), found, web.code_key(), current_app.config["ACTIVATION_CODE_HOURS"]
            )
    except Invalid as error:
        return render_template("admin/import.html", kinds=UNIT_KINDS, problems=error.problems), 422
    return render_template(
        "admin/import_report.html", report=report, hours=current_app.config["ACTIVATION_CODE_HOURS"]
    )
