"""Request bodies never run past their limit, chunked or not.

A body sent with Transfer-Encoding: chunked states no Content-Length. Werkzeug then
reads it up to max_content_length and stops there without telling, so an oversized
body was silently cut and parsed as if whole. Here every such body is read through a
stream that answers 413 at the first byte past the limit, the one in force when the
body is first read (an editor's upload raises it before that)."""

from __future__ import annotations

import io
from functools import cached_property

from flask import Request, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream, get_input_stream


class _Bounded(io.RawIOBase):
    """A body stream that raises RequestEntityTooLarge rather than go past `limit`."""

    def __init__(self, stream, limit: int) -> None:
        super().__init__()
        self._stream, self._left = stream, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise RequestEntityTooLarge()
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


class BoundedRequest(Request):
    """Flask's request, whose body stream is bounded even without Content-Length."""

    @cached_property
    def stream(self):
        limit = self.max_content_length
        if self.content_length is None and limit is not None and self.environ.get("wsgi.input_terminated"):
            return io.BufferedReader(_Bounded(self.environ["wsgi.input"], limit))
        return get_input_stream(self.environ, max_content_length=limit)


def cap_body(limit: int, refusal: Exception) -> None:
    """Read the body now, raising refusal if it is over limit bytes: one endpoint's own
    limit, below the app's. Reading stops one byte past limit, and get_json() later
    reuses the bytes read."""
    if (request.content_length or 0) > limit:
        raise refusal
    request.stream = LimitedStream(request.stream, limit + 1, is_max=True)
    if len(request.get_data(cache=True)) > limit:
        raise refusal
