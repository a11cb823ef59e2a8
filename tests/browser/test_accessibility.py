"""Accessibility of every main page, in a real browser at phone and desktop size:
axe-core's WCAG 2.1 A/AA rules (no serious or critical violation), the page language,
tap targets of at least 44 px, text at 200 % with no sideways scrolling, and the
keyboard alone. Findings of every run are written to test-artifacts/accessibility/."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from handbook.accounts.vocabulary import ADMIN, COMMITTEE_VIEWER, EDITOR, SECRETARY
from tests import factories
from tests.browser import axe, roles
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import DEVICE_NAMES, sign_in_as
from tests.unit.study.helpers import make_campaign

FINDINGS = ARTIFACTS.parent / "accessibility"
BLOCKING = {"serious", "critical"}
LONG = "huong-dan-12"


@dataclass
class Role:
    grants: tuple
    pages: list[str]
    refused: dict[str, int] = field(default_factory=dict)  # pages that answer with an error


@pytest.fixture(scope="module")
def engine() -> str:
    return axe.source()


@pytest.fixture(scope="module")
def place(live_app, live_tree):
    """A cell with an open campaign, its units, and the pages each role uses there."""
    tree = live_tree
    cell = factories.make_unit(live_app, "A11Y-1", parent=tree.grassroots, name="Chi bộ khu phố 3")
    campaign = make_campaign(
        live_app, [cell], ["nghi-quyet-35", LONG], title="Học tập Nghị quyết 35 và hướng dẫn tổ chức học tập"
    )
    uses = {
        "member": Role(
            (),
            [
                "/",
                "/?loai=Quy+định&sap_xep=moi-nhat",
                f"/van-ban/{LONG}",
                "/van-ban/quy-dinh-47",
                "/tim-kiem?q=bao+ve+nen+tang+tu+tuong",
                "/tim-kiem?q=khongcoketqua",
                "/hoc-tap",
                f"/hoc-tap/dot/{campaign.id}",
                "/thong-bao",
                "/tai-khoan",
                "/tai-khoan/mat-khau",
                "/tai-khoan/xac-thuc-hai-buoc",
                "/bao-cao",
                "/khong-co-trang-nay",
            ],
            {"/bao-cao": 403, "/khong-co-trang-nay": 404},
        ),
        "secretary": Role(
            ((SECRETARY, cell),),
            [
                "/bao-cao",
                f"/bao-cao/chi-bo/{cell.id}/dot/{campaign.id}",
                f"/bao-cao/don-vi/{cell.id}",
                f"/bao-cao/don-vi/{cell.id}/dot/{campaign.id}/in",
                "/don-vi",
                f"/don-vi/{cell.id}",
                "/hoc-tap/chi-bo",
            ],
        ),
        "committee": Role(
            ((COMMITTEE_VIEWER, tree.province),),
            [
                "/bao-cao",
                f"/bao-cao/don-vi/{tree.province.id}",
                f"/bao-cao/don-vi/{tree.committee.id}",
                f"/bao-cao/don-vi/{tree.grassroots.id}",
                "/hoc-tap/quan-ly",
            ],
        ),
        "editor": Role(
            ((EDITOR, None),),
            [
                "/bien-tap",
                "/bien-tap/moi",
                "/bien-tap/van-ban/nghi-quyet-35",
                "/bien-tap/van-ban/nghi-quyet-35/lich-su",
                "/hoc-tap/quan-ly",
                "/hoc-tap/quan-ly/dot-moi",
            ],
        ),
        "admin": Role(
            ((ADMIN, None),),
            [
                "/quan-tri/",
                "/quan-tri/dang-vien",
                "/quan-tri/dang-vien/moi",
                "/quan-tri/don-vi",
                f"/quan-tri/don-vi/{cell.id}",
                "/quan-tri/nhat-ky",
                "/quan-tri/nhap-du-lieu",
            ],
        ),
    }
    return cell, uses


@pytest.fixture
def enter_as(live_app, place):
    """Sign a page in as a new person holding the role: a second-factor code is
    single-use per 30 s, so no two sign-ins ever share a person."""
    cell, uses = place

    def enter(page, role: str) -> Role:
        spec = uses[role]
        sign_in_as(
            page,
            roles.person(
                live_app, f"a11y.{role}", f"Nguyễn Thị {role.title()}", cell=cell, grants=spec.grants
            ),
        )
        return spec

    return enter


def record(name: str, findings: dict) -> None:
    FINDINGS.mkdir(parents=True, exist_ok=True)
    (FINDINGS / f"{name}.json").write_text(
        json.dumps(findings, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def blocking(findings: dict[str, list[dict]]) -> list[str]:
    return [
        f"{path}: [{v['impact']}] {v['id']} — {v['help']} at {v['targets']}"
        for path, violations in findings.items()
        for v in violations
        if v["impact"] in BLOCKING
    ]


def audit_pages(page, engine: str, paths: list[str], refused: dict[str, int]) -> dict[str, list[dict]]:
    findings = {}
    for path in paths:
        assert page.goto(path).status == refused.get(path, 200), path
        assert page.evaluate("() => document.documentElement.lang") == "vi", path
        findings[path] = axe.audit(page, engine)
    return findings


ANONYMOUS_PAGES = ["/dang-nhap", "/ngoai-tuyen", "/kich-hoat", "/khong-co-trang-nay"]


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_pages_before_sign_in_have_no_serious_violation(new_context, engine, device):
    page = new_context(device).new_page()
    findings = audit_pages(page, engine, ANONYMOUS_PAGES, {"/khong-co-trang-nay": 404})
    record(f"{device}-anonymous", findings)
    assert not blocking(findings), "\n".join(blocking(findings))


@pytest.mark.parametrize("role", ["member", "secretary", "committee", "editor", "admin"])
@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_every_main_page_of_a_role_has_no_serious_violation(new_context, engine, enter_as, device, role):
    page = new_context(device).new_page()
    spec = enter_as(page, role)
    findings = audit_pages(page, engine, spec.pages, spec.refused)
    record(f"{device}-{role}", findings)
    assert not blocking(findings), "\n".join(blocking(findings))


# Interactive elements smaller than 44×44 CSS px. Exempt, as WCAG 2.5.5 allows: links
# inside running text, and controls the browser hides. A checkbox or radio counts as
# the label around it, which is what a finger presses.
SMALL_TARGETS = """() => {
  const small = [];
  const running = "p, dd, td, figcaption, blockquote, .doc-body, .summary, .muted, .hint";
  for (const el of document.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    const style = getComputedStyle(el);
    let box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || box.width === 0 || box.right <= 0) continue;
    if (el.tagName === "A" && style.display === "inline" && el.closest(running)) continue;
    if (el.type === "checkbox" || el.type === "radio") {
      const label = el.closest("label") || document.querySelector(`label[for="${el.id}"]`);
      if (label) box = label.getBoundingClientRect();
    }
    if (box.height < 43.5 || box.width < 43.5) {
      const name = (el.innerText || el.name || el.id || "").trim().slice(0, 40);
      small.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}"""

SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("role", ["member", "secretary", "committee", "editor", "admin"])
def test_tap_targets_are_at_least_44_px_on_a_phone(new_context, enter_as, role):
    page = new_context("phone").new_page()
    spec = enter_as(page, role)
    small = {}
    for path in spec.pages:
        page.goto(path)
        found = page.evaluate(SMALL_TARGETS)
        if found:
            small[path] = found
    assert not small, json.dumps(small, ensure_ascii=False, indent=1)


def test_text_at_200_percent_needs_no_sideways_scrolling_on_a_phone(new_context, enter_as, place):
    uses = place[1]
    page = new_context("phone").new_page()
    enter_as(page, "member")
    page.goto(f"/van-ban/{LONG}")
    normal = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    with page.expect_navigation():
        page.get_by_role("button", name="Chữ cực lớn").click()
    large = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= 2 * normal, (normal, large)
    assert page.get_by_role("button", name="Chữ cực lớn").get_attribute("aria-pressed") == "true"
    wide = {}
    for path in uses["member"].pages:
        page.goto(path)
        overflow = page.evaluate(SIDEWAYS)
        if overflow > 0:
            wide[path] = overflow
    assert not wide, f"pages wider than the screen at 200 % (px too wide): {wide}"


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return { tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || "").trim().slice(0, 40),
           href: el.getAttribute("href"), inMain: !!el.closest("main"),
           ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
           onScreen: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 };
}"""


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_keyboard_alone_signs_in_skips_to_content_and_opens_a_document(new_context, reader, device):
    page = new_context(device).new_page()
    page.goto("/dang-nhap")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["href"] == "#_noi-dung"
    for _ in range(10):  # to the username box, through whatever the header offers
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "ten_dang_nhap":
            break
    assert page.evaluate("() => document.activeElement.id") == "ten_dang_nhap"
    page.keyboard.type(reader.username)
    page.keyboard.press("Tab")
    page.keyboard.type(reader.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/"  # signed in, at the library

    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip["href"] == "#_noi-dung" and skip["onScreen"] and skip["ring"], skip
    page.keyboard.press("Enter")
    stops = []
    for _ in range(30):  # every stop of the page after the skip, to where focus leaves it
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop["tag"] == "body" or not stop["inMain"]:
            break
        stops.append(stop)
    assert len(stops) >= 3, stops  # the header was skipped: the first stops are the content's
    assert all(s["ring"] and s["onScreen"] for s in stops), stops  # every stop shows where it is
    first_document = next(s for s in stops if (s["href"] or "").startswith("/van-ban/"))
    for _ in stops:  # back to it, never further than the stops walked
        if page.evaluate(FOCUSED)["href"] == first_document["href"]:
            break
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["href"] == first_document["href"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(first_document["href"])
    assert page.locator("article h1").is_visible()
