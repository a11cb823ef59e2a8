"""Fixtures of the report tests: members in several cells with seeded random study."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from handbook.accounts.audit import Actor
from handbook.accounts.permissions import Grant, Permissions
from handbook.accounts.vocabulary import SECRETARY
from handbook.app_db import get_db
from handbook.study import completion
from handbook.study.models import Campaign
from tests import factories
from tests.unit.study.helpers import complete, make_campaign, read_one_section

SLUGS = ("quy-dinh-37", "nghi-quyet-35", "quy-dinh-47")
SECRETARY_ACTOR = Actor.system("bi-thu")


@dataclass
class Study:
    campaigns: list[Campaign]
    member_ids: list[int]


def _study(app, rng: random.Random, user_id: int, cell_id: int, slug: str) -> None:
    """Nothing, one section, the whole document confirmed, or a secretary's mark."""
    choice = rng.choice(("none", "partial", "confirm", "mark"))
    if choice == "partial":
        read_one_section(app, user_id, slug)
    elif choice == "confirm":
        complete(app, user_id, slug)
    elif choice == "mark":
        perms = Permissions(None, (Grant(SECRETARY, cell_id, None),))
        with app.app_context(), get_db(app).transaction() as tx:
            completion.mark_for_member(tx, SECRETARY_ACTOR, perms, user_id, slug)


@pytest.fixture
def random_study(library, tree) -> Study:
    """Twelve members over cells A, B and C, two campaigns, seeded random progress."""
    rng = random.Random(20_260_601)
    first = make_campaign(library, [tree.grassroots], SLUGS[:2], title="Đợt một")
    second = make_campaign(library, [tree.province], SLUGS[1:], title="Đợt hai")
    cells = (tree.cell_a, tree.cell_b, tree.cell_c)
    member_ids = []
    for i in range(12):
        cell = cells[i % 3]
        user = factories.make_user(
            library, f"dang.vien.{i:02d}", cell=cell, password=None, full_name=f"Đảng viên {chr(0x41 + i)}"
        )
        member_ids.append(user.id)
        for slug in SLUGS:
            _study(library, rng, user.id, cell.id, slug)
    return Study([first, second], member_ids)
