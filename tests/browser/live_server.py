"""A real HTTP server for browser tests: the app served by werkzeug on loopback, in a
thread, that can be stopped and started again on the same port (so a page's origin
stays the same while the site is really unreachable)."""

from __future__ import annotations

import socket
import threading

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _Handler(WSGIRequestHandler):
    # One connection per request: once stopped, no kept-alive connection still answers.
    protocol_version = "HTTP/1.0"

    def log_request(self, *args, **kwargs) -> None:
        pass  # errors are still logged


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class LiveServer:
    def __init__(self, app: Flask, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self.port = free_port(host)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self.running:
            return
        self._server = make_server(self.host, self.port, self.app, threaded=True, request_handler=_Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Close the listening socket: from now on connections are refused."""
        if not self.running:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None
