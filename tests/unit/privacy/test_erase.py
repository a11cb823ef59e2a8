"""Erasing a member: nothing personal left in any table, figures unchanged, audited,
idempotent, and refused for oneself and the last administrator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handbook.accounts import users
from handbook.accounts.audit import Actor
from handbook.accounts.models import ApiToken, AuditEvent, RoleGrant, User
from handbook.accounts.permissions import Grant, Permissions
from handbook.accounts.vocabulary import ADMIN
from handbook.app_db import get_db
from handbook.errors import Conflict, Invalid
from handbook.notifications.models import Notification
from handbook.privacy import erase
from handbook.reports.pages import rollup_page
from handbook.study import progress
from handbook.study.models import Completion, ReadingEvent, Reflection
from tests import factories
from tests.unit.privacy.helpers import naming

EVERYTHING = Permissions(1, (Grant(ADMIN, None, None),))
ADMIN_ACTOR = Actor(None, "quan.tri", "198.51.100.4")


def _erase(app, user_id: int, confirmation: str, actor: Actor = ADMIN_ACTOR) -> erase.Erasure:
    with app.app_context(), get_db(app).transaction() as tx:
        return erase.erase_member(tx, actor, user_id, confirmation)


def _naming(app, marks):
    with app.app_context(), get_db(app).transaction() as tx:
        return naming(tx, marks)


def _figures(app, tree, seeded) -> tuple:
    """What every report shows: roll-ups of the province and the grassroots, across
    campaigns and for the campaign, and each member's progress."""
    ids = [seeded.member.user.id, seeded.other.user.id, seeded.secretary.id]
    with app.app_context(), get_db(app).transaction() as tx:
        pages = [
            rollup_page(tx, EVERYTHING, unit.id, campaign)
            for unit in (tree.province, tree.grassroots, tree.cell_a)
            for campaign in (None, seeded.campaign.id)
        ]
        return (
            [
                (
                    p.rollup.total,
                    [(line.unit.id, line.tally) for line in p.rollup.children],
                    [(c.id, t) for c, t in p.rollup.by_campaign],
                    p.days,
                )
                for p in pages
            ],
            progress.campaign_progress(tx, ids),
            progress.overall_progress(tx, ids),
        )


def test_nothing_personal_of_the_member_remains_anywhere(library, seeded):
    member = seeded.member
    assert _naming(library, member.marks)  # the seed put them in many places
    result = _erase(library, member.user.id, member.user.username)
    assert _naming(library, member.marks) == []
    assert result.deleted["notifications"] == 1 and result.scrubbed["reflections"] == 1
    # The other member is untouched.
    assert {hit[:2] for hit in _naming(library, seeded.other.marks)} >= {
        ("users", "username"),
        ("users", "full_name"),
        ("users", "member_code"),
        ("reflections", "text"),
        ("api_tokens", "label"),
        ("document_revisions", "author"),
    }


def test_the_account_is_de_identified_and_locked(library, seeded):
    user_id = seeded.member.user.id
    _erase(library, user_id, seeded.member.user.username)
    with library.app_context(), get_db(library).transaction() as tx:
        user = tx.get(User, user_id)
        assert user.full_name == f"Đảng viên đã xóa #{user_id}" and user.member_code is None
        assert (user.password_hash, user.totp_secret, user.active) == (None, None, False)
        assert users.is_erased(user) and users.by_username(tx, user.username) is None
        for model in (ApiToken, RoleGrant, Notification):
            assert tx.scalars(select(model).where(model.user_id == user_id)).all() == []
        reflection = tx.scalar(select(Reflection).where(Reflection.user_id == user_id))
        assert reflection.text == erase.registry.REFLECTION_ERASED
        for model in (Completion, ReadingEvent):
            assert tx.scalars(select(model).where(model.user_id == user_id)).all()


def test_report_figures_do_not_change(library, tree, seeded):
    before = _figures(library, tree, seeded)
    assert before[0][0][0].members >= 3  # the erased member is counted
    _erase(library, seeded.member.user.id, seeded.member.user.username)
    assert _figures(library, tree, seeded) == before


def test_erasure_is_audited_without_personal_values(library, seeded):
    user_id = seeded.member.user.id
    _erase(library, user_id, seeded.member.user.username)
    with library.app_context(), get_db(library).transaction() as tx:
        [event] = tx.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.erased"))
        by_member = tx.scalars(select(AuditEvent).where(AuditEvent.actor_id == user_id)).all()
    assert (event.target_type, event.target_id, event.actor) == ("user", user_id, "quan.tri")
    assert event.details["deleted"]["api_tokens"] == 1
    assert by_member and all(e.ip == "" for e in by_member)  # the member's address is gone


def test_erasing_twice_changes_nothing(library, seeded):
    user_id = seeded.member.user.id
    _erase(library, user_id, seeded.member.user.username)
    with library.app_context(), get_db(library).transaction() as tx:
        first = tx.get(User, user_id).username
    again = _erase(library, user_id, seeded.member.user.username)
    with library.app_context(), get_db(library).transaction() as tx:
        assert tx.get(User, user_id).username == first
        assert len(tx.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.erased")).all()) == 1
    assert again.already and not again.deleted


def test_the_username_must_be_typed_to_confirm(library, seeded):
    with pytest.raises(Invalid):
        _erase(library, seeded.member.user.id, "nguyen.van")
    assert _naming(library, [seeded.member.user.full_name])


def test_nobody_erases_themselves_nor_the_last_administrator(library, seeded):
    member = seeded.member.user
    with pytest.raises(Conflict):
        _erase(library, member.id, member.username, Actor(member.id, member.username))
    admin = factories.make_user(library, "hoang.van.em", grants=((ADMIN, None),))
    with pytest.raises(Conflict, match="cuối cùng"):
        _erase(library, admin.id, admin.username)
    factories.make_user(library, "vu.thi.lan", grants=((ADMIN, None),))
    assert not _erase(library, admin.id, admin.username).already
