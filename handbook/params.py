"""Reading request parameters, the one way pages and the API do it.

Only ASCII digits make a number: `str.isdigit()` is also true for `²` and `١٢`,
which `int()` then refuses or reads as another number. Every number is bounded, so
none overflows a database column further in."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from handbook.db import MAX_ID
from handbook.errors import Invalid, Problem

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

MAX_PAGE = 100_000


def to_int(raw: str | None, minimum: int, maximum: int) -> int | None:
    """raw as an int when it is ASCII digits within [minimum, maximum], else None."""
    if not raw or not (raw.isascii() and raw.isdigit()):
        return None
    if len(raw.lstrip("0")) > len(str(maximum)):  # out of bounds, unread: int() of 5,000 digits fails
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def to_date(raw: str | None) -> date | None:
    """An ISO calendar date, YYYY-MM-DD, else None."""
    if not raw or len(raw) != 10 or not raw.isascii():
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


class Args:
    """The parameters of one request (the query string unless told otherwise), by name.

    Lenient, for pages: a bad value gives the default, so a mangled link still shows
    the page, and overlong text is cut. Strict, for the API: a bad value is a Problem
    too, and check() raises every problem together as Invalid (422)."""

    def __init__(self, values: MultiDict | None = None, *, strict: bool = False) -> None:
        if values is None:
            # Only here is the request asked for: services parse values with to_int and
            # to_date without importing the web layer.
            from flask import request

            values = request.args
        self.values = values
        self.strict = strict
        self.problems: list[Problem] = []

    def _refuse(self, name: str, reason: str, default):
        if self.strict:
            self.problems.append(Problem(name, reason))
        return default

    def integer(self, name: str, minimum: int, maximum: int, default: int | None = None) -> int | None:
        raw = self.values.get(name)
        if raw is None:
            return default
        value = to_int(raw, minimum, maximum)
        if value is None:
            return self._refuse(name, f"Cần một số nguyên từ {minimum} đến {maximum}.", default)
        return value

    def page_number(self, name: str = "trang", maximum: int = MAX_PAGE) -> int:
        return self.integer(name, 1, maximum, 1)

    def id(self, name: str, default: int | None = None) -> int | None:
        return self.integer(name, 1, MAX_ID, default)

    def ids(self, name: str) -> list[int]:
        """Every value of a repeated parameter that is an id; the others are refused."""
        found = [to_int(raw, 1, MAX_ID) for raw in self.values.getlist(name)]
        if None in found:
            self._refuse(name, f"Cần các mã số từ 1 đến {MAX_ID}.", None)
        return [value for value in found if value is not None]

    def date(self, name: str, default: date | None = None) -> date | None:
        raw = self.values.get(name)
        if raw is None:
            return default
        value = to_date(raw)
        if value is None:
            return self._refuse(name, "Cần một ngày dạng năm-tháng-ngày.", default)
        return value

    def choice(self, name: str, choices: Collection[str], default: str | None = None) -> str | None:
        raw = self.values.get(name)
        if raw is None:
            return default
        if raw not in choices:
            return self._refuse(name, "Giá trị không nằm trong danh sách cho phép.", default)
        return raw

    def text(self, name: str, max_chars: int, default: str = "") -> str:
        """The value without NUL characters, which no stored text contains anyway."""
        raw = self.values.get(name, default)
        if len(raw) > max_chars:
            if self.strict:
                return self._refuse(name, f"Tối đa {max_chars} ký tự.", default)
            raw = raw[:max_chars]
        return raw.replace("\x00", "")

    def digits(self, name: str, length: int) -> str:
        """Exactly length ASCII digits, kept as text (a year filter), else ""."""
        raw = self.values.get(name)
        if raw is None:
            return ""
        if not (len(raw) == length and raw.isascii() and raw.isdigit()):
            return self._refuse(name, f"Cần đúng {length} chữ số.", "")
        return raw

    def check(self) -> None:
        """Raises Invalid naming every problem found so far (only strict reading finds any)."""
        if self.problems:
            raise Invalid(self.problems)
