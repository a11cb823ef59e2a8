"""Work a node repeats every few seconds, from one daemon thread per process.

The thread is started after gunicorn forks (gunicorn.conf.py) or by `flask handbook
serve`; a forked child that inherited the object starts its own thread. The test
suite's apps never start one."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any


class Periodic:
    """Calls `work` every `interval` seconds; a round whose result `pending` says leaves
    more to do runs again at once. A failing round is logged once per outage and never
    ends the thread."""

    name = "periodic"

    def __init__(
        self, interval: float, work: Callable[[], Any], pending: Callable[[Any], bool] = lambda _result: False
    ) -> None:
        self.interval = interval
        self.work, self.pending = work, pending
        self._guard = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._stopped = False
        self._failing = False

    def ensure_running(self) -> None:
        """Start the thread in this process unless it runs already or was stopped."""
        if self._running_here() or self._stopped:
            return
        with self._guard:
            if self._running_here() or self._stopped:
                return
            # After a fork the parent's thread does not exist here: start our own.
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._pid = os.getpid()
            self._thread.start()

    def _running_here(self) -> bool:
        return self._pid == os.getpid() and self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._wake.is_set():
            result = self.step()
            if result is not None and self.pending(result):
                continue
            self._wake.wait(self.interval)

    def step(self) -> Any:
        """One round; returns its result, or None when it failed (logged, not raised)."""
        try:
            result = self.work()
        # The boundary of a background thread: a database or disk outage must not end
        # it, or this node would silently stop doing its share of the work.
        except Exception:
            if not self._failing:
                self._log().exception("%s: a round failed; retrying every %s s", self.name, self.interval)
            self._failing = True
            return None
        if self._failing:
            self._log().info("%s works again", self.name)
        self._failing = False
        return result

    def _log(self) -> logging.Logger:
        return logging.getLogger(type(self).__module__)  # the feature's logger, not ours

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current round (a round in progress is not interrupted)."""
        self._stopped = True
        self._wake.set()
        thread = self._thread
        if thread is not None and self._pid == os.getpid():
            thread.join(timeout)


def start_in(app, key: str, seconds_key: str, make: Callable[[float], Periodic]) -> Periodic | None:
    """Start the job kept under app.extensions[key] in this process (made by `make` the
    first time). Does nothing for an app that is not the handbook (gunicorn.conf.py
    may serve another) or when app.config[seconds_key] is 0."""
    extensions = getattr(app, "extensions", None)
    if not isinstance(extensions, dict) or "handbook.db" not in extensions:
        return None
    seconds = float(app.config.get(seconds_key) or 0)
    if seconds <= 0:
        return None
    job = extensions.get(key)
    if job is None:
        job = extensions.setdefault(key, make(seconds))
    job.ensure_running()
    return job
