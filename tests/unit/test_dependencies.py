"""Dependencies: every one pinned, and none deprecated for what it does here."""

from __future__ import annotations

import re
from pathlib import Path

from handbook.content import render

ROOT = Path(__file__).resolve().parents[2]
# Deprecated or unmaintained for the job: bleach (deprecated by its maintainers in
# favour of nh3), Flask-Talisman and Flask-Security (unmaintained forks), whoosh3.
DEPRECATED = {"bleach", "flask-talisman", "flask-security", "whoosh3", "pycrypto"}


def requirement_lines(name: str) -> list[str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [
        line.split("#")[0].strip()
        for line in lines
        if line.split("#")[0].strip() and not line.startswith("-r")
    ]


def test_every_dependency_is_pinned_exactly():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in requirement_lines(name):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*", line), (
                f"{name}: {line!r} is not pinned with =="
            )


def test_no_deprecated_package_and_the_sanitizer_is_nh3():
    names = {
        re.split(r"[\[=]", line)[0].lower()
        for name in ("requirements.txt", "requirements-dev.txt")
        for line in requirement_lines(name)
    }
    assert not names & DEPRECATED and {"nh3", "whoosh"} <= names
    assert render.nh3.__name__ == "nh3"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "handbook").rglob("*.py"))
    assert "import bleach" not in sources and "from bleach" not in sources
