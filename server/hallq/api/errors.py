"""The error responses every route may give, for the OpenAPI schema."""

from hallq.models.requests import ErrorBody

NOT_FOUND = {404: {"model": ErrorBody, "description": "unknown hall, service, window or ticket"}}
BAD_INPUT = {
    413: {"model": ErrorBody, "description": "request body too large"},
    422: {"model": ErrorBody, "description": "the body or a parameter is malformed"},
}
AUTH = {
    401: {"model": ErrorBody, "description": "missing, wrong or expired token"},
    403: {"model": ErrorBody, "description": "this role or user may not do that"},
}
CONFLICT = {409: {"model": ErrorBody, "description": "the current state does not allow it"}}
UNAVAILABLE = {503: {"model": ErrorBody, "description": "the database is unavailable"}}
PRINTER = {502: {"model": ErrorBody, "description": "the ticket printer failed; the ticket is still valid"}}
RATE = {429: {"model": ErrorBody, "description": "too many requests"}}


def responses(*groups: dict) -> dict:
    merged: dict = {}
    for group in (*groups, UNAVAILABLE):
        merged.update(group)
    return merged
