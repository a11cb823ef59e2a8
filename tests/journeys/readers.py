"""Every reader of study figures, fetched through HTTP and reduced to the same plain
values, so that a journey states once what all of them must show:

- a ratio as the pages print it, "50% (1/2)" (or "—" when nothing is due);
- a document's standing for a member: "done", or its sections read as a ratio;
- a grid cell: "done", "studying 25%" or "not_started";
- a tally (members, completed, in progress, not started, rate) as a tuple.

HTML readers return exactly what the API readers return for the same data."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl

from handbook.api.blueprint import PREFIX as BASE

_TAG = re.compile(r"<[^>]+>")
_RATIO = re.compile(r"(\d+)% \((\d+)/(\d+)\)")
_GRID_NAME = re.compile(r'<th scope="row" data-label="Đảng viên">([^<]*)<')
_GRID_CELL = re.compile(r'<td data-label="[^"]*" class="cell-(\w+)">(.*?)</td>', re.S)
_GRID_CAMPAIGN = re.compile(r'<td data-label="Đợt này">(.*?)</td>', re.S)
_TALLY_ROW = re.compile(
    r'<tr><th scope="row"><a href="[^"]*">([^<]*)</a></th><td>(\d+)</td>'
    r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>\s*<td[^>]*>(.*?)</td></tr>",
    re.S,
)
_TOTAL = re.compile(
    r"Tỷ lệ đảng viên hoàn thành: (\S+) \((\d+)/(\d+)\); đang học (\d+), "
    r"chưa học (\d+)\."
)


def text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def ratio(done: int, total: int, percent: int | None) -> str:
    return "—" if percent is None else f"{percent}% ({done}/{total})"


def _json_ratio(value: dict) -> str:
    return ratio(value["done"], value["total"], value["percent"])


def _rate(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _json(client, url: str, headers: dict) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code, response.get_json())
    return response.get_json()


# The member's own study: /hoc-tap and GET /api/v1/study.


def _bar(fragment: str, label: str) -> str:
    found = re.search(re.escape(label) + r": (\d+% \(\d+/\d+\))", text(fragment))
    return found.group(1) if found else "—"


def my_study(client) -> dict:
    """{"overall": ratio, "campaigns": {id: {"progress": ratio, "documents": {slug: standing}}}}"""
    page = _page(client, "/hoc-tap")
    campaigns = {}
    for card in page.split('<article class="study-campaign')[1:]:
        card = card.split("</article>", 1)[0]
        campaign_id = int(re.search(r'href="/hoc-tap/dot/(\d+)"', card).group(1))
        documents = {}
        for item in re.findall(r"<li>(.*?)</li>", card, re.S):
            slug = re.search(r'href="/van-ban/([^"#]+)"', item).group(1)
            documents[slug] = "done" if "study-done-mark" in item else _bar(item, "Đã đọc")
        campaigns[campaign_id] = {"progress": _bar(card, "Hoàn thành đợt"), "documents": documents}
    overall = _bar(
        page.split('<section class="study-summary"', 1)[1].split("</section>")[0],
        "Văn bản được giao đã học xong",
    )
    return {"overall": overall, "campaigns": campaigns}


def api_study(api, auth: dict) -> dict:
    data = _json(api, f"{BASE}/study", auth)
    campaigns = {}
    for line in data["current"] + data["overdue"] + data["finished"]:
        campaigns[line["id"]] = {
            "progress": _json_ratio(line["progress"]),
            "documents": {
                d["slug"]: "done" if d["done"] else _json_ratio(d["sections"]) for d in line["documents"]
            },
        }
    return {"overall": _json_ratio(data["overall"]), "campaigns": campaigns}


def history(client) -> dict[str, str]:
    """Title of each completed document on /hoc-tap → "valid" or "restudy"."""
    page = _page(client, "/hoc-tap").split('id="lich-su"', 1)[1]
    entries = {}
    for item in re.findall(r"<li>(.*?)</li>", page, re.S):
        title = text(re.search(r"<a [^>]*>(.*?)</a>", item, re.S).group(1))
        entries[title] = "restudy" if "cần học lại" in item else "valid"
    return entries


def document_panel(client, slug: str) -> str:
    """The study panel of the document page: "done" or "1/4 (25%)"."""
    page = _page(client, f"/van-ban/{slug}")
    panel = page.split('id="_hoc-tap"', 1)[1].split("</section>", 1)[0]
    if "Bạn đã học xong văn bản này" in panel:
        return "done"
    return re.search(r"Đã đọc (\d+/\d+) mục \((\d+)%\)", text(panel)).expand(r"\1 (\2%)")


# The cell grid: /bao-cao/chi-bo/<cell>/dot/<campaign> and its API twin.


def _grid_cell(state: str, fragment: str) -> str:
    if state == "studying":
        return "studying " + re.search(r"Đang học (\S+)", text(fragment)).group(1)
    return state


def grid(client, cell_id: int, campaign_id: int) -> dict[str, dict]:
    """Member's full name → {"campaign": ratio, "overall": rate, "documents": [cell…]}."""
    page = _page(client, f"/bao-cao/chi-bo/{cell_id}/dot/{campaign_id}")
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in body.split('<tr class="report-row')[1:]:
        name = html.unescape(_GRID_NAME.search(row).group(1)).strip()
        overall = re.search(r"Chung: (.*?)</span>", row, re.S).group(1)
        campaign = text(_GRID_CAMPAIGN.search(row).group(1))
        rows[name] = {
            "campaign": campaign if _RATIO.fullmatch(campaign) else "—",
            "overall": text(overall),
            "documents": [_grid_cell(s, f) for s, f in _GRID_CELL.findall(row)],
        }
    return rows


