"""Journey: members study, the operator backs up (`flask handbook backup`), members go
on studying and editors publish, then the operator stops the service, restores the
backup (`flask handbook restore`) and starts it again. Everything must be as it was
at backup time: what search finds, what the pages publish, every report and every
member's own figures."""

from __future__ import annotations

import time
from pathlib import Path

import pyotp
import pytest
from sqlalchemy.orm import close_all_sessions

from handbook import migrate
from handbook.accounts import totp
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.search import indexer
from tests import factories
from tests.conftest import app_config, login
from tests.journeys import actions, readers
from tests.unit.study.helpers import make_campaign

STUDIED, HALF_READ = "quy-dinh-37", "nghi-quyet-35"
AN, HOA, BINH, CUONG = "Nguyễn Văn An", "Lê Thị Hoa", "Tran Thi Binh", "Le Van Cuong"
NEW_DOCUMENT = "ket-luan-21"  # factories.editor_post: "Kiên quyết ngăn chặn suy thoái tư tưởng."
LATE_SENTENCE = "Không được lãng phí của công."
LATE_PHRASE = '"lãng phí của công"'
NOTHING = {"campaign": "0% (0/2)", "overall": "0%", "documents": ["not_started"] * 2}
WEB_TESTING = {"TESTING": True, "WTF_CSRF_ENABLED": False}


@pytest.fixture
def app(tmp_path, content_dir):
    """Backup and restore work on SQLite files (tests/unit/maintenance): this journey
    runs on SQLite whatever database the rest of the suite uses."""
    made = create_app(app_config(tmp_path, content_dir, **WEB_TESTING))
    migrate.upgrade(made)
    yield made
    close_all_sessions()
    get_db(made).engine.dispose()


@pytest.fixture
def restart(tmp_path, content_dir):
    """Start the service again on the same files, as the operator does after a restore."""
    started = []

    def start():
        started.append(create_app(app_config(tmp_path, content_dir, **WEB_TESTING)))
        return started[-1]

    yield start
    for made in started:
        get_db(made).engine.dispose()


@pytest.fixture
def campaign(library, tree):
    return make_campaign(
        library, [tree.grassroots], [STUDIED, HALF_READ], title="Học tập Quy định 37 và Nghị quyết 35"
    )


@pytest.fixture
def hoa(library, tree):
    return factories.make_user(library, "le.thi.hoa", cell=tree.cell_b, full_name=HOA)


def sign_in(app, member, hoa, role_users, again: bool = False) -> dict:
    """Everyone's clients. Signing in `again` uses the next one-time code: the one of this
    half-minute is already spent (the restored database remembers it)."""
    clients = {
        "member": login(app.test_client(), member.username),
        "hoa": login(app.test_client(), hoa.username),
        "api": app.test_client(),
    }
    for name in ("committee", "editor"):
        user, secret = role_users[name]
        client = app.test_client()
        client.post("/dang-nhap", data={"ten_dang_nhap": user.username, "mat_khau": factories.PASSWORD})
        code = pyotp.TOTP(secret).at(time.time() + (totp.STEP_SECONDS if again else 0))
        assert client.post("/dang-nhap/xac-thuc", data={"ma": code}).status_code == 302
        clients[name] = client
    clients["bearer"] = actions.api_headers(app, member.id)
    clients["committee_bearer"] = actions.api_headers(app, role_users["committee"][0].id)
    return clients


def study_at_backup_time(people) -> None:
    """An has studied Quy định 37 and read half of Nghị quyết 35; Hoa read a quarter of 37."""
    actions.study(people["member"], STUDIED)
    actions.read(people["member"], HALF_READ, count=1)
    actions.read(people["hoa"], STUDIED, count=1)


def changes_after_backup(people) -> None:
    """Both members finish a document, an editor publishes a new one and corrects 37."""
    actions.study(people["member"], HALF_READ)
    actions.study(people["hoa"], STUDIED)
    actions.publish_new(people["editor"], factories.editor_post(slug=NEW_DOCUMENT))
    actions.publish_edit(people["editor"], STUDIED, noi_dung=lambda body: body + f"\n{LATE_SENTENCE}\n")


AT_BACKUP = {
    "grid": {
        AN: {"campaign": "50% (1/2)", "overall": "50%", "documents": ["done", "studying 50%"]},
        BINH: NOTHING,
        HOA: {"campaign": "0% (0/2)", "overall": "0%", "documents": ["studying 25%", "not_started"]},
        CUONG: NOTHING,
    },
    "rollup": {
        "Chi bộ ấp 1": (2, 0, 1, 1, "0%"),
        "Chi bộ ấp 2": (2, 0, 1, 1, "0%"),
        "Cộng": (4, 0, 2, 2, "0%"),
    },
    "csv": {
        AN: ("Chi bộ ấp 1", "1", "2", "50", "Đang học"),
        BINH: ("Chi bộ ấp 1", "0", "2", "0", "Chưa học"),
        HOA: ("Chi bộ ấp 2", "0", "2", "0", "Đang học"),
        CUONG: ("Chi bộ ấp 2", "0", "2", "0", "Chưa học"),
    },
    "an": ("50% (1/2)", {STUDIED: "done", HALF_READ: "50% (1/2)"}),
    "hoa": ("0% (0/2)", {STUDIED: "25% (1/4)", HALF_READ: "0% (0/2)"}),
}
AFTER_CHANGES = {
    "rollup": {
        "Chi bộ ấp 1": (2, 1, 0, 1, "50%"),
        "Chi bộ ấp 2": (2, 0, 1, 1, "0%"),
        "Cộng": (4, 1, 1, 2, "25%"),
    },
    "an": ("100% (2/2)", {STUDIED: "done", HALF_READ: "done"}),
}


