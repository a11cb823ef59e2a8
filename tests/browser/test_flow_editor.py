"""An editor's round, end to end in a real browser: write a new document in the editor,
preview it (headings rendered, a <script> in the Markdown gone), publish it, then find
it through the header search typed without diacritics and open it as readers will."""

from __future__ import annotations

import re

import pytest

from handbook.accounts.vocabulary import EDITOR
from tests.browser import roles
from tests.browser.helpers import (
    DEVICE_NAMES,
    main_text,
    open_from_menu,
    search_from_header,
    sign_in_as,
)

# Each document gets a place name of its own: the search must find this one.
PLACES = [
    ("Mèo Vạc", "meo vac"),
    ("Mường Tè", "muong te"),
    ("Sìn Hồ", "sin ho"),
    ("Đồng Văn", "dong van"),
    ("Bát Xát", "bat xat"),
    ("Tủa Chùa", "tua chua"),
]
INJECTED = "đã bị chèn"
BODY = """Chi bộ tổ chức học tập cho toàn thể đảng viên.

## Chương I. Nhiệm vụ chung

Tuyên truyền sâu rộng trong đồng bào dân tộc thiểu số ở {place}.

<script>document.title = "{injected}";</script>

### Điều 1. Tuyên truyền miệng

Mỗi đảng viên phụ trách tuyên truyền cho các hộ gia đình được phân công.

## Chương II. Tổ chức thực hiện

Các chi bộ báo cáo kết quả về Ban Tuyên giáo trước ngày 30 hằng tháng.
"""


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_an_editor_writes_previews_publishes_and_finds_a_document(new_context, live_app, device):
    n = roles.next_number()
    place, typed_place = PLACES[n % len(PLACES)]
    title = f"Về công tác dân vận vùng đồng bào dân tộc thiểu số ở {place}"
    number = f"{900 + n}-HD/TU"
    editor = roles.person(live_app, "bien.tap", "Vũ Thị Hạnh", grants=((EDITOR, None),))
    page = new_context(device).new_page()

    sign_in_as(page, editor)
    open_from_menu(page, "Biên tập")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Soạn văn bản mới")).click()
    slug = f"huong-dan-dan-van-{n}"
    page.get_by_label("Đường dẫn", exact=False).fill(slug)
    page.get_by_label(re.compile(r"^Số hiệu \(")).fill(number)
    page.get_by_label("Tiêu đề", exact=True).fill(title)
    page.get_by_label("Loại văn bản").select_option("Hướng dẫn")
    page.get_by_label("Cơ quan ban hành").select_option("Ban Tuyên giáo Tỉnh ủy")
    page.get_by_label("Ngày ban hành").fill("2024-05-19")
    page.get_by_label("Trích yếu").fill("Hướng dẫn công tác dân vận của chi bộ ở vùng cao.")
    page.get_by_label(re.compile(r"^Nội dung")).fill(BODY.format(place=place, injected=INJECTED))

    with page.expect_navigation():
        page.get_by_role("button", name="Xem trước", exact=True).click()
    preview = page.locator("#_xem-truoc")
    assert preview.get_by_role("heading", level=2, name="Chương I. Nhiệm vụ chung").is_visible()
    assert preview.get_by_role("heading", level=3, name="Điều 1. Tuyên truyền miệng").is_visible()
    assert preview.get_by_role("heading", level=2, name="Chương II. Tổ chức thực hiện").is_visible()
    assert f"đồng bào dân tộc thiểu số ở {place}" in preview.inner_text()
    assert preview.locator("script").count() == 0
    assert "<script" not in preview.inner_html() and INJECTED not in preview.inner_html()
    assert INJECTED not in page.title()
    assert page.get_by_label("Tiêu đề", exact=True).input_value() == title  # the form is kept

    with page.expect_navigation():
        page.get_by_role("button", name="Xuất bản", exact=True).click()
    assert "Đã xuất bản văn bản." in main_text(page)

    search_from_header(page, f"dan van dong bao {typed_place}")
    hits = page.get_by_role("main").get_by_role("link", name=re.compile(re.escape(title)))
    hit = hits.and_(page.locator(f'[href="/van-ban/{slug}"], [href^="/van-ban/{slug}#"]'))
    with page.expect_navigation():
        hit.first.click()
    assert page.get_by_role("heading", level=1).inner_text() == title
    article = page.get_by_role("article")
    assert number in article.inner_text()
    assert article.get_by_role("heading", level=3, name="Điều 1. Tuyên truyền miệng").is_visible()
    assert article.locator("script").count() == 0
    assert INJECTED not in page.content() and INJECTED not in page.title()
