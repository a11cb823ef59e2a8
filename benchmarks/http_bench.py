"""Document page vs the framework's ceiling, both under gunicorn with 2 workers.

Target (issue 2): a document page at ≥ 40 % of the "hello" requests per second.
Runs alternate between the two so machine noise hits both alike."""

from __future__ import annotations

from statistics import median

from benchmarks.harness import gunicorn, machine, prepared_instance, wrk

ROUNDS = 3
DOCUMENT = "/van-ban/nghi-quyet-35-nq-tw"


def main() -> None:
    print(f"# HTTP benchmark — {machine()}")
    with prepared_instance() as env, gunicorn("benchmarks.hello_app:app", env) as hello, \
            gunicorn("wsgi:app", env) as handbook:
        targets = {"hello": hello + "/hello", "document page": handbook + DOCUMENT,
                   "library page": handbook + "/"}
        for url in targets.values():
            wrk(url, seconds=2)
        runs = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, url in targets.items():
                runs[name].append(wrk(url))
    ceiling = median(r["rps"] for r in runs["hello"])
    print(f"{'endpoint':<16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'% hello':>10}")
    for name, results in runs.items():
        rps = median(r["rps"] for r in results)
        p50 = median(r["p50"] for r in results)
        p99 = median(r["p99"] for r in results)
        errors = sum(r["errors"] for r in results)
        print(f"{name:<16}{rps:>10.0f}{p50:>10.1f}{p99:>10.1f}{errors:>8}{rps / ceiling:>10.0%}")


if __name__ == "__main__":
    main()
