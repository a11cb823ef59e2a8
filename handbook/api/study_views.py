"""The member's own study: campaigns and progress, reading recorded offline, and
"Tôi đã học xong"."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_login import current_user

from handbook.api import params
from handbook.api.blueprint import bp
from handbook.api.openapi import operation
from handbook.api.present import ratio_json
from handbook.app_db import get_db, session
from handbook.db import iso
from handbook.errors import Invalid, Problem
from handbook.limits import cap_body
from handbook.policies import member_required
from handbook.study import completion, overview, reading
from handbook.study.models import Completion

TAG = "Học tập"
MAX_EVENTS = 500  # a day offline fits in one request
MAX_BATCH_BYTES = 256 * 1024


@bp.get("/study")
@member_required
@operation(
    "Học tập của tôi: các đợt, tiến độ và văn bản đã học xong", tag=TAG, responses={200: "StudyOverview"}
)
def my_study():
    found = overview.member_overview(session(), current_user.id)
    return jsonify(
        overall=ratio_json(found.overall),
        current=[_campaign_json(line) for line in found.current],
        overdue=[_campaign_json(line) for line in found.overdue],
        finished=[_campaign_json(line) for line in found.finished],
        history=[
            {
                "slug": h.slug,
                "title": h.title,
                "completed_at": iso(h.completion.completed_at),
                "valid": h.valid,
            }
            for h in found.history
        ],
    )


def _campaign_json(line: overview.CampaignLine) -> dict:
    campaign = line.campaign
    return {
        "id": campaign.id,
        "title": campaign.title,
        "description": campaign.description,
        "opens_on": iso(campaign.opens_on),
        "deadline": iso(campaign.deadline),
        "ended": line.ended,
        "overdue": line.overdue,
        "progress": ratio_json(line.ratio),
        "documents": [
            {
                "slug": d.slug,
                "number": d.number,
                "title": d.title,
                "type": d.doc_type,
                "sections": ratio_json(d.sections),
                "done": d.done,
            }
            for d in line.documents
        ],
    }


@bp.post("/study/events")
@member_required
@operation(
    "Gửi các lượt đọc đã ghi khi ngoại tuyến",
    tag=TAG,
    body="EventBatch",
    responses={200: "BatchResult", 413: "Error"},
    description="Mỗi sự kiện có mã do ứng dụng tạo; gửi lại cùng mã không bị tính "
    "hai lần. Mọi mã trong accepted, duplicates và rejected đều có thể xóa "
    "khỏi hàng đợi của ứng dụng. Mỗi giây đồng hồ chỉ được tính một lần: "
    "các lượt đọc trùng thời gian được ghi trong capped.",
)
def record_events():
    cap_body(MAX_BATCH_BYTES, Invalid([Problem("events", "Lô sự kiện quá lớn.")]))
    events = reading.parse_batch(params.json_object(), MAX_EVENTS)
    with get_db().transaction() as tx:
        answer = reading.sync(tx, current_user.id, events, cache=current_app.extensions["study.documents"])
    return jsonify(answer)


@bp.post("/study/documents/<slug>/complete")
@member_required
@operation(
    "Xác nhận đã học xong một văn bản",
    tag=TAG,
    responses={200: "CompletionResult", 422: "Error"},
    description="422 khi còn mục chưa đọc đủ thời gian hoặc chưa đạt bài tự kiểm tra.",
)
def complete(slug: str):
    with get_db().transaction() as tx:
        done: Completion = completion.confirm(tx, current_user.id, slug)
        answer = {
            "slug": slug,
            "completed_at": iso(done.completed_at),
            "by_secretary": done.method != completion.SELF,
        }
    return jsonify(answer)
