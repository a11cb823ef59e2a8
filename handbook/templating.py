"""Template filters shared by every blueprint, registered once."""

from __future__ import annotations

from flask import Flask

from handbook import clock


def init_app(app: Flask) -> None:
    app.add_template_filter(clock.vietnam_time, "gio")
    app.add_template_filter(clock.vietnam_date, "ngay")
