"""Flask extensions, created unbound; the factory binds them."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
# No default limits: accounts counts failures itself (handbook/accounts/throttle.py).
# Keyed on the peer address only; X-Forwarded-For counts only behind ProxyFix.
limiter = Limiter(key_func=get_remote_address)
