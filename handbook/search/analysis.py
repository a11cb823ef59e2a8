"""Vietnamese analysis: NFC syllables, folded and tone-key forms, syllable bigrams."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from handbook.text import fold

# Bump whenever tokens change for the same text: an index built with another
# version is rebuilt before use (the schema, analyzers included, is pickled).
ANALYZER_VERSION = "vi-4"

WORD = re.compile(r"\w+")
# Telex letters for the five tone marks; the other marks (ă â ê ô ơ ư) stay.
_TONES = {"\u0300": "f", "\u0301": "s", "\u0303": "x", "\u0309": "r", "\u0323": "j"}
_CACHE = 1 << 16


@lru_cache(maxsize=_CACHE)
def fold_syllable(word: str) -> str:
    """`Đảng` → `dang`: every mark off, đ→d, lower case."""
    return fold(word).lower()


@lru_cache(maxsize=_CACHE)
def tone_key(word: str) -> str:
    """`hòa`/`hoà` → `hoaf`, `ủy`/`uỷ` → `uyr`: the tone moves to the end, so its
    placement on the vowel no longer matters while the syllable stays distinct."""
    tone = ""
    base = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            base.append(ch)
    return unicodedata.normalize("NFC", "".join(base)) + tone


def has_marks(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic or đ."""
    return fold(text) != text


def syllables(text: str) -> list[str]:
    """The NFC words of a text as written (case kept)."""
    return WORD.findall(unicodedata.normalize("NFC", text))


class NfcTokenizer(Tokenizer):
    """`\\w+` over NFC text: decomposed input would otherwise split at every mark.

    Character offsets refer to the NFC text, which is what the index stores."""

    def __eq__(self, other: object) -> bool:
        return self.__class__ is other.__class__

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ):
        value = unicodedata.normalize("NFC", value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, match in enumerate(WORD.finditer(value)):
            token.text = match.group(0)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class FoldFilter(Filter):
    """Diacritic-insensitive form of each syllable (expects lower case)."""

    def __call__(self, tokens) -> Iterator:
        for token in tokens:
            token.text = fold_syllable(token.text)
            yield token


class ToneKeyFilter(Filter):
    """Accent-sensitive form that ignores where the tone mark sits."""

    def __call__(self, tokens) -> Iterator:
        for token in tokens:
            token.text = tone_key(token.text)
            yield token


class BigramFilter(Filter):
    """Only the pairs of neighbouring syllables, joined by a space.

    Vietnamese words are mostly two syllables, so pairs act as words without a
    segmentation model."""

    def __call__(self, tokens) -> Iterator:
        previous = None
        for token in tokens:
            text = token.text
            if previous is not None:
                token.text = f"{previous} {text}"
                yield token
            previous = text


class SpellingFilter(Filter):
    """`folded|accented` terms, so a folded suggestion can be shown with its marks."""

    def __call__(self, tokens) -> Iterator:
        for token in tokens:
            token.text = f"{fold_syllable(token.text)}|{token.text}"
            yield token


def folded_analyzer():
    return NfcTokenizer() | LowercaseFilter() | FoldFilter()


def folded_bigram_analyzer():
    return folded_analyzer() | BigramFilter()


def tone_analyzer():
    return NfcTokenizer() | LowercaseFilter() | ToneKeyFilter()


def tone_bigram_analyzer():
    return tone_analyzer() | BigramFilter()


def spelling_analyzer():
    return NfcTokenizer() | LowercaseFilter() | SpellingFilter()


def folded_terms(text: str) -> list[str]:
    return [fold_syllable(w.lower()) for w in syllables(text)]


def bigrams(terms: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]
