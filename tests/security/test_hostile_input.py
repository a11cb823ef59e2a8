"""No input gets a 5xx. Every route of the URL map, as every role and signed out, gets
generated hostile values (digits that are not ASCII, huge numbers, NUL, invalid
UTF-8, bidi marks, 5,000 characters, NFD text) in every parameter its view reads,
in the path too; forms are posted with a valid CSRF token. A refusal is a 3xx or
4xx, never a server error.

PARAMS names what each endpoint reads. The app records the names views actually ask
request.args, .form and .files for: a route missing from the table, or a view that
reads a name the table does not list, fails here, so new input is fuzzed too."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import request
from sqlalchemy import func, select, update

from handbook.accounts import tokens
from handbook.accounts.audit import Actor
from handbook.accounts.models import AuditEvent, RoleGrant
from handbook.accounts.vocabulary import SECRETARY
from handbook.app_db import get_db, session
from handbook.clock import utcnow
from handbook.content.models import Document
from handbook.editor import workflow
from handbook.editor.drafting import FIELDS
from handbook.models import metadata
from handbook.notifications.models import Notification
from handbook.policies import public
from handbook.search import indexer
from handbook.study import documents, quizzes, reflections
from tests import factories
from tests.security.conftest import MISSING, SLUG, form_token
from tests.security.hostile import Tally, Target, World, fuzz
from tests.security.recorder import record_reads
from tests.security.test_csrf import LOGIN, login


@dataclass(frozen=True)
class Reads:
    """The query and form names (files included) an endpoint's requests read; json:
    the fields of an API body, which the recorder cannot see."""

    query: tuple[str, ...] = ()
    form: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    json: tuple[str, ...] = ()


NOTHING = Reads()
SEARCH = ("q", "trang", "loai", "co-quan", "nam", "hieu-luc")
EDITOR_FORM = (
    "slug",
    *FIELDS,
    "tu_khoa",
    "quan_he_loai",
    "quan_he_so_hieu",
    "noi_dung",
    "ghi_chu",
    "hoc_lai",
    "phien_ban",
    "hanh_dong",
    "xuat_ban_luc",
)
API_PAGE = ("page", "per_page")
API_FILTERS = ("type", "issuer", "year", "status")
# {question_id} and the like are filled with the world's real ids.
PARAMS: dict[str, Reads] = {
    "accounts.activate": Reads(form=("ten_dang_nhap", "ma", "mat_khau_moi", "nhap_lai")),
    "accounts.change_password": Reads(form=("mat_khau_hien_tai", "mat_khau_moi", "nhap_lai")),
    "accounts.download_my_data": NOTHING,
    "accounts.login": Reads(query=("next",), form=("ten_dang_nhap", "mat_khau", "ghi_nho", "next")),
    "accounts.login_second_factor": Reads(form=("ma",)),
    "accounts.logout": NOTHING,
    "accounts.my_units": NOTHING,
    "accounts.profile": NOTHING,
    "accounts.revoke_device": NOTHING,
    "accounts.second_factor": Reads(query=("next",), form=("next", "buoc", "ma")),
    "accounts.unit": NOTHING,
    "admin.audit_log": Reads(query=("trang", "hanh-dong")),
    "admin.import_upload": Reads(files=("tep",)),
    "admin.index": NOTHING,
    "admin.member_create": Reads(form=("ten_dang_nhap", "ho_ten", "ma_dang_vien", "ma_chi_bo")),
    "admin.member_deactivate": NOTHING,
    "admin.member_detail": NOTHING,
    "admin.member_end_sessions": NOTHING,
    "admin.member_erase": Reads(form=("xac_nhan",)),
    "admin.member_issue_code": NOTHING,
    "admin.member_reactivate": NOTHING,
    "admin.member_reset_mfa": NOTHING,
    "admin.member_revoke_device": NOTHING,
    "admin.member_transfer": Reads(form=("ma_chi_bo",)),
    "admin.member_update": Reads(form=("ho_ten", "ma_dang_vien")),
    "admin.members_list": Reads(query=("q", "trang")),
    "admin.role_grant": Reads(form=("vai_tro", "ma_don_vi")),
    "admin.role_revoke": NOTHING,
    "admin.unit_close": NOTHING,
    "admin.unit_create": Reads(form=("ma", "ten", "cap", "ma_cap_tren")),
    "admin.unit_detail": NOTHING,
    "admin.unit_merge": Reads(form=("ma_don_vi_nhan",)),
    "admin.unit_move": Reads(form=("ma_cap_tren",)),
    "admin.unit_rename": Reads(form=("ten",)),
    "admin.units_list": Reads(query=("q",)),
    "api.cell_grid": Reads(query=("filter", "sort")),
    "api.complete": NOTHING,
    "api.document": NOTHING,
    "api.issue_token": Reads(json=("username", "password", "code", "label")),
    "api.list_documents": Reads(query=(*API_FILTERS, "sort", *API_PAGE)),
    "api.list_notifications": Reads(query=API_PAGE),
    "api.list_tokens": NOTHING,
    "api.mark_all_read": NOTHING,
    "api.mark_read": NOTHING,
    "api.me": NOTHING,
    "api.my_study": NOTHING,
    "api.record_events": Reads(json=("events",)),
    "api.report_scope": Reads(query=("campaign",)),
    "api.revoke_current_token": NOTHING,
    "api.revoke_token": NOTHING,
    "api.rollup": Reads(query=("campaign",)),
    "api.search": Reads(query=("q", *API_FILTERS, *API_PAGE)),
    "api.spec": NOTHING,
    "api.suggest": Reads(query=("q",)),
    "attachments.download": NOTHING,
    "attachments.remove": Reads(form=("next",)),
    "attachments.upload": Reads(form=("next",), files=("tep",)),
    "content.document": NOTHING,
    "content.font_size": Reads(form=("co_chu", "next")),
    "content.index": Reads(query=("loai", "co-quan", "nam", "hieu-luc", "sap-xep", "trang")),
    "editor.compare": Reads(query=("tu", "den")),
    "editor.edit": Reads(form=EDITOR_FORM),
    "editor.index": Reads(query=("trang-thai", "q")),
    "editor.new": Reads(form=EDITOR_FORM),
    "editor.preview": Reads(form=("tieu_de", "noi_dung")),
    "editor.revert": Reads(form=("phien_ban",)),
    "editor.revisions": NOTHING,
    "notifications.inbox_page": Reads(query=("trang",)),
    "notifications.mark_all_read": NOTHING,
    "notifications.mark_read": NOTHING,
    "notifications.send_reminders": NOTHING,
    "offline.kept_documents": NOTHING,
    "offline.manifest": NOTHING,
    "offline.offline_page": NOTHING,
    "offline.service_worker": NOTHING,
    "reports.cell": Reads(query=("loc", "sap-xep")),
    "reports.export_csv": NOTHING,
    "reports.export_xlsx": NOTHING,
    "reports.index": NOTHING,
    "reports.printable": NOTHING,
    "reports.reading_flags": NOTHING,
    "reports.unit": Reads(query=("dot",)),
    "search.results": Reads(query=SEARCH),
    "search.results_json": Reads(query=SEARCH),
    "search.suggest": Reads(query=("q",)),
    "static": Reads(query=("v",)),
    "study.campaign": NOTHING,
    "study.cell_campaign": NOTHING,
    "study.confirm": NOTHING,
    "study.delete_question": NOTHING,
    "study.manage": NOTHING,
    "study.mark_complete": Reads(form=("dang_vien", "van_ban", "next")),
    "study.my_cells": NOTHING,
    "study.my_study": NOTHING,
    "study.new_campaign": Reads(
        query=("van_ban",), form=("tieu_de", "mo_ta", "ngay_mo", "han", "diem_dat", "van_ban", "don_vi")
    ),
    "study.progress_token": NOTHING,
    "study.questions": Reads(form=("cau_hoi", "phuong_an", "dap_an")),
    "study.quiz": Reads(form=("cau_{question_id}",)),
    "study.record_progress": NOTHING,
    "study.reflection": NOTHING,
    "study.require_restudy": NOTHING,
    "study.review_reflection": NOTHING,
    "study.submit_reflection": Reads(form=("noi_dung",)),
}
ROLES = ("anon", "member", "secretary", "committee", "editor", "admin")
CHANGING = ("POST", "PUT", "PATCH", "DELETE")
# Each removes a row later requests use, or ends the session or token it is sent with.
LAST = ("study.delete_question", "accounts.logout", "api.revoke_current_token")
ALWAYS_READ = {"csrf_token"}  # Flask-WTF reads it before every view that takes a form
UNTHROTTLED = "100000 per day"


@pytest.fixture
def app(app):
    """CSRF protection on, as in production, and the recorder of read parameters,
    both before the first request. Throttling off: it would answer most sign-in and
    code probes with a 429 before their values reach the code."""
    app.config.update(
        WTF_CSRF_ENABLED=True,
        LOGIN_LIMIT_ACCOUNT=UNTHROTTLED,
        LOGIN_LIMIT_ADDRESS=UNTHROTTLED,
        CODE_LIMIT_ACCOUNT=UNTHROTTLED,
    )
    app.extensions["test.reads"] = record_reads(app)
    return app


@pytest.fixture
def clients(library, member, role_users) -> dict:
    """A client per role, signed in through the forms; "anon" is signed out, halfway
    through signing in as the admin (password given, second factor pending)."""
    made = {"anon": library.test_client(), "member": login(library.test_client(), member.username)}
    for name, (user, secret) in role_users.items():
        made[name] = login(library.test_client(), user.username, secret)
    halfway = made["anon"].post(
        LOGIN,
        data={
            "ten_dang_nhap": role_users["admin"][0].username,
            "mat_khau": factories.PASSWORD,
            "csrf_token": form_token(made["anon"], LOGIN),
        },
    )
    assert halfway.status_code == 302 and "xac-thuc" in halfway.location
    return made


def _study_rows(app, member, campaign, victim) -> dict[str, list[int]]:
    """A quiz question, the member's reflection, and an API token of the victim."""
    with app.app_context(), get_db().transaction() as tx:
        question = quizzes.add_question(
            tx,
            factories.FACTORY,
            documents.load(tx, SLUG).id,
            "Đảng viên là ai?",
            "Người A\nNgười B\nNgười C",
            "1",
        )
        reflection = reflections.submit(
            tx, member.id, campaign.id, "Bài thu hoạch về Quy định 37 của đảng viên. " * 3
        )
        _, token = tokens.issue(tx, factories.FACTORY, victim.id, "victim", days=1)
        return {"question_id": [question.id], "reflection_id": [reflection.id], "token_id": [token.id]}


