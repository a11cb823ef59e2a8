"""Any sequence of reading, retrying, reordering and confirming keeps the invariants:
progress never decreases, no event is counted twice, completion is set once."""

from __future__ import annotations

import itertools
import uuid

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from handbook.app_db import get_db
from handbook.errors import Invalid
from handbook.study import completion, documents, progress, reading
from handbook.study.models import Completion, SectionRead
from tests import factories
from tests.unit.study.helpers import ReadingClock, event

SLUG = "quy-dinh-37"
_users = itertools.count(1)


class ReadingMachine(RuleBasedStateMachine):
    app = None  # set by the test before running

    def __init__(self) -> None:
        super().__init__()
        self.user_id = factories.make_user(self.app, f"hoc.vien.{next(_users)}", password=None).id
        with self.app.app_context(), get_db(self.app).transaction() as tx:
            self.doc = documents.load(tx, SLUG)
        self.sent: dict[str, reading.Event] = {}
        self.credited: dict[str, int] = {}
        self.read_at: dict[str, object] = {}
        self.completed_at = None
        self.last_percent = 0

    def _send(self, events: list[reading.Event]) -> None:
        with self.app.app_context(), get_db(self.app).transaction() as tx:
            result = reading.record_batch(tx, self.user_id, events, now=ReadingClock.now())
        assert not result.rejected
        for e in events:
            if e.id not in self.sent:
                self.sent[e.id] = e
                self.credited[e.anchor] = self.credited.get(e.anchor, 0) + reading.credit(e.seconds)
        assert set(result.accepted) | set(result.duplicates) == {e.id for e in events}

    def _new(self, anchor: str, seconds: int) -> reading.Event:
        return event(SLUG, anchor, seconds, uuid.uuid4().hex)

    @rule(data=st.data())
    def read(self, data) -> None:
        anchor = data.draw(st.sampled_from(sorted(self.doc.required)))
        seconds = data.draw(st.integers(min_value=1, max_value=reading.MAX_SECONDS))
        self._send([self._new(anchor, seconds)])

    @rule(data=st.data())
    def batch_with_old_and_new(self, data) -> None:
        anchors = st.sampled_from(sorted(self.doc.required))
        fresh = [
            self._new(data.draw(anchors), data.draw(st.integers(1, 200)))
            for _ in range(data.draw(st.integers(1, 5)))
        ]
        old = data.draw(st.lists(st.sampled_from(sorted(self.sent)), max_size=5)) if self.sent else []
        batch = fresh + [self.sent[i] for i in old] + fresh[:1]  # the first one twice
        self._send(data.draw(st.permutations(batch)))

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def retry_reordered(self, data) -> None:
        ids = data.draw(st.lists(st.sampled_from(sorted(self.sent)), min_size=1, max_size=10))
        self._send(data.draw(st.permutations([self.sent[i] for i in ids])))

    @rule()
    def confirm(self) -> None:
        done = all(self.credited.get(a, 0) >= self.doc.required[a] for a in self.doc.to_read)
        try:
            with self.app.app_context(), get_db(self.app).transaction() as tx:
                record = completion.confirm(tx, self.user_id, SLUG)
        except Invalid:
            assert not done and self.completed_at is None
            return
        assert done or self.completed_at is not None
        self.completed_at = self.completed_at or record.completed_at

    @invariant()
    def database_matches_the_model(self) -> None:
        with self.app.app_context(), get_db(self.app).transaction() as tx:
            rows = {
                r.anchor: r
                for r in tx.scalars(select(SectionRead).where(SectionRead.user_id == self.user_id))
            }
            completions = list(tx.scalars(select(Completion).where(Completion.user_id == self.user_id)))
            ratio = progress.member_documents(tx, self.user_id, [self.doc.id])[self.doc.id]
        assert {a: r.seconds for a, r in rows.items()} == self.credited
        for anchor, row in rows.items():
            assert (row.read_at is not None) == (row.seconds >= self.doc.required[anchor])
            if row.read_at is not None:
                assert self.read_at.setdefault(anchor, row.read_at) == row.read_at
        assert len(completions) <= 1
        if self.completed_at is not None:
            assert completions[0].completed_at == self.completed_at
        assert (ratio.percent or 0) >= self.last_percent
        self.last_percent = ratio.percent or 0


def test_reading_sequences_keep_the_invariants(study):
    ReadingMachine.app = study
    run_state_machine_as_test(
        ReadingMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
