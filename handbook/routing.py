"""URL building and matching shared by every feature."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, has_request_context, request
from werkzeug.routing import IntegerConverter

from handbook.db import MAX_ID
from handbook.limits import BoundedRequest


class DatabaseId(IntegerConverter):
    """`<int:…>` in every route: ids fit a 32-bit INTEGER column, so a longer number is
    a 404 from the router, never an overflow in the database driver. ASCII digits only,
    as in handbook.params: `\\d` would also match `٥` and `５`, and int() reads them as 5."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class Handbook(Flask):
    """Flask, remembering the paths url_for builds during requests.

    A page builds a dozen or more (menu, forms, fingerprinted static files) and each
    costs tens of microseconds in Werkzeug. The route map is fixed once the app
    serves, and the only url_defaults (assets.py) depends on the values alone, so a
    path is a function of the script root, the endpoint and the values. A stale
    static fingerprint costs nothing but caching: assets.py serves a file whose
    fingerprint no longer matches as revalidate-only."""

    URL_MEMO_SIZE = 4096
    request_class = BoundedRequest  # a chunked body past its limit is a 413, not cut short

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._memo_path = lru_cache(maxsize=self.URL_MEMO_SIZE)(self._build_path)

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values,
    ) -> str:
        if _external or _scheme or endpoint[:1] == "." or not has_request_context():
            return super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
            )
        # The type is part of the key: 1 and True are equal, yet print differently.
        items = tuple((name, type(value), value) for name, value in values.items())
        try:
            return self._memo_path(request.script_root, endpoint, _anchor, _method, items)
        except TypeError:  # an unhashable value (a list of query arguments): build it
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)

    def _build_path(
        self, script_root: str, endpoint: str, anchor: str | None, method: str | None, items: tuple
    ) -> str:
        values = {name: value for name, _, value in items}
        return super().url_for(endpoint, _anchor=anchor, _method=method, _external=False, **values)