def _reminded(app, secretary, csrf: str, cell, campaign, member) -> list[int]:
    """The member's notifications, sent by the secretary's reminder button."""
    sent = secretary.post(f"/bao-cao/chi-bo/{cell.id}/dot/{campaign.id}/nhac-nho", data={"csrf_token": csrf})
    assert sent.status_code == 303
    with app.app_context():
        return session().scalars(select(Notification.id).filter_by(user_id=member.id)).all()


@pytest.fixture
def world(library, tree, member, role_users, clients, bearers, campaign, attachment) -> World:
    """Rows for every kind of path id, so the generated requests reach real ones half
    the time; writes take a victim member's rows instead of a signed-in client's."""
    victim_cell = factories.make_unit(library, "HU-XA-9", parent=tree.grassroots)
    victim = factories.make_user(library, "vo.van.giau", cell=victim_cell, grants=((SECRETARY, victim_cell),))
    ids = _study_rows(library, member, campaign, victim)
    with library.app_context():
        indexer.rebuild(session(), Path(library.config["SEARCH_INDEX_DIR"]))
        grants = {g.user_id: g.id for g in session().scalars(select(RoleGrant))}
        doc_ids = session().scalars(select(Document.id)).all()
    csrf = {role: form_token(client, LOGIN if role == "anon" else "/") for role, client in clients.items()}
    real = {
        "unit_id": [tree.cell_a.id, victim_cell.id],
        "campaign_id": [campaign.id],
        "user_id": [member.id],
        "attachment_id": [attachment.id],
        "filename": [attachment.filename, "handbook.css"],
        "slug": [SLUG, "nghi-quyet-35"],
        "number": [1],
        "grant_id": [grants[role_users["secretary"][0].id]],
        **ids,
        "notification_id": _reminded(
            library, clients["secretary"], csrf["secretary"], tree.cell_a, campaign, member
        ),
    }
    real = {arg: [str(v) for v in values] for arg, values in real.items()}
    victims = {**real, "user_id": [str(victim.id)], "grant_id": [str(grants[victim.id])]}
    known = {
        *map(str, doc_ids),
        member.username,
        victim.username,
        *(v for values in real.values() for v in values),
    }
    return World(library, clients, bearers, csrf, real, victims, tuple(sorted(known)))


