"""Access policy at the HTTP boundary, deny by default. Every view declares a policy
with one of the decorators below (placed right under the route decorator); a
request to an endpoint without one is refused. Who may see which unit is decided
in permissions.py, from the database, on every request."""

from __future__ import annotations

import hmac
import logging
import time

from flask import (
    Flask,
    after_this_request,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from handbook import app_db
from handbook.accounts import permissions, principal, tokens
from handbook.accounts.models import User
from handbook.accounts.permissions import Permissions
from handbook.accounts.principal import Principal
from handbook.db import MAX_ID
from handbook.errors import Forbidden
from handbook.extensions import login_manager
from handbook.negotiation import is_api_request, wants_json
from handbook.params import to_int
from handbook.policies import policy_of

AUTH_AT = "_auth_at"
log = logging.getLogger("handbook.security")


def demo_allowed() -> bool:
    return current_app.config["ENV_NAME"] == "development"


def current_permissions() -> Permissions:
    user = current_user
    if not user.is_authenticated:
        return permissions.ANONYMOUS
    if isinstance(user, Principal):
        return user.permissions
    # Just logged in: Flask-Login holds the User given to login_user().
    if "permissions" not in g:
        g.permissions = principal.permissions_of(app_db.session(), user.id)
    return g.permissions


def needs_second_factor(user: Principal | User, perms: Permissions) -> bool:
    """Privileged users reach their tools only with a second factor enrolled
    (and, since enrolled users cannot log in without it, used)."""
    if not perms.is_privileged or user.has_totp:
        return False
    return not (user.is_demo and demo_allowed())


SIGN_IN_MESSAGE = "Vui lòng đăng nhập để tiếp tục."
SESSION_ENDED_MESSAGE = (
    "Phiên đăng nhập của bạn đã hết hạn hoặc đã kết thúc. Vui lòng đăng nhập "
    "lại; sau đó bạn sẽ trở về đúng trang đang xem."
)


def _login_required():
    if wants_json() or request.method != "GET":
        raise Unauthorized()
    # A session that names a user who no longer loads was signed in once: it expired,
    # or it was ended (logout elsewhere, password change, lock). Say so, and forget it.
    ended = "_user_id" in session
    if ended:
        session.clear()
    flash(SESSION_ENDED_MESSAGE if ended else SIGN_IN_MESSAGE, "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def enforce_policy():
    """before_request: the one gate every request passes."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None  # routing will answer 404/405 itself
    if request.method == "OPTIONS":
        return None  # Flask's automatic answer: allowed methods, no data
    policy = policy_of(current_app, endpoint)
    if policy is None:
        log.error("endpoint %s has no access policy; denied", endpoint)
        raise Forbidden()
    if policy.name == "public":
        return None
    if not current_user.is_authenticated:
        return _login_required()
    if policy.name == "member":
        return None
    perms = current_permissions()
    if not perms.has_any(policy.roles):
        log.info("authz_denied user=%s endpoint=%s", perms.user_id, endpoint)
        raise Forbidden()
    if needs_second_factor(current_user, perms):
        if wants_json():
            raise Forbidden("Cần thiết lập xác thực hai bước trước khi dùng chức năng này.")
        return redirect(url_for("accounts.second_factor", next=request.full_path.rstrip("?")))
    return None


@login_manager.user_loader
def load_user(token: str) -> Principal | None:
    """The session holds 'id:version'. It is honoured only while the user is active,
    the version still matches (logout, password change and deactivation rotate it)
    and the session is younger than the absolute lifetime."""
    if is_api_request():
        return None  # the API ignores the session cookie
    raw_id, _, version = token.partition(":")
    user_id = to_int(raw_id, 1, MAX_ID)
    if user_id is None or not version or not _within_absolute_lifetime():
        return None
    user = _usable(principal.load(app_db.session(), user_id))
    if user is None or not hmac.compare_digest(user.session_version.encode(), version.encode()):
        return None
    return user


@login_manager.request_loader
def load_bearer(req) -> Principal | None:
    """API requests authenticate with 'Authorization: Bearer <token>' and nothing else."""
    if not is_api_request():
        return None
    scheme, _, token = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    match = tokens.find(app_db.session(), token.strip())
    user = _usable(match.user) if match else None
    if user is None:
        return None
    if match.stale:  # written after the view, never inside a transaction of its own
        after_this_request(lambda response: _touch(match.token_id, response))
    g.api_token_id = match.token_id
    return user


def _touch(token_id: int, response):
    with app_db.get_db().transaction() as tx:
        tokens.touch(tx, token_id)
    return response


def _usable(user: Principal | None) -> Principal | None:
    if user is None or not user.active or (user.is_demo and not demo_allowed()):
        return None
    return user


def _within_absolute_lifetime() -> bool:
    started = session.get(AUTH_AT)
    limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"]
    return isinstance(started, int) and 0 <= time.time() - started <= limit


def no_store(response):
    """Nothing but public static assets is stored by browsers or proxies: pages and
    API answers carry personal data or CSRF tokens."""
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    if session.get("_user_id"):
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.refresh_view = "accounts.login"
    login_manager.login_message = SIGN_IN_MESSAGE
    login_manager.needs_refresh_message = "Vui lòng đăng nhập lại để xác nhận."
    login_manager.login_message_category = login_manager.needs_refresh_message_category = "info"
    app.before_request(enforce_policy)
    app.after_request(no_store)
