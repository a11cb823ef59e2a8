"""The OpenAPI 3.1 document, built from the routes themselves so it cannot drift.

Each API view declares its operation with @operation (summary, query parameters,
body and answers). Paths, methods, path parameters and security come from the URL
map and the view's access policy; the error answers every operation can give are
added here, once. A view under the API prefix without @operation stops the build."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask

from handbook.api import schemas
from handbook.db import MAX_ID
from handbook.policies import policy_of

OPERATION_ATTR = "api_operation"
_RULE_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_PATH_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    "string": {"type": "string", "pattern": r"^[^/]+$", "maxLength": 200},
}


class SpecError(RuntimeError):
    """An API route the document cannot describe."""


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    responses: dict[int, str | None]  # status → component schema name (None: no body)
    query: tuple[Param, ...] = ()
    body: str | None = None
    headers: tuple[Param, ...] = ()
    description: str = ""


def operation(
    summary: str,
    *,
    tag: str,
    responses: dict[int, str | None],
    query: tuple[Param, ...] = (),
    body: str | None = None,
    headers: tuple[Param, ...] = (),
    description: str = "",
):
    def decorator(view):
        setattr(view, OPERATION_ATTR, Operation(summary, tag, responses, query, body, headers, description))
        return view

    return decorator


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def replace(match: re.Match) -> str:
        converter, name = match.group(1) or "string", match.group(2)
        if converter not in _PATH_SCHEMAS:
            raise SpecError(f"converter {converter!r} in {rule} has no schema")
        params.append({"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMAS[converter]})
        return "{" + name + "}"

    return _RULE_ARG.sub(replace, rule), params


def _param(param: Param, where: str) -> dict:
    described = {"name": param.name, "in": where, "required": param.required, "schema": param.schema}
    if param.description:
        described["description"] = param.description
    return described


def _answer(status: int, schema: str | None) -> dict:
    answer: dict = {"description": schemas.DESCRIPTIONS.get(status, "Kết quả")}
    if schema is not None:
        answer["content"] = {"application/json": {"schema": schemas.ref(schema)}}
    if status == 200 and schema == "Document":
        answer["headers"] = {
            "ETag": {"schema": {"type": "string"}, "description": "Phiên bản nội dung của văn bản."}
        }
    if status == 401:
        answer["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return answer


def _errors(op: Operation, policy_name: str, has_path_params: bool) -> dict[int, str]:
    errors = {400: "Error"}
    if op.query or op.body:
        errors[422] = "Error"
    if has_path_params:
        errors[404] = "Error"
    if policy_name != "public":
        errors[401] = "Error"
    if policy_name == "roles":
        errors[403] = "Error"
    return errors


def _operation(endpoint: str, method: str, op: Operation, policy_name: str, path_params: list[dict]) -> dict:
    answers = {**_errors(op, policy_name, bool(path_params)), **op.responses}
    described: dict = {
        "operationId": f"{endpoint.removeprefix('api.')}_{method}",
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": path_params
        + [_param(p, "query") for p in op.query]
        + [_param(p, "header") for p in op.headers],
        "responses": {str(status): _answer(status, schema) for status, schema in sorted(answers.items())},
        "security": [] if policy_name == "public" else [{"bearer": []}],
    }
    if op.description:
        described["description"] = op.description
    if op.body:
        described["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.ref(op.body)}},
        }
    return described


def build(app: Flask, prefix: str) -> dict:
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(prefix):
            continue
        view = app.view_functions[rule.endpoint]
        op, policy = getattr(view, OPERATION_ATTR, None), policy_of(app, rule.endpoint)
        if op is None or policy is None:
            raise SpecError(f"{rule.endpoint} lacks @operation or an access policy")
        path, path_params = _path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule.endpoint, method.lower(), op, policy.name, path_params
            )
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sổ tay Đảng viên API", "version": "1", "description": schemas.API_DESCRIPTION},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas.COMPONENTS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Mã truy cập nhận từ POST /api/v1/auth/token.",
                }
            },
        },
    }
