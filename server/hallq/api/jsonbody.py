"""A route reading its own JSON body: the same checks and the same 422 as FastAPI's, for less.

FastAPI turns a `body: Model` parameter into a dependency solved on every request. That machinery
costs more than everything else in taking a number, the hall's busiest request. So the issuing
route takes the request, and this module validates its bytes in one pass of pydantic's JSON
validator. The OpenAPI schema still names the model (see `json_body`), so /docs stays exact.
"""

from email.message import Message
from typing import TypeVar

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def json_body(model: type[BaseModel]) -> dict:
    """`openapi_extra` for a route that reads `model` itself: the request body as FastAPI documents it."""
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


def _is_json(content_type: str) -> bool:
    if content_type == "application/json":
        return True
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    json_subtype = subtype == "json" or subtype.endswith("+json")
    return message.get_content_maintype() == "application" and json_subtype


def parse(model: type[M], raw: bytes, content_type: str | None) -> M:
    """The body as `model`, or RequestValidationError (a 422 with `detail`) saying what is wrong."""
    if not raw:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required"}])
    if content_type is None or not _is_json(content_type):
        msg = "send the body as JSON (Content-Type: application/json)"
        raise RequestValidationError([{"type": "json_required", "loc": ("body",), "msg": msg}])
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        for error in errors:
            if error["type"] == "json_invalid":
                error["msg"] = "JSON decode error"
            error["loc"] = ("body", *error["loc"])
        raise RequestValidationError(errors) from None


def document(app: FastAPI, *models: type[BaseModel]) -> None:
    """Put the models that routes read themselves into the OpenAPI components, as FastAPI would."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schemas = generate().setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                for name, definition in found.pop("$defs", {}).items():
                    schemas.setdefault(name, definition)
                schemas[model.__name__] = found
        return app.openapi_schema

    app.openapi = openapi