def _own(campaign, figures: tuple) -> dict:
    overall, documents = figures
    return {"overall": overall, "campaigns": {campaign.id: {"progress": overall, "documents": documents}}}


def _grid(people, tree, campaign) -> dict:
    committee = people["committee"]
    return {
        **readers.grid(committee, tree.cell_a.id, campaign.id),
        **readers.grid(committee, tree.cell_b.id, campaign.id),
    }


def _api_grid(people, tree, campaign) -> dict:
    api, auth = people["api"], people["committee_bearer"]
    return {
        **readers.api_grid(api, auth, tree.cell_a.id, campaign.id),
        **readers.api_grid(api, auth, tree.cell_b.id, campaign.id),
    }


@pytest.fixture
def restored(library, runner, restart, tmp_path, tree, campaign, member, hoa, role_users):
    """The whole journey up to the restarted service; returns its signed-in clients."""
    actions.build_index(library)
    before = sign_in(library, member, hoa, role_users)
    study_at_backup_time(before)
    saved = tmp_path / "sao-luu" / "truoc-khi-sua.db"
    done = runner.invoke(args=["handbook", "backup", str(saved)])
    assert done.exit_code == 0, done.output
    changes_after_backup(before)
    # The changes are live: the restore has something to undo.
    assert readers.found_documents(before["member"], "suy thoái") == [NEW_DOCUMENT]
    assert readers.found_documents(before["member"], LATE_PHRASE) == [STUDIED]
    assert readers.rollup(before["committee"], tree.grassroots.id, campaign.id) == AFTER_CHANGES["rollup"]
    assert readers.my_study(before["member"]) == _own(campaign, AFTER_CHANGES["an"])

    done = runner.invoke(args=["handbook", "restore", str(saved), "--yes"])
    assert done.exit_code == 0, done.output
    assert "Đã dựng lại chỉ mục tìm kiếm" in done.output
    app = restart()
    return app, sign_in(app, member, hoa, role_users, again=True)


def test_search_finds_what_the_restored_database_publishes(restored):
    app, people = restored
    reader = people["member"]
    assert readers.found_documents(reader, "suy thoái") == []
    assert reader.get(f"/van-ban/{NEW_DOCUMENT}").status_code == 404
    assert readers.found_documents(reader, LATE_PHRASE) == []
    assert LATE_SENTENCE not in reader.get(f"/van-ban/{STUDIED}").get_data(as_text=True)
    assert readers.found_documents(reader, '"chống đối"') == [STUDIED]
    assert readers.found_documents(reader, "Điều 5 nhiệm vụ")[0] == HALF_READ
    with app.app_context(), get_db(app).reads() as reads:
        assert indexer.check(reads, Path(app.config["SEARCH_INDEX_DIR"])).ok


def test_reports_are_as_at_backup_time(restored, tree, campaign):
    _, people = restored
    assert _grid(people, tree, campaign) == AT_BACKUP["grid"]
    assert _api_grid(people, tree, campaign) == AT_BACKUP["grid"]
    committee = people["committee"]
    assert readers.rollup(committee, tree.grassroots.id, campaign.id) == AT_BACKUP["rollup"]
    assert (
        readers.api_rollup(people["api"], people["committee_bearer"], tree.grassroots.id, campaign.id)
        == AT_BACKUP["rollup"]
    )
    members, summary = readers.exports(committee, tree.grassroots.id, campaign.id)
    assert members == AT_BACKUP["csv"]
    assert summary == {"Chi bộ ấp 1": (2, 0, 1, 1, "0%"), "Chi bộ ấp 2": (2, 0, 1, 1, "0%")}


def test_members_see_their_figures_as_at_backup_time(restored, campaign):
    _, people = restored
    assert readers.my_study(people["member"]) == _own(campaign, AT_BACKUP["an"])
    assert readers.api_study(people["api"], people["bearer"]) == _own(campaign, AT_BACKUP["an"])
    assert readers.my_study(people["hoa"]) == _own(campaign, AT_BACKUP["hoa"])
    assert readers.document_panel(people["member"], HALF_READ) == "1/2 (50%)"
    assert readers.history(people["hoa"]) == {}


def test_after_the_restore_members_study_on_from_there(restored, tree, campaign):
    _, people = restored
    assert readers.my_study(people["member"])["overall"] == "50% (1/2)"
    actions.study(people["member"], HALF_READ)
    assert readers.my_study(people["member"])["overall"] == "100% (2/2)"
    assert readers.rollup(people["committee"], tree.grassroots.id, campaign.id) == AFTER_CHANGES["rollup"]
