"""Request parameters: ASCII digits only, bounds, lenient for pages, strict for the API."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from handbook.db import MAX_ID
from handbook.errors import Invalid
from handbook.params import Args, to_date, to_int

NOT_ASCII = ["²", "¹⁰", "１２", "١٢", "۱۲", "𝟗"]


@pytest.mark.parametrize("raw", [*NOT_ASCII, "", " 1", "+1", "-1", "1.0", "1_0", "0x1", None])
def test_only_ascii_digits_are_a_number(raw):
    assert to_int(raw, 0, 100) is None


def test_bounds_and_leading_zeros():
    assert to_int("7", 1, 9) == 7 and to_int("007", 1, 9) == 7 and to_int("0", 0, 9) == 0
    assert to_int("0", 1, 9) is None and to_int("10", 1, 9) is None
    assert to_int(str(MAX_ID), 1, MAX_ID) == MAX_ID and to_int(str(MAX_ID + 1), 1, MAX_ID) is None


def test_a_number_too_long_for_int_is_refused_unread():
    assert to_int("1" * 5000, 1, MAX_ID) is None


def test_dates_are_iso_calendar_days():
    assert to_date("2024-02-29") == date(2024, 2, 29)
    for raw in ("2023-02-29", "20240101", "٢٠٢٤-٠١-٠١", "2024-01-01T00", "", None):
        assert to_date(raw) is None


def test_pages_read_leniently_fall_back_to_the_default():
    args = Args(MultiDict({"trang": "²", "nam": "２０２４", "sap-xep": "x", "q": "a" * 300}))
    assert args.page_number() == 1 and args.integer("nam", 1, 9999) is None
    assert args.choice("sap-xep", {"moi-nhat"}, "moi-nhat") == "moi-nhat"
    assert args.text("q", 100) == "a" * 100
    args.check()  # lenient: nothing to raise


def test_ids_keep_the_good_values_of_a_repeated_parameter():
    values = MultiDict([("van_ban", "3"), ("van_ban", "٣"), ("van_ban", "0"), ("van_ban", "4")])
    assert Args(values).ids("van_ban") == [3, 4]


def test_strict_reading_collects_every_problem():
    args = Args(MultiDict({"page": "²", "year": "99", "q": "x" * 11, "day": "2024-13-01"}), strict=True)
    assert args.integer("page", 1, 10, 1) == 1 and args.digits("year", 4) == ""
    assert args.text("q", 10) == "" and args.date("day") is None
    with pytest.raises(Invalid) as raised:
        args.check()
    assert [p.field for p in raised.value.problems] == ["page", "year", "q", "day"]


def test_paths_take_ascii_ids_only(client):
    """The router's DatabaseId agrees: `/don-vi/١` names no unit (a member would get 403)."""
    assert client.get("/don-vi/1").status_code == 403
    assert client.get("/don-vi/١").status_code == 404
