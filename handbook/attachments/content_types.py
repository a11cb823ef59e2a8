"""What a file is, judged by its first bytes; the name the user gave it is never trusted."""

from __future__ import annotations

import re
import unicodedata

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"

EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp"}
LABELS = {PDF: "PDF", PNG: "Ảnh PNG", JPEG: "Ảnh JPEG", WEBP: "Ảnh WebP"}
# Shown in the browser rather than downloaded: formats browsers render without scripts.
INLINE = frozenset(EXTENSIONS)

MAX_NAME = 150
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def detect(head: bytes) -> str | None:
    """The media type from magic bytes, or None for anything we do not accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _visible(name: str) -> str:
    """name without invisible format characters (bidi overrides and isolates such as
    U+202E, which would show "fdp.exe" as "exe.pdf", zero-width marks, surrogates);
    line and paragraph separators become spaces."""
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cf", "Cs"):
            continue
        kept.append(" " if category in ("Zl", "Zp") else char)
    return unicodedata.normalize("NFC", "".join(kept))


def clean_filename(name: str, media_type: str) -> str:
    """A display name: NFC, no path, control or format characters, bounded, with the
    true extension ("tep-dinh-kem" when nothing visible is left)."""
    name = _visible(unicodedata.normalize("NFC", name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub(" ", name).strip(" .")
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name
    stem = " ".join(stem.split())[: MAX_NAME - 6].strip(" .") or "tep-dinh-kem"
    return f"{stem}.{EXTENSIONS[media_type]}"
