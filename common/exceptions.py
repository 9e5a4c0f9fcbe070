"""Errors that services raise and the API turns into `{"detail", "code"}` responses.

Domain packages subclass these; `api/errors.py` maps each family to one HTTP status.
"""


class DomainError(Exception):
    """A request that the domain refuses; nothing has been written."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, code: str | None = None, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class AlreadyReserved(Conflict):
    code = "already_reserved"
