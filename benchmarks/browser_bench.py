"""Pages in a real browser on a phone (issue 10): Debian's headless Chromium driven by
Playwright against the app under gunicorn (2 workers), small demo with a reading history.

Measured with the browser's own timing (navigation, paint and resource timing read
through page.evaluate) on a 360×740 phone: first contentful paint, DOMContentLoaded,
load, bytes transferred (navigation + resources; 0 for what a cache or the service
worker served) and requests, for the library, a long resolution, the longest
document, search results and the secretary's cell grid.

- cold: a fresh context (signed in, but no HTTP cache and no service worker);
- warm: the same context after that visit, once the service worker is installed and
  has synced, the page opened again with page.goto;
- on loopback, and on a weak rural network emulated through CDP (400 kbit/s each
  way, 300 ms latency, CPU 4× slower). The worker's fetches are not the page's: its
  target is throttled as well before the warm visit (its install and first sync,
  between the two visits, run unthrottled).

The peer, loaded the same way in the same rounds, is the offline page /ngoai-tuyen
(the site's stylesheet and a few lines of text): each page's FCP is also given as a
ratio to the peer's. Then the byte budget of the document pages (HTML + CSS, gzip,
under 60 kB) and, from one more loopback visit of each page, the requests the page
and the service worker made."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from itertools import count
from statistics import median

from benchmarks.harness import (
    DEMO_PASSWORD,
    database_file,
    flask_cli,
    gunicorn,
    history_events,
    machine,
    prepared_instance,
)

# The demo cells are of realistic size at "small" (demo.secretary's cell has 15 members;
# about 17 on average at province scale, whose reading history takes minutes to build).
SCALE = "small"
# The reading history as dense as reports_bench's: 1,000,000 events per province.
# Emulated runs vary less (and take longer) than loopback ones.
ROUNDS = {"loopback": 5, "rural": 3}
PEER = ("peer: offline page", "/ngoai-tuyen", "demo.member")
SEARCH = "/tim-kiem?q=bao+ve+nen+tang+tu+tuong"
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
    "service_workers": "allow",
}
RURAL = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 400 * 1024 / 8,
    "uploadThroughput": 400 * 1024 / 8,
}
CPU_SLOWDOWN = 4
NETWORKS = {"loopback": None, "rural": RURAL}
BUDGET_BYTES = 60_000
SETTLE_MS = 8_000

# Run in the page: waits for the load event's end and for the first contentful
# paint (a few seconds at most), then reads the timing entries.
READ_TIMINGS = """async () => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const nav = () => performance.getEntriesByType("navigation")[0];
  const fcp = () => performance.getEntriesByName("first-contentful-paint")[0];
  for (let waited = 0; waited < 5000 && !(nav() && nav().loadEventEnd > 0 && fcp());
       waited += 20) {
    await sleep(20);
  }
  const n = nav();
  const paint = {};
  for (const entry of performance.getEntriesByType("paint")) { paint[entry.name] = entry.startTime; }
  return {
    responseEnd: n.responseEnd, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
    transferSize: n.transferSize, fcp: paint["first-contentful-paint"] ?? null,
    resources: performance.getEntriesByType("resource").map((r) => ({
      name: r.name, transferSize: r.transferSize, blocking: r.renderBlockingStatus })),
  };
}"""

# Run in the page between the cold and the warm visit: the service worker this page
# registered is active and has finished its first sync of the keep-list (its record
# in the page cache exists). Pages that register no worker return at once.
SETTLE = """async (limit) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  if (!("serviceWorker" in navigator)) { return "no worker support"; }
  if (!(await navigator.serviceWorker.getRegistration())) { return "no worker"; }
  const ready = await Promise.race([navigator.serviceWorker.ready.then(() => true),
                                    sleep(limit).then(() => false)]);
  if (!ready) { return "worker not ready"; }
  for (let waited = 0; waited < limit; waited += 50) {
    const cache = await caches.open("handbook-pages-v1");
    if (await cache.match("/ngoai-tuyen/.trang-thai")) { return "synced"; }
    await sleep(50);
  }
  return "worker active, keep-list not synced";
}"""


@dataclass
class Visit:
    """One page load as the browser timed it."""

    html_ms: float
    fcp: float | None
    dcl: float
    load: float
    transferred: int
    requests: int
    resources: list[dict] = field(default_factory=list)


@dataclass
class Target:
    name: str
    path: str
    user: str


def _require_browser():
    executable = shutil.which("chromium")
    if executable is None:
        sys.exit("browser_bench: Chromium is not installed (apt-get install chromium).")
    try:
        from playwright import sync_api
    except ImportError:
        sys.exit("browser_bench: Playwright is not installed (pip install -r requirements-dev.txt).")
    return executable, sync_api


def _database(env: dict) -> sqlite3.Connection:
    return sqlite3.connect(database_file(env))


def choose_targets(env: dict) -> list[Target]:
    """The pages measured, found in the instance: the longest resolution and the longest
    document by rendered body, and demo.secretary's cell grid for the first campaign."""
    with _database(env) as db:
        bodies = (
            "FROM documents d JOIN document_revisions r ON r.id = d.current_revision_id "
            "WHERE d.state = 'published'"
        )
        resolution = db.execute(
            f"SELECT d.slug, d.number {bodies} AND d.doc_type = 'Nghị quyết' "
            "ORDER BY length(r.html) DESC LIMIT 1"
        ).fetchone()
        longest = db.execute(
            f"SELECT d.slug, d.number {bodies} ORDER BY length(r.html) DESC LIMIT 1"
        ).fetchone()
        cell = db.execute(
            "SELECT g.unit_id FROM role_grants g JOIN users u ON u.id = g.user_id "
            "WHERE u.username = 'demo.secretary'"
        ).fetchone()[0]
        campaign = db.execute("SELECT min(id) FROM campaigns").fetchone()[0]
    targets = [
        Target(*PEER),
        Target("library", "/", "demo.member"),
        Target(f"resolution {resolution[1]}", f"/van-ban/{resolution[0]}", "demo.member"),
    ]
    if longest[0] != resolution[0]:
        targets.append(Target(f"longest doc {longest[1]}", f"/van-ban/{longest[0]}", "demo.member"))
    targets += [
        Target("search results", SEARCH, "demo.member"),
        Target("cell grid", f"/bao-cao/chi-bo/{cell}/dot/{campaign}", "demo.secretary"),
    ]
    return targets


