"""Strict reading of query strings and JSON bodies: a bad value is a 422 naming the
field, never silently replaced by a default."""

from __future__ import annotations

from flask import current_app, request

from handbook.api.openapi import OPERATION_ATTR, Param
from handbook.errors import Invalid, Problem

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
PAGING = (Param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
          Param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}))


def refuse_undeclared_query() -> None:
    """before_request: a query parameter the operation does not declare is refused, so
    a misspelt filter never silently returns everything."""
    view = current_app.view_functions.get(request.endpoint or "")
    operation = getattr(view, OPERATION_ATTR, None)
    declared = {p.name for p in operation.query} if operation else set()
    if extra := sorted(set(request.args) - declared):
        raise Invalid([Problem(name[:40], "Tham số không được hỗ trợ.") for name in extra[:10]])


class Args:
    """Collects every problem of a query string, then raises them together."""

    def __init__(self) -> None:
        self.args = request.args
        self.problems: list[Problem] = []

    def integer(self, name: str, minimum: int, maximum: int, default: int | None = None
                ) -> int | None:
        raw = self.args.get(name)
        if raw is None:
            return default
        if not raw.isascii() or not raw.isdigit() or not minimum <= int(raw) <= maximum:
            self.problems.append(Problem(name, f"Cần một số nguyên từ {minimum} đến {maximum}."))
            return default
        return int(raw)

    def choice(self, name: str, choices, default: str | None = None) -> str | None:
        raw = self.args.get(name)
        if raw is None:
            return default
        if raw not in choices:
            self.problems.append(Problem(name, "Giá trị không nằm trong danh sách cho phép."))
            return default
        return raw

    def text(self, name: str, max_chars: int, default: str = "") -> str:
        """The value without NUL characters, which no stored text contains anyway."""
        raw = self.args.get(name, default)
        if len(raw) > max_chars:
            self.problems.append(Problem(name, f"Tối đa {max_chars} ký tự."))
            return default
        return raw.replace("\x00", "")

    def digits(self, name: str, length: int) -> str:
        raw = self.args.get(name)
        if raw is None:
            return ""
        if not (len(raw) == length and raw.isascii() and raw.isdigit()):
            self.problems.append(Problem(name, f"Cần đúng {length} chữ số."))
            return ""
        return raw

    def page(self) -> tuple[int, int]:
        return (self.integer("page", 1, MAX_PAGE, 1),
                self.integer("per_page", 1, MAX_PER_PAGE, 20))

    def check(self) -> None:
        if self.problems:
            raise Invalid(self.problems)


def json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid([Problem("body", "Cần một đối tượng JSON (Content-Type: application/json).")])
    return body


def page_json(items: list, total: int, page: int, per_page: int, **extra) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": max(1, -(-total // per_page)), **extra}
