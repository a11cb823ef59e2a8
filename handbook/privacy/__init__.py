"""Privacy: a member's data exported, a member erased while the statistics stay,
and no secret in any log."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Redact secrets from every log record of the process (installed once)."""
    from handbook.privacy import logs

    logs.install()
