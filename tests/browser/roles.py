"""People and places for the flow tests: each test builds its own province, so no
campaign made by another test (many are addressed to the shared tree) ever reaches
its members, and figures on its pages are exactly the ones it set up."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from handbook.accounts.models import Unit
from handbook.accounts.vocabulary import COMMITTEE, GRASSROOTS_CELL, PROVINCE
from tests import factories

_numbers = itertools.count(1)


def next_number() -> int:
    """Unique within the session: unit codes and usernames must not repeat."""
    return next(_numbers)


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    full_name: str
    password: str = factories.PASSWORD
    totp_secret: str | None = None
    cell: Unit | None = None


def person(app, label: str, full_name: str, cell: Unit | None = None, grants: tuple = ()) -> Person:
    """A fresh account; privileged ones get a second factor, as they must to use their tools."""
    secret = factories.new_totp_secret() if grants else None
    user = factories.make_user(
        app,
        f"luong.{label}.{next_number()}",
        cell=cell,
        grants=grants,
        totp_secret=secret,
        full_name=full_name,
    )
    return Person(user.id, user.username, full_name, totp_secret=secret, cell=cell)


def province(app, name: str) -> Unit:
    n = next_number()
    return factories.make_unit(app, f"LT-{n}", PROVINCE, name=f"{name} {n}")


def unit(app, kind: str, parent: Unit, name: str) -> Unit:
    return factories.make_unit(app, f"LT-{next_number()}", kind, parent, name)


def lone_cell(app, name: str = "Chi bộ Trường Tiểu học Kim Đồng") -> Unit:
    """A grassroots cell alone in its own province."""
    return unit(app, GRASSROOTS_CELL, province(app, "Tỉnh ủy thử nghiệm"), name)


def committee(app, parent: Unit, name: str) -> Unit:
    return unit(app, COMMITTEE, parent, name)
