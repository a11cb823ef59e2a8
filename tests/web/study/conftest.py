"""Fixtures of the study web tests: a campaign for the grassroots committee's cells."""

from __future__ import annotations

import pytest

from tests.unit.study.helpers import make_campaign

SLUG = "quy-dinh-37"
ANCHOR = "dieu-1-noi-lam-trai-cuong-linh"


@pytest.fixture
def campaign(library, tree):
    return make_campaign(library, [tree.grassroots], [SLUG, "nghi-quyet-35"],
                         title="Học tập Quy định 37 và Nghị quyết 35")


def batch(*events, **extra) -> dict:
    body = {"events": [dict({"id": f"web-event-{i:04d}", "document": SLUG, "anchor": ANCHOR,
                             "seconds": 5, "occurred_at": "2026-01-01T08:00:00+07:00"}, **e)
                       for i, e in enumerate(events or [{}])]}
    body.update(extra)
    return body
