"""Fixtures of the study web tests: a campaign for the grassroots committee's cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.study.helpers import make_campaign

SLUG = "quy-dinh-37"
ANCHOR = "dieu-1-noi-lam-trai-cuong-linh"


@pytest.fixture
def campaign(library, tree):
    return make_campaign(
        library, [tree.grassroots], [SLUG, "nghi-quyet-35"], title="Học tập Quy định 37 và Nghị quyết 35"
    )


def batch(*events, **extra) -> dict:
    """Events read one after another from now on: credit is bounded by real time, so
    each covers its own seconds after the library was imported (within the clock skew)."""
    now = datetime.now(UTC)
    body = {
        "events": [
            dict(
                {
                    "id": f"web-event-{i:04d}",
                    "document": SLUG,
                    "anchor": ANCHOR,
                    "seconds": 5,
                    "occurred_at": (now + timedelta(seconds=10 * (i + 1))).isoformat(),
                },
                **e,
            )
            for i, e in enumerate(events or [{}])
        ]
    }
    body.update(extra)
    return body
