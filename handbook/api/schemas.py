"""JSON Schemas (OpenAPI 3.1 components) of the API's bodies. Every object lists all
its properties and allows no others, so a field added to an answer without being
described here fails the contract test."""

from __future__ import annotations

API_DESCRIPTION = (
    "API cho ứng dụng di động Sổ tay Đảng viên. Đăng nhập bằng POST /api/v1/auth/token, "
    "sau đó gửi 'Authorization: Bearer <mã>'. Lỗi luôn có dạng {\"error\": {...}} với "
    "'code' cố định cho chương trình và 'message' tiếng Việt cho người dùng."
)

DESCRIPTIONS = {
    200: "Thành công",
    201: "Đã tạo",
    204: "Đã xử lý, không có nội dung",
    304: "Không thay đổi so với bản đã có (If-None-Match)",
    400: "Yêu cầu sai cấu trúc",
    401: "Chưa đăng nhập, mã truy cập sai hoặc hết hạn",
    403: "Không có quyền",
    404: "Không tìm thấy (hoặc ngoài phạm vi được xem)",
    409: "Xung đột dữ liệu",
    413: "Dữ liệu gửi lên quá lớn",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều lần thử",
    503: "Tạm thời chưa sẵn sàng",
}


def text(max_length: int, min_length: int = 0, **extra) -> dict:
    return {"type": "string", "minLength": min_length, "maxLength": max_length, **extra}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(**properties) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
PERCENT = nullable({"type": "integer", "minimum": 0, "maximum": 100})


def page_of(item: str, **extra) -> dict:
    return obj(
        items=array(ref(item)),
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1},
        total={"type": "integer", "minimum": 0},
        pages={"type": "integer", "minimum": 1},
        **extra,
    )


_EVENT_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"}
_UNIT = obj(id=INTEGER, name=STRING, kind=STRING)
_RATIO = obj(done={"type": "integer", "minimum": 0}, total={"type": "integer", "minimum": 0}, percent=PERCENT)
_TALLY = obj(members=INTEGER, completed=INTEGER, in_progress=INTEGER, not_started=INTEGER, rate=PERCENT)
_CAMPAIGN_REF = obj(id=INTEGER, title=STRING, opens_on=DATE, deadline=DATE)
_SEGMENTS = array(obj(text=STRING, match=BOOLEAN))

