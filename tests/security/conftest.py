"""Every route of the URL map with real ids, and a page checker shared by the modules."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from handbook.app_db import get_db
from handbook.attachments.models import Attachment
from tests.unit.study.helpers import make_campaign

SLUG = "quy-dinh-37"
MISSING = 999_999
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture
def campaign(library, tree):
    return make_campaign(library, [tree.cell_a], [SLUG])


@pytest.fixture
def attachment(library, clients) -> Attachment:
    """A PDF attached to the test document through the real upload form."""
    editor = clients["editor"]
    response = editor.post(
        f"/bien-tap/van-ban/{SLUG}/tep-dinh-kem",
        content_type="multipart/form-data",
        data={"tep": (io.BytesIO(PDF), "Quyết định.pdf"), "csrf_token": form_token(editor)},
    )
    assert response.status_code == 303, response.status_code
    with get_db(library).sessions() as session:
        return session.scalars(select(Attachment)).one()


@pytest.fixture
def real_ids(tree, member, campaign, attachment) -> dict:
    """Path values that reach real rows, so GET pages answer 200 and not just 404."""
    return {
        "unit_id": tree.cell_a.id,
        "user_id": member.id,
        "campaign_id": campaign.id,
        "attachment_id": attachment.id,
        "filename": attachment.filename,
        "slug": SLUG,
        "number": 1,
    }


def form_token(client, path: str = "/") -> str:
    """The CSRF token a page of this client's session carries in its forms."""
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def build_url(rule, ids: dict) -> str:
    """The rule's URL with the given values; any other `…_id` is a missing row."""
    values = {arg: ids.get(arg, MISSING if arg.endswith("_id") else SLUG) for arg in rule.arguments}
    return rule.build(values)[1]


def rules(app, methods: set[str]):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.methods & methods), key=lambda r: (r.rule, r.endpoint)
    )


class PageScan(HTMLParser):
    """What a browser would execute or load from a page: tags, attributes, URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    parser.close()
    return parser


def inline_code(html: str) -> list[str]:
    """What the CSP would silently block: inline scripts, handlers, style attributes
    and elements, javascript: URLs."""
    page, found = scan(html), []
    if page.inline_scripts:
        found.append("inline <script>")
    for tag, attrs in page.tags:
        if tag == "script" and not attrs.get("src"):
            found.append("<script> without src")
        if tag == "style":
            found.append("<style>")
        found += [f"<{tag} {name}=…>" for name in attrs if name.startswith("on") or name == "style"]
        found += [
            f"<{tag} {name}=javascript:…>"
            for name, value in attrs.items()
            if value and "javascript:" in value.replace(" ", "").lower()
        ]
    return found
