"""Operator maintenance: backing up and restoring the database (see docs/backup.md)."""

from __future__ import annotations

from handbook.errors import HandbookError


class MaintenanceError(HandbookError):
    """A backup or restore refused; the message tells the operator what to do."""

    status = 409
    code = "maintenance_refused"
    title = "Không thực hiện được thao tác sao lưu/khôi phục"