COMPONENTS: dict[str, dict] = {
    "Error": obj(
        error=obj(
            status=INTEGER,
            code=STRING,
            title=STRING,
            message=STRING,
            details=array(obj(field=STRING, reason=STRING)),
        )
        | {"required": ["status", "code", "title", "message"]}
    ),
    "TokenRequest": obj(
        username=text(64, 1),
        password=text(1024, 1),
        code={
            "type": "string",
            "pattern": "^[0-9]{6}$",
            "description": "Mã xác thực hai bước, bắt buộc khi tài khoản đã bật.",
        },
        device=text(80, description="Tên thiết bị, để nhận ra."),
    )
    | {"required": ["username", "password"]},
    "TokenIssued": obj(
        token=STRING, token_type={"const": "Bearer"}, token_id=INTEGER, expires_at=DATETIME, user=ref("Me")
    ),
    "TokenInfo": obj(
        id=INTEGER,
        label=STRING,
        created_at=DATETIME,
        expires_at=DATETIME,
        last_used_at=nullable(DATETIME),
        current=BOOLEAN,
    ),
    "TokenList": obj(items=array(ref("TokenInfo"))),
    "Me": obj(
        id=INTEGER,
        username=STRING,
        full_name=STRING,
        cell=nullable(_UNIT),
        roles=array(obj(role=STRING, label=STRING, unit=nullable(_UNIT))),
        second_factor=BOOLEAN,
        unread_notifications={"type": "integer", "minimum": 0},
    ),
    "DocumentSummary": obj(
        slug=STRING,
        number=STRING,
        title=STRING,
        type=STRING,
        issuer=STRING,
        issued_on=DATE,
        status=STRING,
        status_label=STRING,
        summary=STRING,
    ),
    "DocumentList": page_of(
        "DocumentSummary",
        facets=obj(
            types=array(STRING),
            issuers=array(STRING),
            years=array(INTEGER),
            statuses=array(obj(value=STRING, label=STRING)),
        ),
    ),
    "DocumentRef": obj(slug=STRING, number=STRING, title=STRING),
    "Document": obj(
        slug=STRING,
        number=STRING,
        title=STRING,
        type=STRING,
        issuer=STRING,
        issued_on=DATE,
        status=STRING,
        status_label=STRING,
        summary=STRING,
        effective_on=nullable(DATE),
        term=nullable(STRING),
        tags=array(STRING),
        revision=obj(number=INTEGER, published_at=DATETIME),
        replaced_by=array(ref("DocumentRef")),
        relations=array(obj(label=STRING, number=STRING, document=nullable(ref("DocumentRef")))),
        sections=array(obj(anchor=STRING, heading=STRING, level=INTEGER)),
        html={"type": "string", "description": "HTML đã làm sạch (không script)."},
    ),
    "SearchResults": obj(
        query=STRING,
        total=INTEGER,
        page=INTEGER,
        pages=INTEGER,
        per_page=INTEGER,
        hits=array(
            obj(
                url=STRING,
                slug=STRING,
                anchor=STRING,
                document=obj(
                    title=STRING, number=STRING, type=STRING, issuer=STRING, year=STRING, status=STRING
                ),
                heading=STRING,
                heading_segments=_SEGMENTS,
                snippet=_SEGMENTS,
                score={"type": "number"},
            )
        ),
        facets={"type": "object", "additionalProperties": array(obj(value=STRING, count=INTEGER))},
        suggestion=nullable(STRING),
        target=nullable(STRING),
    ),
    "Completions": obj(completions=array(obj(label=STRING, title=STRING, slug=STRING))),
    "StudyOverview": obj(
        overall=_RATIO,
        current=array(ref("CampaignProgress")),
        overdue=array(ref("CampaignProgress")),
        finished=array(ref("CampaignProgress")),
        history=array(obj(slug=STRING, title=STRING, completed_at=DATETIME, valid=BOOLEAN)),
    ),
    "CampaignProgress": obj(
        id=INTEGER,
        title=STRING,
        description=STRING,
        opens_on=DATE,
        deadline=DATE,
        ended=BOOLEAN,
        overdue=BOOLEAN,
        progress=_RATIO,
        documents=array(
            obj(slug=STRING, number=STRING, title=STRING, type=STRING, sections=_RATIO, done=BOOLEAN)
        ),
    ),
    "EventBatch": obj(
        events=array(
            obj(
                id=_EVENT_ID,
                document=text(120),
                anchor=text(200),
                seconds={"type": "integer", "minimum": 1, "maximum": 600},
                occurred_at={"type": "string", "format": "date-time", "maxLength": 40},
            ),
            minItems=1,
            maxItems=500,
        )
    ),
    "BatchResult": obj(
        accepted=array(STRING),
        duplicates=array(STRING),
        rejected=array(obj(id=STRING, reason={"enum": ["document", "anchor", "future", "before_revision"]})),
        capped=array(
            obj(
                id=STRING,
                credited={"type": "integer", "minimum": 0},
                reason={"enum": ["overlap", "before_revision"]},
            )
        ),
        documents={
            "type": "object",
            "additionalProperties": obj(read=array(STRING), done=INTEGER, total=INTEGER, percent=PERCENT),
        },
    ),
    "CompletionResult": obj(slug=STRING, completed_at=DATETIME, by_secretary=BOOLEAN),
    "NotificationList": page_of("Notification", unread={"type": "integer", "minimum": 0}),
    "Notification": obj(
        id=INTEGER,
        kind=STRING,
        title=STRING,
        body=STRING,
        link=STRING,
        campaign_id=nullable(INTEGER),
        created_at=DATETIME,
        read_at=nullable(DATETIME),
    ),
    "Marked": obj(marked={"type": "integer", "minimum": 0}),
    "ReportScope": obj(units=array(obj(unit=_UNIT, campaigns=array(_CAMPAIGN_REF)))),
    "Rollup": obj(
        unit=_UNIT,
        campaign=nullable(_CAMPAIGN_REF),
        total=_TALLY,
        children=array(obj(unit=_UNIT, is_cell=BOOLEAN, tally=_TALLY)),
        behind=array(obj(unit=_UNIT, is_cell=BOOLEAN, tally=_TALLY)),
        by_campaign=array(obj(campaign=_CAMPAIGN_REF, tally=_TALLY)),
        campaigns=array(_CAMPAIGN_REF),
        computed_at=DATETIME,
    ),
    "CellGrid": obj(
        unit=_UNIT,
        campaign=_CAMPAIGN_REF,
        ended=BOOLEAN,
        documents=array(ref("DocumentRef")),
        members=array(
            obj(
                id=INTEGER,
                full_name=STRING,
                state={"enum": ["done", "studying", "not_started"]},
                progress=_RATIO,
                overall=_RATIO,
                overdue=BOOLEAN,
                documents=array(
                    obj(
                        slug=STRING,
                        state={"enum": ["done", "studying", "not_started"]},
                        sections=_RATIO,
                        completed_at=nullable(DATETIME),
                        marked_by=nullable(STRING),
                    )
                ),
            )
        ),
    ),
}