def sign_in(browser, base: str, username: str) -> dict:
    """Log in through the login form (demo accounts have no second factor); the
    storage state (cookies) of the signed-in browser."""
    context = browser.new_context(base_url=base, **PHONE)
    page = context.new_page()
    page.goto("/dang-nhap")
    page.fill("#ten_dang_nhap", username)
    page.fill("#mat_khau", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.form-stack button[type=submit]")
    if "/dang-nhap" in page.url:
        raise RuntimeError(f"login as {username} failed (still at {page.url})")
    state = context.storage_state()
    context.close()
    return state


class Throttle:
    """Emulation through CDP: network and CPU for the page, network for its service
    worker, whose fetches are not the page's, so they are throttled on the worker's
    own target (attached through the browser session)."""

    def __init__(self, browser):
        self.browser_cdp = browser.new_browser_cdp_session()
        self.ids = count(1)

    def page(self, context, page, conditions: dict | None):
        cdp = context.new_cdp_session(page)
        if conditions:
            cdp.send("Network.emulateNetworkConditions", conditions)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        return cdp

    def workers(self, page_cdp, conditions: dict | None) -> int:
        if not conditions:
            return 0
        own = page_cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
        targets = self.browser_cdp.send("Target.getTargets")["targetInfos"]
        workers = [t for t in targets if t["type"] == "service_worker" and t.get("browserContextId") == own]
        # Playwright's CDP sessions cannot address a child session, so the worker is
        # attached the old way and spoken to through Target.sendMessageToTarget.
        for worker in workers:
            session = self.browser_cdp.send(
                "Target.attachToTarget", {"targetId": worker["targetId"], "flatten": False}
            )
            for method, params in (("Network.enable", {}), ("Network.emulateNetworkConditions", conditions)):
                message = json.dumps({"id": next(self.ids), "method": method, "params": params})
                self.browser_cdp.send(
                    "Target.sendMessageToTarget", {"sessionId": session["sessionId"], "message": message}
                )
        return len(workers)


def read_visit(page) -> Visit:
    t = page.evaluate(READ_TIMINGS)
    resources = t["resources"]
    return Visit(
        html_ms=t["responseEnd"],
        fcp=t["fcp"],
        dcl=t["dcl"],
        load=t["load"],
        transferred=t["transferSize"] + sum(r["transferSize"] for r in resources),
        requests=1 + len(resources),
        resources=resources,
    )


def visit_pair(
    browser,
    throttle: Throttle,
    base: str,
    state: dict,
    target: Target,
    conditions: dict | None,
    seen: dict | None = None,
) -> tuple[Visit, Visit, str]:
    """Cold then warm visit of one page in one fresh context; the settle status.
    With seen, the context's requests (page and worker) go to seen["cold"] (the visit
    and the worker's work after it) and seen["warm"], as (request, bytes received)."""
    context = browser.new_context(base_url=base, storage_state=state, **PHONE)
    requests: list = []
    try:
        if seen is not None:
            context.on("request", lambda request: requests.append(request))
        page = context.new_page()
        cdp = throttle.page(context, page, conditions)
        page.goto(target.path, wait_until="load")
        _check(page, target)
        cold = read_visit(page)
        settled = page.evaluate(SETTLE, SETTLE_MS)
        if throttle.workers(cdp, conditions) == 0 and conditions and settled != "no worker":
            raise RuntimeError(f"{target.name}: the service worker could not be throttled")
        first_warm = len(requests)
        page.goto(target.path, wait_until="load")
        warm = read_visit(page)
        if seen is not None:
            page.wait_for_timeout(500)  # the worker's writes after the warm visit
            seen["cold"] = [(r, _sizes(r)) for r in requests[:first_warm]]
            seen["warm"] = [(r, _sizes(r)) for r in requests[first_warm:]]
        return cold, warm, settled
    finally:
        context.close()


def _check(page, target: Target) -> None:
    path = page.url.split("://", 1)[1].split("/", 1)[1]
    if "/" + path != target.path:
        raise RuntimeError(f"{target.name}: {target.path} ended at /{path}")


def run_rounds(browser, base: str, states: dict, targets: list[Target]) -> tuple[dict, dict]:
    throttle = Throttle(browser)
    runs: dict[tuple, list[Visit]] = {}
    settled: dict[str, set] = {}
    for round_ in range(max(ROUNDS.values())):
        for network, conditions in NETWORKS.items():
            if round_ >= ROUNDS[network]:
                continue
            for target in targets:
                cold, warm, status = visit_pair(
                    browser, throttle, base, states[target.user], target, conditions
                )
                runs.setdefault((target.name, "cold", network), []).append(cold)
                runs.setdefault((target.name, "warm", network), []).append(warm)
                settled.setdefault(target.name, set()).add(status)
    return runs, settled


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def report_table(runs: dict, targets: list[Target]) -> None:
    print(
        f"\nmedians of {ROUNDS['loopback']} rounds on loopback, {ROUNDS['rural']} on the rural "
        f"network ({RURAL['downloadThroughput'] * 8 / 1024:.0f} kbit/s each way, "
        f"{RURAL['latency']} ms latency, CPU {CPU_SLOWDOWN}× slower: CDP emulation)"
    )
    print(
        "HTML = the document received (responseEnd); KiB and req = navigation + resources "
        "as the page's timing reports them (0 bytes when served by a cache or the worker)"
    )
    print(
        f"{'page':<26}{'cache':<6}{'network':<9}{'HTML ms':>8}{'FCP ms':>8}{'DCL ms':>8}"
        f"{'load ms':>8}{'KiB':>7}{'req':>4}{'FCP/peer':>9}"
    )
    for network in NETWORKS:
        for cache in ("cold", "warm"):
            peer = runs[(PEER[0], cache, network)]
            for target in targets:
                visits = runs[(target.name, cache, network)]
                fcps = [v.fcp for v in visits if v.fcp is not None]
                ratios = [
                    v.fcp / p.fcp for v, p in zip(visits, peer, strict=True) if v.fcp is not None and p.fcp
                ]
                print(
                    f"{target.name:<26}{cache:<6}{network:<9}"
                    f"{_ms(median(v.html_ms for v in visits)):>8}"
                    f"{_ms(median(fcps) if fcps else None):>8}"
                    f"{_ms(median(v.dcl for v in visits)):>8}"
                    f"{_ms(median(v.load for v in visits)):>8}"
                    f"{median(v.transferred for v in visits) / 1024:>7.1f}"
                    f"{median(v.requests for v in visits):>4.0f}"
                    f"{(f'{median(ratios):.2f}×' if ratios else '–'):>9}"
                )
                missing = len(visits) - len(fcps)
                if missing:
                    print(f"{'':<26}(no first-contentful-paint entry in {missing} of {len(visits)})")


def budget(browser, base: str, state: dict, targets: list[Target]) -> None:
    """HTML + CSS of each document page, as served and gzip-compressed (level 6)."""
    print(f"\nbyte budget: a document page's HTML + CSS, compressed, under {BUDGET_BYTES:,} bytes")
    context = browser.new_context(base_url=base, storage_state=state, **PHONE)
    try:
        for target in targets:
            if not target.path.startswith("/van-ban/"):
                continue
            html = context.request.get(target.path).body()
            sheets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
            css = b"".join(context.request.get(href.decode()).body() for href in sheets)
            html_z, css_z = len(gzip.compress(html, 6)), len(gzip.compress(css, 6))
            total = html_z + css_z
            verdict = "ok" if total < BUDGET_BYTES else "OVER"
            print(
                f"  {target.name:<24} HTML {len(html):>7,} → {html_z:>6,} gzip; "
                f"CSS {len(css):>6,} → {css_z:>6,} gzip; total {total:>6,} B: {verdict} "
                f"({total / BUDGET_BYTES:.0%} of budget; served uncompressed: "
                f"{len(html) + len(css):,} B)"
            )
    finally:
        context.close()


def requests_seen(browser, base: str, states: dict, targets: list[Target]) -> None:
    """One more loopback cold + warm visit per page, listing what the page and the
    service worker requested (the worker's requests are not in the page's timing)."""
    from playwright.sync_api import Error

    print(
        "\nrequests of one more loopback visit (KiB as received; page = the page's own, "
        "worker = the service worker's: precache, keep-list sync, pages it fetches):"
    )
    throttle = Throttle(browser)
    for target in targets:
        seen: dict[str, list] = {}
        cold, warm, status = visit_pair(browser, throttle, base, states[target.user], target, None, seen=seen)
        blocking = [_short(r["name"]) for r in cold.resources if r["blocking"] == "blocking"]
        print(f"  {target.name} (worker: {status}; render-blocking: {', '.join(blocking) or 'none'})")
        for cache, requests in seen.items():
            by_page, by_worker = [], []
            for request, size in requests:
                try:
                    request.frame  # noqa: B018 - raises for a service worker's request
                    by_page.append((request, size))
                except Error:
                    by_worker.append((request, size))
            print(f"    {cache} page:   {_listing(by_page)}")
            print(f"    {cache} worker: {_listing(by_worker)}")
        served = [f"{_short(r['name'])} ({r['delivery'] or 'network'})" for r in warm.resources]
        print(f"    warm, the page's resources came from: {', '.join(served) or 'none'}")


def _short(url: str) -> str:
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return "/" + re.sub(r"\?v=[0-9a-f]+$", "", path)


def _sizes(request) -> int:
    """Response headers + body bytes as received (0 if it never completed)."""
    try:
        sizes = request.sizes()
    except Exception:  # failed or cancelled: no sizes
        return 0
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


def _listing(requests: list) -> str:
    if not requests:
        return "none"
    names: dict[str, list[int]] = {}
    total = 0
    for request, size in requests:
        total += size
        names.setdefault(_short(request.url), []).append(size)
    parts = [f"{name}{f' ×{len(s)}' if len(s) > 1 else ''} {sum(s) / 1024:.1f}" for name, s in names.items()]
    return f"{len(requests)} requests, {total / 1024:.1f} KiB: " + "; ".join(parts)


def main() -> None:
    executable, sync_api = _require_browser()
    # Playwright reports a service worker's requests only with this set (Chromium).
    os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
    print(f"# Browser benchmark — {machine()}")
    started = time.perf_counter()
    from handbook.accounts.demo import SCALES

    events = history_events(SCALES[SCALE].members)
    with prepared_instance(SCALE) as env:
        history = flask_cli(env, "demo-history", "--events", str(events)).strip()
        targets = choose_targets(env)
        with gunicorn("wsgi:app", env, workers=2) as base, sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
            print(
                f"Chromium {browser.version}, Playwright {_playwright_version()}; demo '{SCALE}' — {history}"
            )
            states = {user: sign_in(browser, base, user) for user in sorted({t.user for t in targets})}
            for target in targets:
                print(f"  {target.name:<26} {target.path} (as {target.user})")
            runs, settled = run_rounds(browser, base, states, targets)
            report_table(runs, targets)
            budget(browser, base, states["demo.member"], targets)
            requests_seen(browser, base, states, targets)
            browser.close()
    unsettled = {name: s for name, s in settled.items() if s - {"synced", "no worker"}}
    if unsettled:
        print(f"\nservice worker not settled before some warm visits: {unsettled}")
    print(f"\n({time.perf_counter() - started:.0f} s in all)")


def _playwright_version() -> str:
    from importlib.metadata import version

    return version("playwright")


if __name__ == "__main__":
    main()