def filled(names: tuple[str, ...], real: dict[str, list[str]]) -> tuple[str, ...]:
    """The names with their {placeholders} filled with real ids."""
    return tuple(name.format(**{arg: values[0] for arg, values in real.items()}) for name in names)


def target(rule, method: str, real: dict[str, list[str]], known: tuple[str, ...] = ()) -> Target:
    """The rule's entry in PARAMS; path arguments without a real row get a missing one."""
    reads, writing = PARAMS.get(rule.endpoint, NOTHING), method != "GET"
    path = {arg: real.get(arg) or [str(MISSING) if arg.endswith("_id") else SLUG] for arg in rule.arguments}
    return Target(
        rule,
        method,
        filled(reads.query, real),
        filled(reads.form + reads.json, real) if writing else (),
        filled(reads.files, real) if writing else (),
        path,
        known,
    )


def rules_for(app, methods) -> list:
    found = [r for r in app.url_map.iter_rules() if set(methods) & r.methods]
    return sorted(found, key=lambda r: (LAST.index(r.endpoint) if r.endpoint in LAST else -1, r.endpoint))


def unlisted_reads(world: World, real: dict[str, list[str]]) -> list[str]:
    """Names views read that their PARAMS entry does not list."""
    found = []
    for endpoint, seen in sorted(world.app.extensions["test.reads"].items()):
        if not endpoint:  # no route matched: nothing but hooks ran
            continue
        listed = PARAMS.get(endpoint, NOTHING)
        allowed = {
            "query": set(filled(listed.query, real)),
            "form": set(filled(listed.form + listed.files, real)) | ALWAYS_READ,
        }
        for kind, names in seen.items():
            if extra := sorted(names - allowed[kind]):
                found.append(f"{endpoint} reads {kind} {extra}: add them to PARAMS")
    return found


