"""The one mapping of errors to answers: domain errors, HTTP errors, a refused CSRF
token and anything unexpected become a page for people or JSON for programs."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from handbook.errors import HandbookError
from handbook.negotiation import wants_json
from handbook.security import safe_next

# What a person can do next, by status: every error page ends with a way forward.
_HINTS = {
    400: "Hãy quay lại trang trước, kiểm tra thông tin rồi thử lại.",
    403: (
        "Trang này dành cho người được giao nhiệm vụ (bí thư chi bộ, cấp ủy, biên tập viên, "
        "quản trị viên). Nếu bạn cần dùng, hãy đề nghị bí thư chi bộ hoặc quản trị viên cấp quyền."
    ),
    404: (
        "Địa chỉ có thể đã gõ sai, hoặc văn bản đã được chuyển, gỡ bỏ. "
        "Hãy tìm văn bản theo tên hoặc số hiệu, hoặc về Thư viện."
    ),
    405: "Hãy mở lại trang từ Thư viện rồi thao tác lại.",
    413: "Tệp hoặc nội dung gửi lên quá lớn. Hãy chia nhỏ rồi gửi lại.",
    429: "Vui lòng chờ khoảng một phút rồi thử lại.",
    507: (
        "Dữ liệu chưa được lưu và không có phần ghi dở nào được giữ lại. Hãy báo quản trị "
        "viên giải phóng dung lượng máy chủ rồi thử lại."
    ),
}


def _respond(
    status: int,
    title: str,
    message: str,
    details: list | None = None,
    code: str = "",
    *,
    hint: str | None = None,
    back: str = "",
):
    """JSON for programs, a page for people. hint (default: the status's) and back (a
    local page to return to) only shape the page."""
    if wants_json():
        body = {
            "error": {
                "status": status,
                "code": code or _HTTP_CODES.get(status, "error"),
                "title": title,
                "message": message,
            }
        }
        if details:
            body["error"]["details"] = details
        if status == 401:
            return jsonify(body), status, {"WWW-Authenticate": 'Bearer realm="handbook"'}
        return jsonify(body), status
    if status == 429:
        # A flood is answered with this page hundreds of times a second: the bare page,
        # without the menu and the signed-in user's context, costs the workers least.
        return _bare_page(title, message), status
    return render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=message,
        details=details,
        hint=_HINTS.get(status) if hint is None else hint,
        back=back,
    ), status


def _bare_page(title: str, message: str) -> str:
    """errors/fault.html, rendered without context processors."""
    return current_app.jinja_env.get_template("errors/fault.html").render(title=title, message=message)


def _handle_domain(error: HandbookError):
    details = [{"field": p.field, "reason": p.reason} for p in getattr(error, "problems", [])]
    return _respond(error.status, error.title, error.message, details or None, error.code)


_HTTP_TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Bạn cần đăng nhập",
    403: "Bạn không có quyền truy cập",
    404: "Không tìm thấy trang",
    405: "Phương thức không được hỗ trợ",
    413: "Dữ liệu gửi lên quá lớn",
    429: "Bạn thao tác quá nhanh, vui lòng thử lại sau",
    500: "Hệ thống đang gặp sự cố",
}


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
}


def _handle_http(error: HTTPException):
    status = error.code or 500
    title = _HTTP_TITLES.get(status, error.name)
    response = _respond(status, title, title)
    if status == 405 and error.valid_methods:
        return response[0], status, {"Allow": ", ".join(error.valid_methods)}
    return response


CSRF_TITLE = "Biểu mẫu không còn hiệu lực"
CSRF_MESSAGE = "Trang đã mở quá lâu hoặc phiên đăng nhập đã thay đổi. Vui lòng tải lại trang rồi gửi lại."


def _handle_csrf(error: CSRFError):
    """A missing, foreign or expired CSRF token: the same 400, told apart by code so a
    page script can fetch a fresh token and retry when it has only expired."""
    code = "csrf_expired" if "expired" in (error.description or "") else "csrf_invalid"
    return _respond(400, CSRF_TITLE, CSRF_MESSAGE, code=code, hint="", back=_page_sent_from())


def _page_sent_from() -> str:
    """The local page the refused form was on, from Referer; "" when it was elsewhere."""
    referrer, site = request.referrer or "", request.host_url
    if not referrer.startswith(site):
        return ""
    return safe_next("/" + referrer[len(site) :], "")


def _handle_unexpected(error: Exception):
    current_app.logger.exception("Unhandled error on %s", request.path)
    title, message = _HTTP_TITLES[500], "Vui lòng thử lại sau ít phút."
    if wants_json():
        return _respond(500, title, message)
    # Rendered without context processors: the database (and with it the signed-in
    # user) may be what failed, and the fault page must not fail again.
    return _bare_page(title, message), 500


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HandbookError, _handle_domain)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
