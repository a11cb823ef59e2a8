"""Notifications to members, and the reminders secretaries send."""

from __future__ import annotations


def init_app(_app) -> None:
    """Count unread notifications with the signed-in user on every request."""
    from handbook.notifications import inbox

    inbox.count_unread_each_request()
