"""Controlled vocabularies of document metadata, matched ignoring marks and case."""

from __future__ import annotations

import re

from handbook.text import fold_key

DOC_TYPES = (
    "Nghị quyết",
    "Quy định",
    "Quyết định",
    "Chỉ thị",
    "Kết luận",
    "Kế hoạch",
    "Chương trình",
    "Hướng dẫn",
    "Thông báo",
    "Điều lệ",
    "Quy chế",
    "Đề án",
    "Báo cáo",
)

ISSUERS = (
    "Đại hội đại biểu toàn quốc",
    "Ban Chấp hành Trung ương",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Ủy ban Kiểm tra Trung ương",
    "Ban Tổ chức Trung ương",
    "Ban Tuyên giáo Trung ương",
    "Đảng ủy Khối",
    "Tỉnh ủy",
    "Ban Thường vụ Tỉnh ủy",
    "Ban Chấp hành Đảng bộ tỉnh",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ban Tuyên giáo Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
)

# code → label shown to members
EFFECT_STATUSES = {
    "in_force": "Còn hiệu lực",
    "amended": "Được sửa đổi, bổ sung",
    "replaced": "Bị thay thế",
    "expired": "Hết hiệu lực",
}

# code → (label from the source document, label seen from the target)
RELATION_KINDS = {
    "replaces": ("Thay thế", "Bị thay thế bởi"),
    "amends": ("Sửa đổi, bổ sung", "Được sửa đổi, bổ sung bởi"),
    "guides": ("Hướng dẫn thi hành", "Được hướng dẫn bởi"),
    "based_on": ("Căn cứ", "Là căn cứ của"),
}

_RELATION_ALIASES = {
    "thay the": "replaces",
    "sua doi, bo sung": "amends",
    "sua doi bo sung": "amends",
    "huong dan": "guides",
    "huong dan thi hanh": "guides",
    "can cu": "based_on",
}

# 35-NQ/TW, 08-QĐi/TW, 12-HD/BTCTW, 17-CTr/TU, ĐL-ĐH/XI; State: 63/2010/NĐ-CP
_PARTY_NUMBER = re.compile(r"^[0-9A-ZĐ]{1,6}-[A-ZĐ][A-Za-zĐđ]{0,5}/[A-ZĐ0-9]{1,8}$")
_STATE_NUMBER = re.compile(r"^\d{1,5}/\d{4}/[A-ZĐ]{1,8}(?:-[A-ZĐ]{1,8})*$")
_NUMBER_SEPARATORS = re.compile(r"[\s/\-_.]+")


def _lookup(options: tuple[str, ...], value: str) -> str | None:
    key = fold_key(value)
    return next((option for option in options if fold_key(option) == key), None)


def canonical_doc_type(value: str) -> str | None:
    return _lookup(DOC_TYPES, value)


def canonical_issuer(value: str) -> str | None:
    return _lookup(ISSUERS, value)


def effect_status_code(value: str) -> str | None:
    key = fold_key(value)
    return next(
        (code for code, label in EFFECT_STATUSES.items() if fold_key(label) == key or code == key), None
    )


def relation_code(value: str) -> str | None:
    key = fold_key(value)
    return key if key in RELATION_KINDS else _RELATION_ALIASES.get(key)


def is_valid_number(value: str) -> bool:
    return bool(_PARTY_NUMBER.match(value) or _STATE_NUMBER.match(value))


def number_key(value: str) -> str:
    """Lookup key of a document number: "35-NQ/TW", "35/nq-tw" → "35-nq-tw"."""
    return _NUMBER_SEPARATORS.sub("-", fold_key(value)).strip("-")
