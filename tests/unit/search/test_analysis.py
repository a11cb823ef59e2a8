"""Vietnamese analysis: NFC, folding with đ, tone placement, bigrams, no stop list."""

from __future__ import annotations

import unicodedata

from handbook.search import analysis


def tokens(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text)]


def test_nfd_input_gives_the_same_tokens_as_nfc():
    text = "Ủy ban kiểm tra quyết định"
    nfd = unicodedata.normalize("NFD", text)
    assert tokens(analysis.folded_analyzer(), nfd) == tokens(analysis.folded_analyzer(), text)
    assert tokens(analysis.folded_analyzer(), nfd) == ["uy", "ban", "kiem", "tra", "quyet", "dinh"]


def test_folding_maps_d_bar_explicitly():
    assert tokens(analysis.folded_analyzer(), "Đảng đoàn ĐẢNG") == ["dang", "doan", "dang"]


def test_tone_placement_variants_share_one_key():
    for old, new in (("hòa", "hoà"), ("thủy", "thuỷ"), ("ủy", "uỷ"), ("thỏa", "thoả"), ("Tòa", "toà")):
        assert analysis.tone_key(old) == analysis.tone_key(new)
    assert analysis.tone_key("hòa") == "hoaf"


def test_tone_key_keeps_syllables_apart_that_folding_merges():
    assert analysis.tone_key("mà") != analysis.tone_key("má")
    assert analysis.fold_syllable("mà") == analysis.fold_syllable("má")
    assert analysis.tone_key("đảng") != analysis.tone_key("dang")


def test_one_letter_syllables_and_common_words_are_kept():
    assert tokens(analysis.folded_analyzer(), "ở y tế và an ninh") == ["o", "y", "te", "va", "an", "ninh"]


def test_bigrams_pair_neighbouring_syllables():
    assert tokens(analysis.folded_bigram_analyzer(), "Đảng viên học tập") == [
        "dang vien",
        "vien hoc",
        "hoc tap",
    ]


def test_has_marks():
    assert analysis.has_marks("đang")
    assert analysis.has_marks("hòa")
    assert not analysis.has_marks("hoa binh 35")


def test_tokenizer_offsets_point_into_nfc_text():
    text = "Nghị quyết 35-NQ/TW"
    spans = [(t.startchar, t.endchar) for t in analysis.NfcTokenizer()(text, chars=True)]
    assert [text[a:b] for a, b in spans] == ["Nghị", "quyết", "35", "NQ", "TW"]
