"""Display names of attachments: nothing invisible may change how a name reads."""

from __future__ import annotations

import unicodedata

import pytest

from handbook.attachments import content_types

PDF = content_types.PDF
INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u2060\ufeff\u00ad"


@pytest.mark.parametrize(
    "name",
    [
        "hoadon\u202efdp.exe",  # shown as "hoadonexe.pdf" by a bidi-aware display
        "hoadon\u2067fdp.exe\u2069",
        "bao-cao\u200f\u061c.pdf",
        "\u202dtai-lieu\u202c.pdf",
    ],
)
def test_bidi_and_format_characters_are_dropped(name):
    cleaned = content_types.clean_filename(name, PDF)
    assert cleaned.endswith(".pdf") and cleaned.count(".") == 1
    assert not [c for c in cleaned if unicodedata.category(c) in ("Cc", "Cf")]


def test_a_right_to_left_override_cannot_fake_an_extension():
    assert content_types.clean_filename("hoadon\u202efdp.exe", PDF) == "hoadonfdp.pdf"


def test_a_name_of_invisible_characters_only_gets_the_default():
    assert content_types.clean_filename(INVISIBLE, PDF) == "tep-dinh-kem.pdf"


def test_controls_and_line_separators_become_spaces_and_the_result_is_nfc():
    name = "Quye\u0302\u0301t\u0007\u2028\u0111i\u0323nh\u200b.pdf"
    cleaned = content_types.clean_filename(name, PDF)
    assert cleaned == "Quyết định.pdf" == unicodedata.normalize("NFC", cleaned)
