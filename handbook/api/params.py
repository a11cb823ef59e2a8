"""Strict reading of query strings and JSON bodies: a bad value is a 422 naming the
field, never silently replaced by a default. The parsing itself is handbook.params."""

from __future__ import annotations

from flask import current_app, request

from handbook import params
from handbook.api.openapi import OPERATION_ATTR, Param
from handbook.errors import Invalid, Problem

MAX_PER_PAGE = 100
MAX_PAGE = params.MAX_PAGE
PAGING = (
    Param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    Param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}),
)


def refuse_undeclared_query() -> None:
    """before_request: a query parameter the operation does not declare is refused, so
    a misspelt filter never silently returns everything."""
    view = current_app.view_functions.get(request.endpoint or "")
    operation = getattr(view, OPERATION_ATTR, None)
    declared = {p.name for p in operation.query} if operation else set()
    if extra := sorted(set(request.args) - declared):
        raise Invalid([Problem(name[:40], "Tham số không được hỗ trợ.") for name in extra[:10]])


class Args(params.Args):
    """The query string read strictly: every problem is collected, check() raises them."""

    def __init__(self) -> None:
        super().__init__(request.args, strict=True)

    def page(self) -> tuple[int, int]:
        return (self.integer("page", 1, MAX_PAGE, 1), self.integer("per_page", 1, MAX_PER_PAGE, 20))


def json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid([Problem("body", "Cần một đối tượng JSON (Content-Type: application/json).")])
    return body


def page_json(items: list, total: int, page: int, per_page: int, **extra) -> dict:
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": max(1, -(-total // per_page)),
        **extra,
    }
