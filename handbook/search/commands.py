"""Search commands: rebuild and check the index, and evaluate retrieval quality."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app

from handbook.app_db import session
from handbook.cli import handbook_cli
from handbook.search import evaluation, health, indexer, storage


def _root() -> Path:
    return Path(current_app.config["SEARCH_INDEX_DIR"])


@handbook_cli.command("reindex")
@click.option(
    "--if-needed", is_flag=True, help="Chỉ dựng lại khi chỉ mục thiếu, cũ hoặc khác phiên bản bộ phân tích."
)
def reindex(if_needed: bool) -> None:
    """Rebuild the search index from the published documents and swap it in."""
    if if_needed and health.check(session(), _root()).ok:
        click.echo("Chỉ mục tìm kiếm đã khớp với cơ sở dữ liệu.")
        return
    count = indexer.rebuild(session(), _root())  # failing, it leaves the live index as it was
    click.echo(f"Đã dựng lại chỉ mục tìm kiếm: {count} mục ({storage.current_name(_root())}).")


@handbook_cli.command("check-index")
def check_index() -> None:
    """Report documents missing from or stale in the index, and queries it cannot
    answer; exit 1 if any."""
    report = health.check(session(), _root())
    if report.generation is None:
        click.echo("Chưa có chỉ mục tìm kiếm: chạy `flask handbook reindex`.")
        raise click.exceptions.Exit(1)
    if report.unreadable:
        click.echo(f"Chỉ mục {report.generation} bị hỏng, không đọc được ({report.unreadable}).")
    if not report.version_ok:
        click.echo("Chỉ mục được dựng bằng phiên bản bộ phân tích khác: cần dựng lại.")
    for label, slugs in (
        ("Thiếu trong chỉ mục", report.missing),
        ("Đã cũ (có phiên bản mới hơn)", report.stale),
        ("Không còn được công bố", report.unexpected),
    ):
        for slug in slugs:
            click.echo(f"  {label}: {slug}")
    for failure in report.failures:
        click.echo(f"  Không trả lời được truy vấn ({failure})")
    click.echo(
        "Chỉ mục khớp với cơ sở dữ liệu." if report.ok else "Chỉ mục cần dựng lại: `flask handbook reindex`."
    )
    if not report.ok:
        raise click.exceptions.Exit(1)


@handbook_cli.command("search-eval")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi kết quả dạng JSON vào tệp này.",
)
def search_eval(corpus: Path, queries: Path, json_out: Path | None) -> None:
    """Score QUERIES against a throw-away index of CORPUS (JSONL, one section a row)."""
    report = evaluation.evaluate(corpus, queries)
    for line in evaluation.describe(report):
        click.echo(line)
    if json_out:
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
