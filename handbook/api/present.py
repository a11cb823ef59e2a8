"""Small converters shared by the API's answers."""

from __future__ import annotations

from handbook.accounts.models import Unit
from handbook.db import iso


def unit_json(unit: Unit) -> dict:
    return {"id": unit.id, "name": unit.name, "kind": unit.kind}


def ratio_json(ratio) -> dict:
    return {"done": ratio.done, "total": ratio.total, "percent": ratio.percent}


def campaign_ref(campaign) -> dict:
    return {
        "id": campaign.id,
        "title": campaign.title,
        "opens_on": iso(campaign.opens_on),
        "deadline": iso(campaign.deadline),
    }
