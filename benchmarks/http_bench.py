"""Pages vs the framework's ceiling, all under gunicorn with 2 workers, as a
logged-in member (every page needs a login).

Targets: a document page at ≥ 40 % of the "hello" requests per second (issue 2);
the search page ≥ 200 requests per second for short queries (issue 3).

A second peer, "signed-in floor", is about the cheapest answer a member can get:
the empty search suggestion, which does little but pass the gate every page
passes (signed session cookie, the one principal query, security headers). No
signed-in page can be much faster. Runs alternate between endpoints so machine noise
hits all alike."""

from __future__ import annotations

from statistics import median
from urllib.parse import quote

from benchmarks.accounts_bench import login_cookie
from benchmarks.harness import gunicorn, machine, prepared_instance, wrk

ROUNDS = 3
DOCUMENT = "/van-ban/nghi-quyet-35-nq-tw"
FLOOR = "/tim-kiem/goi-y?q="
SHORT_QUERIES = (
    "dang vien khong duoc lam",
    "nghị quyết 35",
    "sinh hoạt chi bộ",
    "mang xa hoi",
    "35-NQ/TW",
    "kỷ luật đảng viên",
)


def main() -> None:
    print(f"# HTTP benchmark — {machine()}")
    with (
        prepared_instance() as env,
        gunicorn("benchmarks.hello_app:app", env) as hello,
        gunicorn("wsgi:app", env) as handbook,
    ):
        cookie = {"Cookie": login_cookie(handbook)}
        targets = {
            "hello": hello + "/hello",
            "signed-in floor": handbook + FLOOR,
            "document page": handbook + DOCUMENT,
            "library page": handbook + "/",
        }
        for query in SHORT_QUERIES:
            targets[f"search {query}"] = handbook + "/tim-kiem?q=" + quote(query)
        for url in targets.values():
            wrk(url, seconds=1, headers=cookie)
        runs = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, url in targets.items():
                runs[name].append(wrk(url, seconds=4, headers=cookie))
    ceiling = median(r["rps"] for r in runs["hello"])
    floor = median(r["rps"] for r in runs["signed-in floor"])
    print(f"{'endpoint':<36}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}{'% hello':>9}{'% floor':>9}")
    for name, results in runs.items():
        rps = median(r["rps"] for r in results)
        p50 = median(r["p50"] for r in results)
        p99 = median(r["p99"] for r in results)
        errors = sum(r["errors"] for r in results)
        print(
            f"{name:<36}{rps:>8.0f}{p50:>8.1f}{p99:>8.1f}{errors:>8}{rps / ceiling:>9.0%}{rps / floor:>9.0%}"
        )


if __name__ == "__main__":
    main()
