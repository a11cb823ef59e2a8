"""The house's structure, checked (issue 19): no import circle anywhere in handbook/,
and services that import without the web layer. The layers themselves are the
contract in .importlinter, which `make test` runs (lint-imports)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
SERVICES = (
    "handbook.study.progress",
    "handbook.search.service",
    "handbook.reports.figures",
    "handbook.content.library",
)
WEB = ("flask", "flask_login", "flask_wtf")


def _circles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter = counter + 1
        stack.append(start), on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter = counter + 1
                    stack.append(child), on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while (member := stack.pop()) != node:
                    on_stack.discard(member), group.append(member)
                on_stack.discard(node)
                if group:
                    found.append(sorted([node, *group]))
    return found


def test_no_module_imports_itself_through_others():
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph("handbook", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    """The check above could pass by finding nothing: it must see a planted circle."""

    class Planted:
        modules = {"a", "b", "c", "d"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges[module]

    assert _circles(Planted()) == [["a", "b", "c"]]


def test_services_import_without_the_web_layer():
    code = (
        "import sys\n"
        f"for name in {SERVICES!r}: __import__(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_every_top_level_module_has_a_layer():
    """An unlisted module would escape the layers contract unchecked."""
    contract = (ROOT / ".importlinter").read_text(encoding="utf-8")
    listed = set(re.findall(r"\bhandbook\.[a-z_]+", contract))
    package = ROOT / "handbook"
    modules = {f"handbook.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"handbook.{p.parent.name}" for p in package.glob("*/__init__.py")}
    assert modules - listed == set()
