"""A document scheduled in the editor goes live by itself on every deployment shape
that serves: the development server of `make run` and a gunicorn node with several
workers (two nodes: tests/multinode). Nobody opens any page; it is published once,
in the name of the editor who scheduled it, and the serving node's search finds it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from handbook.accounts.models import AuditEvent
from handbook.app_db import get_db
from handbook.clock import utcnow
from handbook.content.models import Document
from handbook.search import health
from tests.conftest import FAST_PASSWORD_HASHING
from tests.factories import editor_post
from tests.journeys.actions import build_index
from tests.multinode.test_two_nodes import free_port

ROOT = Path(__file__).resolve().parents[2]
SLUG = "ket-luan-21"
SHAPES = {
    "make run": ["-m", "flask", "handbook", "serve", "--port", "{port}"],
    "gunicorn, 2 workers": [
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "-w",
        "2",
        "-b",
        "127.0.0.1:{port}",
        "wsgi:app",
    ],
}


def serving(library, command: list[str]) -> subprocess.Popen:
    port = str(free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDBOOK_")}
    env.update(
        {
            "FLASK_APP": "wsgi",
            "PYTHONPATH": str(ROOT),
            "HANDBOOK_ENV_NAME": "development",
            "HANDBOOK_SECRET_KEY": "test-secret-key",
            "HANDBOOK_DATABASE_URL": library.config["DATABASE_URL"],
            "HANDBOOK_SEARCH_INDEX_DIR": library.config["SEARCH_INDEX_DIR"],
            "HANDBOOK_CONTENT_DIR": library.config["CONTENT_DIR"],
            "HANDBOOK_PUBLISH_DUE_SECONDS": "0.2",
            **{f"HANDBOOK_{k}": str(v) for k, v in FAST_PASSWORD_HASHING.items()},
        }
    )
    return subprocess.Popen(
        [sys.executable, *(part.format(port=port) for part in command)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def state(library) -> str:
    with library.app_context(), get_db(library).reads() as reader:
        return reader.scalar(select(Document.state).where(Document.slug == SLUG))


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_scheduled_document_goes_live_on_its_own(shape, clients, library):
    build_index(library)
    editor = clients["editor"]
    response = editor.post(
        "/bien-tap/moi", data=editor_post(hanh_dong="hen-gio", xuat_ban_luc="2099-01-01T08:00")
    )
    assert response.status_code == 302
    with library.app_context(), get_db(library).transaction() as tx:
        tx.execute(
            update(Document).where(Document.slug == SLUG).values(publish_at=utcnow() + timedelta(seconds=1))
        )
    server = serving(library, SHAPES[shape])
    try:
        deadline = time.monotonic() + 30
        while state(library) != "published":
            assert server.poll() is None, f"{shape} exited"
            assert time.monotonic() < deadline, f"not published by {shape}"
            time.sleep(0.1)
        time.sleep(1)  # every worker has had several more rounds to publish it again
    finally:
        server.terminate()
        server.wait(timeout=20)
    with library.app_context(), get_db(library).reads() as reader:
        actors = reader.scalars(select(AuditEvent.actor).where(AuditEvent.action == "document.publish")).all()
        assert actors == ["pham.thi.dung"]  # once, by the editor who scheduled it
        assert (
            reader.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "document.schedule")
            )
            == 1
        )
        assert health.check(reader, Path(library.config["SEARCH_INDEX_DIR"])).ok
    assert SLUG in editor.get("/tim-kiem.json?q=21-KL/TW").get_data(as_text=True)