def api_grid(api, auth: dict, cell_id: int, campaign_id: int) -> dict[str, dict]:
    data = _json(api, f"{BASE}/reports/cells/{cell_id}/campaigns/{campaign_id}", auth)
    return {
        m["full_name"]: {
            "campaign": _json_ratio(m["progress"]),
            "overall": _rate(m["overall"]["percent"]),
            "documents": [
                f"studying {_rate(d['sections']['percent'])}" if d["state"] == "studying" else d["state"]
                for d in m["documents"]
            ],
        }
        for m in data["members"]
    }


# The roll-up: /bao-cao/don-vi/<unit>?dot=<campaign> and its API twin.


def rollup(client, unit_id: int, campaign_id: int | None = None) -> dict[str, tuple]:
    """Name of each child unit → tally; "Cộng" → the unit's total."""
    query = f"?dot={campaign_id}" if campaign_id else ""
    page = _page(client, f"/bao-cao/don-vi/{unit_id}{query}")
    lines = {}
    if 'id="don-vi-truc-thuoc"' in page:
        table = page.split('id="don-vi-truc-thuoc"', 1)[1].split("</tbody>", 1)[0]
        for name, *counts, rate in _TALLY_ROW.findall(table):
            lines[html.unescape(name)] = (*map(int, counts), text(rate))
    rate, completed, members, in_progress, not_started = _TOTAL.search(text(page)).groups()
    lines["Cộng"] = (int(members), int(completed), int(in_progress), int(not_started), rate)
    return lines


def _json_tally(tally: dict) -> tuple:
    return (
        tally["members"],
        tally["completed"],
        tally["in_progress"],
        tally["not_started"],
        _rate(tally["rate"]),
    )


def api_rollup(api, auth: dict, unit_id: int, campaign_id: int | None = None) -> dict[str, tuple]:
    query = f"?campaign={campaign_id}" if campaign_id else ""
    data = _json(api, f"{BASE}/reports/units/{unit_id}{query}", auth)
    lines = {line["unit"]["name"]: _json_tally(line["tally"]) for line in data["children"]}
    lines["Cộng"] = _json_tally(data["total"])
    return lines


# The exports of a unit's subtree for one campaign.


def _export_row(row) -> tuple:
    unit, name, _code, done, total, percent, state, *_ = ("" if v is None else str(v) for v in row)
    return name, (unit, done, total, percent, state)


def export_csv(client, unit_id: int, campaign_id: int) -> dict[str, tuple]:
    """Member's full name → (unit, done, total, percent, state) as the CSV has them."""
    response = client.get(f"/bao-cao/don-vi/{unit_id}/dot/{campaign_id}.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    members = dict(_export_row(row) for row in rows[1:])
    assert len(members) == len(rows) - 1, "a member is listed twice"
    return members


def export_xlsx(client, unit_id: int, campaign_id: int) -> tuple[dict, dict]:
    """(the members sheet as export_csv reads it, unit name → tally of the summary sheet)."""
    response = client.get(f"/bao-cao/don-vi/{unit_id}/dot/{campaign_id}.xlsx")
    assert response.status_code == 200
    members_sheet, summary_sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets
    rows = list(members_sheet.iter_rows(min_row=2, values_only=True))
    members = dict(_export_row(row) for row in rows)
    assert len(members) == len(rows), "a member is listed twice"
    summary = {
        name: (members_, completed, in_progress, not_started, _rate(rate))
        for name, members_, completed, in_progress, not_started, rate in summary_sheet.iter_rows(
            min_row=2, values_only=True
        )
    }
    return members, summary


def exports(client, unit_id: int, campaign_id: int) -> tuple[dict, dict]:
    """(members, summary) of the XLSX, once checked that the CSV lists the same members."""
    members, summary = export_xlsx(client, unit_id, campaign_id)
    assert export_csv(client, unit_id, campaign_id) == members, "CSV and XLSX disagree"
    return members, summary


# Search: /tim-kiem.json as the search page's script asks it.


def search(client, q: str) -> list[tuple[str, str]]:
    """(slug, status) of each hit, best first, on the first page."""
    response = client.get("/tim-kiem.json", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(hit["slug"], hit["document"]["status"]) for hit in response.get_json()["hits"]]


def found_documents(client, q: str) -> list[str]:
    """The documents of the hits, best first, each once."""
    return list(dict.fromkeys(slug for slug, _ in search(client, q)))
