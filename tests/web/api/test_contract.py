"""The OpenAPI contract: built from the routes, so it covers every one of them, and
honoured by every operation under generated input (schemathesis, in-process), signed
in and not: no server error, no answer outside the schema, no secured data without
a token."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from handbook.accounts.vocabulary import COMMITTEE_VIEWER
from handbook.api import openapi
from handbook.api.blueprint import PREFIX
from handbook.api.openapi import OPERATION_ATTR
from handbook.app import create_app
from handbook.app_db import session
from handbook.search import indexer
from tests import factories
from tests.unit.study.helpers import make_campaign
from tests.web.api.conftest import BASE, bearer, token_for

EXAMPLES = settings(
    max_examples=20, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture
def contract(library, tree) -> dict:
    """A committee viewer who is also a member of cell A, with a campaign to study and
    report on, a built index, and a token."""
    make_campaign(library, [tree.grassroots], ["quy-dinh-37", "nghi-quyet-35"])
    secret = factories.new_totp_secret()
    viewer = factories.make_user(
        library,
        "le.van.cuong",
        cell=tree.cell_a,
        totp_secret=secret,
        grants=((COMMITTEE_VIEWER, tree.committee),),
    )
    with library.app_context():
        indexer.rebuild(session(), Path(library.config["SEARCH_INDEX_DIR"]))
    token = token_for(library.test_client(), viewer.username, secret)
    return {"app": library, "auth": bearer(token)}


def _operations() -> list[tuple[str, str, bool]]:
    """(method, path, takes input) of every operation, read from the document an app builds."""
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "contract", "DATABASE_URL": "sqlite://"})
    return sorted(
        (method.upper(), path, bool(op["parameters"] or "requestBody" in op))
        for path, ops in openapi.build(app, PREFIX + "/")["paths"].items()
        for method, op in ops.items()
    )


OPERATIONS = _operations()
# Negative cases need something to make invalid.
CASES = [
    (method, path, mode)
    for method, path, takes_input in OPERATIONS
    for mode in GenerationMode
    if takes_input or mode is GenerationMode.POSITIVE
]


def run_operation(app, method: str, path: str, mode: GenerationMode, call) -> None:
    operation = schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", app)[path][method]

    @given(case=operation.as_strategy(mode))
    @EXAMPLES
    def check(case):
        call(case)

    check()


@pytest.mark.parametrize("method, path, mode", CASES, ids=lambda v: getattr(v, "value", v))
def test_signed_in_calls_keep_the_contract(contract, method, path, mode):
    run_operation(
        contract["app"], method, path, mode, lambda case: case.call_and_validate(headers=contract["auth"])
    )


@pytest.mark.parametrize("method, path", [(m, p) for m, p, _ in OPERATIONS])
def test_signed_out_calls_keep_the_contract_and_reach_nothing_secured(library, method, path):
    def call(case):
        response = case.call_and_validate()
        if case.operation.definition.raw.get("security"):
            assert response.status_code == 401, (case.method, case.path, response.status_code)

    run_operation(library, method, path, GenerationMode.POSITIVE, call)


def test_every_api_route_is_in_the_document_with_its_policy(library):
    spec = library.test_client().get(f"{BASE}/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    described = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routed = set()
    for rule in library.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            view = library.view_functions[rule.endpoint]
            assert getattr(view, OPERATION_ATTR, None) is not None, rule.endpoint
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == routed and len(routed) >= 18
    token_op = spec["paths"][f"{BASE}/auth/token"]["post"]
    assert token_op["security"] == [] and "429" in token_op["responses"]
    grid = spec["paths"][f"{BASE}/reports/cells/{{unit_id}}/campaigns/{{campaign_id}}"]["get"]
    assert grid["security"] == [{"bearer": []}] and {"401", "403", "404"} <= set(grid["responses"])


def test_an_api_view_without_an_operation_stops_the_build(library):
    view = library.view_functions["api.me"]
    operation = getattr(view, OPERATION_ATTR)
    try:
        delattr(view, OPERATION_ATTR)
        with pytest.raises(openapi.SpecError, match="api.me"):
            openapi.build(library, PREFIX + "/")
    finally:
        setattr(view, OPERATION_ATTR, operation)


def test_cors_is_closed_by_default(api, member_auth):
    response = api.get(f"{BASE}/me", headers={**member_auth, "Origin": "https://evil.example"})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    preflight = api.options(
        f"{BASE}/me", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_cors_opens_for_the_named_mobile_origin_only(library, member):
    library.config["API_CORS_ORIGINS"] = "https://app.sotay.example"
    client = library.test_client()
    auth = bearer(token_for(client, member.username))
    preflight = client.options(
        f"{BASE}/study/events",
        headers={
            "Origin": "https://app.sotay.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.sotay.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    answer = client.get(f"{BASE}/me", headers={**auth, "Origin": "https://app.sotay.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "https://app.sotay.example"
    assert "Origin" in answer.headers["Vary"] and "ETag" in answer.headers["Access-Control-Expose-Headers"]
    other = client.get(f"{BASE}/me", headers={**auth, "Origin": "https://app.sotay.example.evil"})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = client.get("/dang-nhap", headers={"Origin": "https://app.sotay.example"})
    assert "Access-Control-Allow-Origin" not in page.headers  # pages never open up


def test_pages_are_no_store_and_fingerprinted_static_files_immutable(anon_client):
    page = anon_client.get("/dang-nhap")
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    css = html.split('href="', 2)[1].split('"')[0] if "handbook.css" in html else ""
    assert "handbook.css?v=" in css
    with anon_client.get(css) as fresh:
        assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with anon_client.get("/static/handbook.css?v=old") as stale:
        assert stale.headers["Cache-Control"] == "public, no-cache"
