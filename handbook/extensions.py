"""Flask extensions, created unbound; the factory binds them."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
