"""Vietnamese text primitives shared by content, search and accounts."""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Compose to NFC: decomposed input (macOS, Word, some IMEs) splits tokens."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Strip every diacritic and map đ→d (Unicode gives đ no decomposition)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold_key(text: str) -> str:
    """A comparison key that ignores case, marks, tone placement and spacing."""
    return _SPACES.sub(" ", fold(nfc(text)).lower()).strip()


def slugify(value: str, separator: str = "-") -> str:
    """Readable ASCII slug that keeps every letter: "Điều 5" → "dieu-5"."""
    folded = fold(nfc(value)).lower()
    return _NON_SLUG.sub(separator, folded).strip(separator)


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def storable(text: str) -> bool:
    """False for text no database stores: a NUL (PostgreSQL refuses it) or a lone
    surrogate (not encodable as UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
