"""Formula neutralising, and charts that are safe and readable without sight."""

from __future__ import annotations

from datetime import date

import pytest

from handbook.reports import charts, exports


@pytest.mark.parametrize("value", ["=1+1", "+84 912", "-3", "@SUM(A1)", "\t=x", "\r=x"])
def test_formula_starts_become_text(value):
    assert exports.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Nguyễn Văn An", "", 42, None, "a=b"])
def test_other_values_are_untouched(value):
    assert exports.neutralise(value) == value


def test_participation_chart_escapes_labels_and_describes_the_numbers():
    svg = str(
        charts.participation(
            [charts.Bar("<script>alert(1)</script>", 40), charts.Bar("Chi bộ ấp 2", None)], "Tỷ lệ"
        )
    )
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title" in svg and "Chi bộ ấp 2: không có" in svg
    assert "style=" not in svg


def test_progress_chart_lists_the_days():
    days = [charts.Day(date(2026, 5, 1), 3, 3), charts.Day(date(2026, 5, 4), 2, 5)]
    svg = str(charts.progress_over_time(days, "Tiến độ"))
    assert "01/05/2026" in svg and "04/05: 5" in svg and "<polyline" in svg
    assert "Chưa có" in str(charts.progress_over_time([], "Tiến độ"))
