"""axe-core, the accessibility rules engine, fetched from the npm registry once and kept
in .cache/ (git-ignored). The tarball is checked against the sha512 the registry
publishes for this version before any of it runs in a test browser."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
TARBALL_URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
CACHE = Path(__file__).resolve().parents[2] / ".cache" / f"axe-core-{VERSION}.tgz"

# WCAG 2.1 A and AA, plus axe's best practices (landmarks, headings, skip links).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags },
                                           resultTypes: ["violations"] });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
    summary: v.nodes.length ? v.nodes[0].failureSummary : "",
  }));
}"""


def _verified(data: bytes) -> bytes:
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise RuntimeError(f"axe-core {VERSION}: checksum {digest} is not the published one")
    return data


def _tarball() -> bytes:
    if CACHE.exists():
        return _verified(CACHE.read_bytes())
    with urllib.request.urlopen(TARBALL_URL, timeout=60) as answer:
        data = _verified(answer.read())
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    partial = CACHE.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(CACHE)
    return data


def source() -> str:
    """The minified engine, ready to evaluate in a page."""
    with tarfile.open(fileobj=io.BytesIO(_tarball()), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        return member.read().decode("utf-8")


def audit(page, engine: str) -> list[dict]:
    """Every violation on the page as it is now. Evaluated through the DevTools
    protocol, which the page's CSP (script-src 'self') does not govern."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(engine)
    return page.evaluate(RUN, TAGS)
