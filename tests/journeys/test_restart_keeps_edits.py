"""Journey: `make run` started twice, an editor's correction published in the browser in
between, serves the correction; a file edited meanwhile too is a reported conflict
that keeps the correction; `export-content` brings it back into `content/`, after
which the start-up is clean and a reviewed file change imports again.

Each start is a new app over the same database, index and content folder, running
the `flask handbook …` lines of the Makefile's `run` target in order and stopping
at the first that fails, as make does."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from handbook.app import create_app
from handbook.app_db import get_db
from tests.conftest import app_config, login
from tests.journeys import actions
from tests.web.api.conftest import BASE, bearer, sign_in

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
SLUG = "quy-dinh-37"
WRONG = "Đảng viên không được nói, viết, làm trái Cương lĩnh chính trị và Điều lệ Đảng."
CORRECTED = (
    "Đảng viên không được nói, viết, làm trái Cương lĩnh chính trị, Điều lệ Đảng; phải giữ gìn sự liêm khiết."
)
FILE_ADDITION = "Chi bộ kiểm điểm việc thực hiện quy định này hằng năm."
# Words found in no other text of the test library: a hit is the new text's.
CORRECTED_QUERY, ADDITION_QUERY = "liêm khiết", "kiểm điểm hằng năm"


def startup_commands() -> list[list[str]]:
    """The arguments of every `flask handbook …` line of `make run`, in order, up to,
    not including, the server (`serve`)."""
    recipe = MAKEFILE.read_text(encoding="utf-8").split("\nrun: $(STAMP)\n", 1)[1]
    lines = itertools.takewhile(lambda line: line.startswith("\t"), recipe.split("\n"))
    commands = [line.split("flask handbook ", 1)[1].split() for line in lines if "flask handbook " in line]
    assert commands[-1][0] == "serve", "make run no longer ends by serving"
    return commands[:-1]


@dataclass
class Start:
    app: Flask
    outputs: dict[str, str]  # command → what it printed
    stopped_at: str | None  # the command that failed, if one did

    def password(self, username: str) -> str:
        """The demo account's password as `demo` printed it (it sets new ones each run)."""
        return re.search(rf"{re.escape(username)}\t(\S+)", self.outputs["demo"]).group(1)


@pytest.fixture
def start(tmp_path, content_dir):
    """`make run` (HANDBOOK_ENV_NAME=development) up to, not including, the server."""
    apps = []

    def run() -> Start:
        app = create_app(
            app_config(tmp_path / "instance", content_dir, ENV_NAME="development", WTF_CSRF_ENABLED=False)
        )
        apps.append(app)
        runner, outputs = app.test_cli_runner(), {}
        for args in startup_commands():
            result = runner.invoke(args=["handbook", *args])
            outputs[args[0]] = result.output
            if result.exit_code != 0:
                return Start(app, outputs, args[0])
        return Start(app, outputs, None)

    (tmp_path / "instance").mkdir()
    yield run
    for app in apps:
        get_db(app).engine.dispose()


def signed_in(started: Start, username: str):
    return login(started.app.test_client(), username, started.password(username))


def served(started: Start, text: str, query: str) -> dict[str, bool]:
    """Whether a member finds `text` on the page and in the API, and the document by
    searching `query`."""
    member = signed_in(started, "demo.member")
    api = started.app.test_client()
    token = sign_in(api, "demo.member", started.password("demo.member")).get_json()["token"]
    document = api.get(f"{BASE}/documents/{SLUG}", headers=bearer(token)).get_json()
    found = member.get("/tim-kiem", query_string={"q": query}).get_data(as_text=True)
    return {
        "page": text in member.get(f"/van-ban/{SLUG}").get_data(as_text=True),
        "search": f"/van-ban/{SLUG}" in found,
        "api": text in document["html"],
    }


EVERYWHERE = {"page": True, "search": True, "api": True}
NOWHERE = dict.fromkeys(EVERYWHERE, False)


def test_restarting_make_run_keeps_what_editors_published(start, content_dir):
    assert ["import-content"] in startup_commands()
    first = start()
    assert first.stopped_at is None, first.outputs
    assert served(first, CORRECTED, CORRECTED_QUERY) == NOWHERE
    editor = signed_in(first, "demo.editor")
    page = editor.get(f"/bien-tap/van-ban/{SLUG}").get_data(as_text=True)
    text = dict(actions.form_fields(page))["noi_dung"]
    assert WRONG in text
    actions.publish_edit(editor, SLUG, noi_dung=text.replace(WRONG, CORRECTED))

    second = start()
    assert second.stopped_at is None, second.outputs
    assert served(second, CORRECTED, CORRECTED_QUERY) == EVERYWHERE
    assert not served(second, WRONG, CORRECTED_QUERY)["page"]
    assert "giữ bản trong ứng dụng: 1, xung đột: 0" in second.outputs["import-content"]

    path = content_dir / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{FILE_ADDITION}\n", encoding="utf-8")
    third = start()
    assert third.stopped_at == "import-content"
    report = third.outputs["import-content"]
    assert f"XUNG ĐỘT {SLUG}.md" in report and "phiên bản 2 do demo.editor" in report
    # make stopped there; the instance started before still serves the correction.
    assert served(second, CORRECTED, CORRECTED_QUERY) == EVERYWHERE

    export = third.app.test_cli_runner().invoke(args=["handbook", "export-content", str(content_dir)])
    assert export.exit_code == 0, export.output
    assert CORRECTED in path.read_text(encoding="utf-8")
    fourth = start()
    assert fourth.stopped_at is None, fourth.outputs
    assert (
        "có phiên bản mới: 0, không đổi: 3, giữ bản trong ứng dụng: 0, xung đột: 0, lỗi: 0"
        in fourth.outputs["import-content"]
    )
    assert served(fourth, FILE_ADDITION, ADDITION_QUERY) == NOWHERE  # the export replaced it

    # The reviewed file change, merged into the exported text, comes in as a new revision.
    path.write_text(path.read_text(encoding="utf-8") + f"\n{FILE_ADDITION}\n", encoding="utf-8")
    fifth = start()
    assert fifth.stopped_at is None, fifth.outputs
    assert "có phiên bản mới: 1" in fifth.outputs["import-content"]
    assert served(fifth, FILE_ADDITION, ADDITION_QUERY) == EVERYWHERE
    assert served(fifth, CORRECTED, CORRECTED_QUERY) == EVERYWHERE
