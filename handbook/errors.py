"""The one domain exception tree. Services raise these and know nothing of HTTP;
handbook/error_pages.py maps them to answers, once."""

from __future__ import annotations

from dataclasses import dataclass


class HandbookError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    code = "bad_request"  # stable, for programs; the title and message are for people
    title = "Yêu cầu không hợp lệ"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.title)
        self.message = message or self.title


class Unauthorized(HandbookError):
    status = 401
    code = "unauthorized"
    title = "Bạn cần đăng nhập"


class SecondFactorRequired(Unauthorized):
    code = "second_factor_required"
    title = "Cần mã xác thực hai bước"


class TooManyAttempts(HandbookError):
    status = 429
    code = "rate_limited"
    title = "Bạn thao tác quá nhanh, vui lòng thử lại sau"


class NotFound(HandbookError):
    status = 404
    code = "not_found"
    title = "Không tìm thấy trang"


class Forbidden(HandbookError):
    status = 403
    code = "forbidden"
    title = "Bạn không có quyền truy cập"


class Conflict(HandbookError):
    status = 409
    code = "conflict"
    title = "Dữ liệu đã bị thay đổi"


class StorageFull(HandbookError):
    """The disk (or the quota) was full while writing; whatever was half-written is gone."""

    status = 507
    code = "storage_full"
    title = "Máy chủ đã hết chỗ lưu trữ"


class UnexpectedField(HandbookError):
    """A field the schema does not have: refused as a bad request, never ignored."""

    status = 400
    code = "unexpected_field"


def refuse_unknown(keys, allowed: frozenset[str], where: str = "yêu cầu") -> None:
    """UnexpectedField naming every key outside allowed (cut short: they echo back)."""
    if extra := sorted(str(k)[:40] for k in set(keys) - allowed):
        raise UnexpectedField(f"Trường không được phép trong {where}: {', '.join(extra)}.")


@dataclass(frozen=True)
class Problem:
    """One reason a value was refused: where, and why (in Vietnamese)."""

    field: str
    reason: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.field}: {self.reason}"


class Invalid(HandbookError):
    """Every problem found, not just the first."""

    status = 422
    code = "invalid"
    title = "Dữ liệu không hợp lệ"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))
