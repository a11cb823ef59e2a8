"""Everyday lifecycles on one node and on two (issue 17).

1. Edit → searchable: an editor corrects published documents again and again (each
   edit leaves deleted entries in the index) while wrk keeps both nodes' search busy;
   each edit is timed from "Xuất bản" until a search finds the new word and no longer
   the old one, on the publishing node and on the other node. Target: p95 ≤ 2 s.
2. Scheduled publication: 20 drafts fall due at staggered times and nobody opens any
   page; each is timed from its due time until a search finds it, first with one node
   serving, then with two. Target: p95 ≤ 60 s late, each published exactly once.

The two nodes are two gunicorn servers (2 workers each, gunicorn.conf.py) on one
SQLite file, each with its own index replica, as a fresh clone can run them."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from statistics import median

from benchmarks.accounts_bench import _login, login_cookie
from benchmarks.harness import (
    USER_AGENT,
    database_file,
    flask_cli,
    gunicorn,
    machine,
    prepared_instance,
)

DOCUMENTS, EDITS_EACH = 5, 4
SCHEDULES = 20
STAGGER_S = 0.7
EDIT_TARGET_S, LATE_TARGET_S = 2.0, 60.0
POLL_S = 0.05
GIVE_UP_S = 90.0
LOAD_URL = "/tim-kiem?q=" + urllib.parse.quote("nghị quyết đảng viên")


def _form(slug: str, number: str, word: str, csrf: str, action: str, revision: str) -> bytes:
    return urllib.parse.urlencode(
        {
            "csrf_token": csrf,
            "hanh_dong": action,
            "phien_ban": revision,
            "slug": slug,
            "so_hieu": number,
            "loai": "Kết luận",
            "tieu_de": f"Kết luận thử vòng đời {number}",
            "co_quan_ban_hanh": "Ban Bí thư",
            "ngay_ban_hanh": "2025-06-01",
            "trich_yeu": "Văn bản dùng để đo vòng đời xuất bản.",
            "hieu_luc": "in_force",
            "tu_khoa": "đo thời gian",
            "xuat_ban_luc": "2099-01-01T08:00",
            "noi_dung": f"Mở đầu.\n\n## Phần I. Nội dung\n\nTừ khóa riêng {word} để tìm.\n",
            "ghi_chu": "",
        }
    ).encode()


class Editor:
    def __init__(self, base: str) -> None:
        ok, jar = _login(base, "demo.editor")
        if not ok:
            raise RuntimeError("login as demo.editor failed")
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    def submit(self, path: str, **fields) -> None:
        page = self.opener.open(self.base + path, timeout=30).read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        try:
            self.opener.open(self.base + path, data=_form(csrf=csrf, **fields), timeout=30)
        except urllib.error.HTTPError as answer:
            if answer.code not in (302, 303):
                raise RuntimeError(f"{path} answered {answer.code}") from None


def found(base: str, cookie: str, word: str) -> bool:
    request = urllib.request.Request(
        f"{base}/tim-kiem.json?q={word}", headers={"Cookie": cookie, "User-Agent": USER_AGENT}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["total"] > 0


def until(condition, since: float) -> float:
    while not condition():
        if time.perf_counter() - since > GIVE_UP_S:
            raise RuntimeError(f"not done after {GIVE_UP_S} s")
        time.sleep(POLL_S)
    return time.perf_counter() - since


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def describe(label: str, samples: list[float], target: float) -> None:
    print(f"{label}: median {median(samples):.2f} s, p95 {p95(samples):.2f} s, max {max(samples):.2f} s")
    print(f"  [{'ok' if p95(samples) <= target else 'FAIL'}] p95 <= {target} s")


def word(tag: str) -> str:
    return f"zqv{tag}x{int(time.time() * 1000) % 10**6}"


def edits(nodes: list[tuple[str, str]], editor: Editor) -> dict[str, list[float]]:
    """Seconds from each edit until every node finds the new word and not the old."""
    samples: dict[str, list[float]] = {"publishing node": [], "other node": []}
    for d in range(DOCUMENTS):
        slug, number, old = f"ket-luan-vong-doi-{d}", f"{800 + d}-KL/TW", word(f"d{d}")
        editor.submit("/bien-tap/moi", slug=slug, number=number, word=old, action="xuat-ban", revision="")
        until(lambda old=old: all(found(base, cookie, old) for base, cookie in nodes), time.perf_counter())
        for revision in range(1, EDITS_EACH + 1):
            new = word(f"d{d}r{revision}")
            started = time.perf_counter()
            editor.submit(
                f"/bien-tap/van-ban/{slug}",
                slug=slug,
                number=number,
                word=new,
                action="xuat-ban",
                revision=str(revision),
            )
            for (base, cookie), label in zip(nodes, samples, strict=False):
                samples[label].append(
                    until(
                        lambda base=base, cookie=cookie, new=new, old=old: found(base, cookie, new)
                        and not found(base, cookie, old),
                        started,
                    )
                )
            old = new
    return samples


def schedules(
    env: dict, nodes: list[tuple[str, str]], editor: Editor, tag: str, first_number: int
) -> tuple[list[float], dict[str, int]]:
    """Seconds late, from each due time until a search on the last node finds it, and
    how many times each was published."""
    planned = []
    for i in range(SCHEDULES):
        slug, token = f"ket-luan-hen-{tag}-{i}", word(f"{tag}s{i}")
        editor.submit(
            "/bien-tap/moi",
            slug=slug,
            number=f"{first_number + i}-KL/TW",
            word=token,
            action="hen-gio",
            revision="",
        )
        planned.append((slug, token))
    first_due = datetime.now(UTC) + timedelta(seconds=3)
    with sqlite3.connect(database_file(env)) as db:
        for i, (slug, _token) in enumerate(planned):
            due = first_due + timedelta(seconds=i * STAGGER_S)
            db.execute(
                "UPDATE documents SET publish_at = ? WHERE slug = ?",
                (due.strftime("%Y-%m-%d %H:%M:%S.%f"), slug),
            )
    zero = time.perf_counter() - (datetime.now(UTC) - first_due).total_seconds()
    base, cookie = nodes[-1]
    late = []
    for i, (_slug, token) in enumerate(planned):
        due = zero + i * STAGGER_S
        while not found(base, cookie, token):
            if time.perf_counter() - due > GIVE_UP_S:
                raise RuntimeError(f"schedule {i} not published after {GIVE_UP_S} s")
            time.sleep(POLL_S)
        late.append(time.perf_counter() - due)
    with sqlite3.connect(database_file(env)) as db:
        counts = dict(
            db.execute(
                "SELECT d.slug, count(a.id) FROM documents d LEFT JOIN audit_events a "
                "ON a.target_id = d.id AND a.action = 'document.publish' "
                "WHERE d.slug LIKE ? GROUP BY d.slug",
                (f"ket-luan-hen-{tag}-%",),
            )
        )
    return late, counts


def second_node(env: dict, workdir_suffix: str = "-node-b") -> dict:
    other = {**env, "HANDBOOK_SEARCH_INDEX_DIR": env["HANDBOOK_SEARCH_INDEX_DIR"] + workdir_suffix}
    flask_cli(other, "reindex")  # the deploy step: build the node's own replica
    return other


def main() -> None:
    print(f"# Lifecycle benchmark — {machine()}")
    with prepared_instance() as env, ExitStack() as stack:
        base_a = stack.enter_context(gunicorn("wsgi:app", env))
        editor = Editor(base_a)
        one = [(base_a, login_cookie(base_a, "demo.member"))]
        late_one, counts_one = schedules(env, one, editor, "a", 700)
        env_b = second_node(env)
        base_b = stack.enter_context(gunicorn("wsgi:app", env_b))
        nodes = [*one, (base_b, login_cookie(base_b, "demo.member"))]
        late_two, counts_two = schedules(env, nodes, editor, "b", 750)
        loads = [
            subprocess.Popen(
                [
                    "wrk",
                    "-t1",
                    "-c4",
                    "-d300s",
                    "-H",
                    f"Cookie: {cookie}",
                    "-H",
                    f"User-Agent: {USER_AGENT}",
                    base + LOAD_URL,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for base, cookie in nodes
        ]
        try:
            time.sleep(1)
            searchable = edits(nodes, editor)
        finally:
            for load in loads:
                load.terminate()
                load.wait(timeout=10)
    total = DOCUMENTS * EDITS_EACH
    print(f"{total} edits of published documents under search load (wrk, 4 connections a node):")
    describe("  edit → searchable on the publishing node", searchable["publishing node"], EDIT_TARGET_S)
    describe("  edit → searchable on the other node", searchable["other node"], EDIT_TARGET_S)
    for label, late, counts in (("one node", late_one, counts_one), ("two nodes", late_two, counts_two)):
        describe(
            f"{SCHEDULES} scheduled publications, {label}, seconds late until searchable", late, LATE_TARGET_S
        )
        once = sum(1 for n in counts.values() if n == 1)
        print(
            f"  [{'ok' if once == SCHEDULES == len(counts) else 'FAIL'}] published exactly "
            f"once: {once}/{SCHEDULES}"
        )


if __name__ == "__main__":
    main()
