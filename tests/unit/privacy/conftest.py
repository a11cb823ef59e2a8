"""Fixtures of the privacy tests: two members with data in every linked table."""

from __future__ import annotations

import pytest

from tests.unit.privacy.helpers import Seeded, seed


@pytest.fixture
def seeded(library, content_dir, tree, member) -> Seeded:
    return seed(library, content_dir, tree, member)
