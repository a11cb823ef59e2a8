"""Readable diffs: line level, word level inside a changed line, long runs elided."""

from __future__ import annotations

from handbook.editor.history import changed_only, diff


def test_changed_line_is_diffed_word_by_word():
    [line] = diff("Đảng viên không được làm", "Đảng viên tuyệt đối không được làm")
    assert line.kind == "changed"
    assert [(p.kind, p.text) for p in line.pieces if p.kind != "same"] == [("added", " tuyệt đối")]


def test_added_and_removed_lines_carry_their_line_numbers():
    lines = diff("a\nb\nc", "a\nc\nd")
    assert [(x.kind, x.old_no, x.new_no) for x in lines] == [
        ("same", 1, 1),
        ("removed", 2, None),
        ("same", 3, 2),
        ("added", None, 3),
    ]


def test_unchanged_runs_are_elided_around_context():
    old = "\n".join(str(n) for n in range(20))
    shown = changed_only(diff(old, old.replace("10", "mười")), context=1)
    assert [x.new_no if x else None for x in shown] == [None, 10, 11, 12, None]
