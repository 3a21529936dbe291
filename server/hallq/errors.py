"""What the domain says when it refuses. The API turns each into its HTTP status with a JSON detail."""


class HallQError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, detail: str, *, code: str | None = None, keep_changes: bool = False):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        # Commit what the transaction wrote before raising (e.g. a failed sign-in's count).
        self.keep_changes = keep_changes


class NotFound(HallQError):
    status = 404
    code = "not_found"


class Conflict(HallQError):
    """The action makes no sense in the current state (calling while paused, finishing nothing)."""

    status = 409
    code = "conflict"


class Unauthorized(HallQError):
    status = 401
    code = "unauthorized"


class Forbidden(HallQError):
    status = 403
    code = "forbidden"


class Invalid(HallQError):
    status = 422
    code = "invalid"


class TooManyRequests(HallQError):
    status = 429
    code = "rate_limited"


class Unavailable(HallQError):
    status = 503
    code = "unavailable"
