"""The request's read session: sees every commit at once and refuses to write."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handbook import app_db
from handbook.accounts.models import Unit
from handbook.app_db import get_db


def test_request_session_refuses_to_write(app):
    with app.test_request_context():
        session = app_db.session()
        session.add(Unit(code="X", name="Chi bộ thử", kind="chi_bo", path="/x/"))
        with pytest.raises(RuntimeError, match="only reads"):
            session.flush()


def test_request_session_sees_a_commit_made_after_its_first_read(app):
    with app.test_request_context():
        session = app_db.session()
        assert session.scalar(select(Unit.id).where(Unit.code == "LATE")) is None
        with get_db().transaction() as tx:
            tx.add(Unit(code="LATE", name="Chi bộ mới", kind="chi_bo", path="/late/"))
        # No snapshot is held between statements (as under READ COMMITTED).
        assert session.scalar(select(Unit.id).where(Unit.code == "LATE")) is not None
