"""A member's study, end to end in a real browser: sign in, find the resolution by typing
without diacritics in the header search, read it to the end (the page's own reading
tracker measures it), confirm, and see the percentage on the study page go up.

Reading takes time the server insists on (documents.required_seconds); the page's
clock is run forward instead of the test sleeping, so the tracker, its timers and
its batches to the server all run as they would for a slow reader."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser import roles
from tests.browser.helpers import (
    DEVICE_NAMES,
    main_text,
    open_from_menu,
    percent_after,
    search_from_header,
    sign_in_as,
)
from tests.unit.study.helpers import complete, make_campaign

RESOLUTION = "nghi-quyet-35"
TITLE = "Về tăng cường bảo vệ nền tảng tư tưởng của Đảng"
TYPED = "bao ve nen tang tu tuong"
OVERALL = "Văn bản được giao đã học xong"
# On the page's clock: well over any section's minimum here, and two passes stay within
# the five minutes the server allows a client's clock to be ahead (reading.CLOCK_SKEW).
SECONDS_PER_SECTION = 40
SECTIONS = "() => [...document.querySelectorAll('.doc-body :is(h2, h3, h4)[id]')].map(h => h.id)"
SCROLL_TO = "id => document.getElementById(id).scrollIntoView({block: 'start'})"


def overall_percent(page) -> int:
    return percent_after(page.get_by_role("region", name="Tổng quan").inner_text(), OVERALL)


def read_counts(panel) -> tuple[int, int]:
    found = re.search(r"Đã đọc (\d+)/(\d+) mục", panel.inner_text())
    assert found, panel.inner_text()
    return int(found.group(1)), int(found.group(2))


def all_read(panel) -> bool:
    done, total = read_counts(panel)
    return done == total


def read_to_the_end(page, panel) -> None:
    """Stop at each section in turn, then at the bottom of the page, until the panel says
    every section is read (a second pass only on a slow machine). Time passes on the
    page's clock only; a short real pause lets the browser report what is on screen."""
    for _ in range(2):
        for anchor in page.evaluate(SECTIONS):
            page.evaluate(SCROLL_TO, anchor)
            page.mouse.wheel(0, 1)  # the reader is active: the tracker ignores idle pages
            time.sleep(0.2)
            page.clock.run_for(SECONDS_PER_SECTION * 1000)
        page.keyboard.press("End")
        time.sleep(0.2)
        page.clock.run_for(11_000)  # one more batch of what was measured
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not all_read(panel):
            time.sleep(0.1)
        if all_read(panel):
            return


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_a_member_finds_reads_and_confirms_a_resolution(new_context, live_app, device):
    cell = roles.lone_cell(live_app)
    member = roles.person(live_app, "dang.vien", "Nguyễn Văn Thành", cell=cell)
    make_campaign(
        live_app,
        [cell],
        ["quy-dinh-47", RESOLUTION, "quy-dinh-37"],
        title="Học tập các văn bản về xây dựng Đảng",
    )
    complete(live_app, member.id, "quy-dinh-47")
    context = new_context(device)
    context.clock.install()  # keeps real time until the test runs it forward
    page = context.new_page()

    sign_in_as(page, member)
    open_from_menu(page, "Học tập")
    before = overall_percent(page)
    assert before == 33  # one of three documents

    search_from_header(page, TYPED)
    assert f"cho “{TYPED}”" in main_text(page)
    page.get_by_role("main").get_by_role("link", name=re.compile(re.escape(TITLE))).first.click()
    page.wait_for_url(re.compile(rf"/van-ban/{RESOLUTION}\b"))
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    panel = page.get_by_role("region", name="Tiến độ học tập")
    done, total = read_counts(panel)
    assert done == 0 and total >= 2
    confirm = panel.get_by_role("button", name="Tôi đã học xong")
    assert not confirm.is_visible()  # nothing read yet

    read_to_the_end(page, panel)
    assert read_counts(panel) == (total, total)
    assert "(100%)" in panel.inner_text()
    confirm.wait_for()
    with page.expect_navigation():
        confirm.click()
    assert "Đã ghi nhận: bạn đã học xong văn bản này." in main_text(page)
    assert "Bạn đã học xong văn bản này" in panel.inner_text()

    open_from_menu(page, "Học tập")
    after = overall_percent(page)
    assert after == 66 and after > before  # two of three, rounded down
    history = page.get_by_role("region", name="Các văn bản đã học xong")
    assert history.get_by_role("link", name=TITLE).is_visible()