def test_the_table_names_every_route(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not routes - set(PARAMS), f"add to PARAMS: {sorted(routes - set(PARAMS))}"
    assert not set(PARAMS) - routes, f"no such route: {sorted(set(PARAMS) - routes)}"


# What a GET may leave behind: the record that someone looked (the audit log of
# member-level data) and when an app token was last used. Nothing else.
READ_TRACES = {"api_tokens": ("last_used_at",)}
READ_AUDITS = {
    "reports.grid_viewed",
    "reports.exported",
    "reports.printed",
    "reports.reading_review_viewed",
    "study.reflection_read",
    "privacy.exported",
}


def schedule_due_draft(app) -> None:
    """A draft whose publication time has passed: only the scheduler may publish it,
    never a page someone opens (GET /bien-tap once did)."""
    with app.app_context(), get_db(app).transaction() as tx:
        workflow.schedule(tx, Actor.system("test"), factories.editor_form(), utcnow() + timedelta(hours=1))
        tx.execute(
            update(Document)
            .where(Document.slug == "ket-luan-21")
            .values(publish_at=utcnow() - timedelta(minutes=1))
        )


def database_state(app) -> dict[str, list[tuple]]:
    """Every row of every table but the audit log, in key order, minus READ_TRACES."""
    state = {}
    with app.app_context(), get_db(app).reads() as reader:
        for table in metadata.sorted_tables:
            if table.name == "audit_events":
                continue
            columns = [c for c in table.columns if c.name not in READ_TRACES.get(table.name, ())]
            state[table.name] = [
                tuple(row) for row in reader.execute(select(*columns).order_by(*table.primary_key.columns))
            ]
    return state


def audit_actions_since(app, last_id: int) -> set[str]:
    with app.app_context(), get_db(app).reads() as reader:
        return set(reader.scalars(select(AuditEvent.action).where(AuditEvent.id > last_id)))


def last_audit_id(app) -> int:
    with app.app_context(), get_db(app).reads() as reader:
        return reader.scalar(select(func.max(AuditEvent.id))) or 0


def test_no_hostile_get_gets_a_server_error_nor_writes_anything(world):
    started, tally = time.monotonic(), Tally()
    schedule_due_draft(world.app)
    before, audited = database_state(world.app), last_audit_id(world.app)
    for rule in rules_for(world.app, ["GET"]):
        fuzz(world, target(rule, "GET", world.real, world.known), tally)
    assert not tally.failures, tally.report("GET", started)
    after = database_state(world.app)
    assert [name for name in before if before[name] != after[name]] == []
    assert audit_actions_since(world.app, audited) <= READ_AUDITS
    assert not unlisted_reads(world, world.real), "\n".join(unlisted_reads(world, world.real))
    tally.report("GET", started)


def test_no_hostile_form_gets_a_server_error(world):
    started, tally = time.monotonic(), Tally()
    for rule in rules_for(world.app, CHANGING):
        method = next(m for m in CHANGING if m in rule.methods)
        fuzz(world, target(rule, method, world.victims, world.known), tally)
    assert not tally.failures, tally.report("POST", started)
    assert not unlisted_reads(world, world.victims), "\n".join(unlisted_reads(world, world.victims))
    tally.report("POST", started)


def test_the_harness_catches_an_isdigit_parser_and_an_unlisted_read(app):
    """Control: a view that trusts str.isdigit() answers 500 to the probes, and the
    parameter it reads is reported as missing from PARAMS."""

    @public
    def trusting():
        value = request.args.get("n", "")
        return str(int(value) if value.isdigit() else 0)

    app.add_url_rule("/thu-nghiem", "trusting", trusting)
    anon = app.test_client()
    world = World(
        app, dict.fromkeys(ROLES, anon), dict.fromkeys(ROLES, {}), dict.fromkeys(ROLES, ""), {}, {}, ()
    )
    rule, tally = next(r for r in app.url_map.iter_rules() if r.endpoint == "trusting"), Tally()
    fuzz(world, Target(rule, "GET", query=("n",)), tally)
    assert tally.failures[0].startswith("500 GET trusting as anon: /thu-nghiem?n=%C2%B2")
    assert unlisted_reads(world, {}) == ["trusting reads query ['n']: add them to PARAMS"]
