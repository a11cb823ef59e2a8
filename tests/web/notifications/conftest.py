"""Fixtures of the notification web tests: a campaign for the grassroots committee's
cells, and a logged-in secretary of cell B."""

from __future__ import annotations

import pytest

from handbook.accounts.vocabulary import SECRETARY
from tests import factories
from tests.conftest import login
from tests.unit.study.helpers import make_campaign

QD37 = "quy-dinh-37"


def remind_url(unit_id: int, campaign_id: int) -> str:
    return f"/bao-cao/chi-bo/{unit_id}/dot/{campaign_id}/nhac-nho"


@pytest.fixture
def campaign(library, tree):
    return make_campaign(library, [tree.grassroots], [QD37], title="Học tập Quy định 37")


@pytest.fixture
def cell_b_secretary(library, tree):
    secret = factories.new_totp_secret()
    user = factories.make_user(
        library, "ngo.van.khoa", cell=tree.cell_b, grants=((SECRETARY, tree.cell_b),), totp_secret=secret
    )
    return login(library.test_client(), user.username, totp_secret=secret)
