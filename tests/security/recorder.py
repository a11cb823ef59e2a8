"""A recorder of the parameters views read: request.args, .form and .files that
remember every name a view (or a template, or a hook) asks them for. Iterating over
them (items(), keys) names nothing: the hooks that check every value do that."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict


class RecordingMultiDict(ImmutableMultiDict):
    """request.args, .form and .files that remember every name a view asks for."""

    def _asked(self, key) -> None:
        self.__dict__.setdefault("asked", set()).add(key)

    def __getitem__(self, key):
        self._asked(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self._asked(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):
        self._asked(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._asked(key)
        return super().getlist(key, type)


def record_reads(app: Flask) -> dict[str, dict[str, set[str]]]:
    """Install the recorder before the app's first request; returns endpoint → "query",
    "form" → the names its requests read."""
    reads: dict[str, dict[str, set[str]]] = {}

    class RecordingRequest(app.request_class):
        parameter_storage_class = RecordingMultiDict

    def collect(_error=None) -> None:
        # Only what the request parsed: reading .form here would parse it now.
        parsed = request.__dict__
        names = {
            "query": _asked(parsed.get("args")),
            "form": _asked(parsed.get("form")) | _asked(parsed.get("files")),
        }
        seen = reads.setdefault(request.endpoint or "", {"query": set(), "form": set()})
        for kind, asked in names.items():
            seen[kind] |= asked

    app.request_class = RecordingRequest
    app.teardown_request(collect)
    return reads


def _asked(values) -> set[str]:
    return set(getattr(values, "__dict__", {}).get("asked", ()))
