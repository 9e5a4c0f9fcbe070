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

    def items(self) -> list[dict]:
        """Each wrong field as `{"field", "code", "detail"}`: the ones gathered, or this one alone."""
        gathered = self.extra.get("errors")
        if isinstance(gathered, list) and all(isinstance(item, dict) and "field" in item for item in gathered):
            return gathered
        return [{"field": self.extra.get("field"), "code": self.code, "detail": self.message}]

    @classmethod
    def gather(cls, errors: list["ValidationFailed"]) -> "ValidationFailed":
        """One refusal for several wrong fields: the first one's message, code and field; `errors` lists them all."""
        items = [item for error in errors for item in error.items()]
        first = items[0]
        return cls(first["detail"], first["code"], field=first["field"], errors=items)


class FieldErrors:
    """Collects the refusals of several checks, so that every wrong field is told at once.

    `check(clean_x, …)` runs a cleaning function and returns its value, or None and keeps its refusal;
    `raise_if_any()` raises them as one ValidationFailed (ValidationFailed.gather), in the order checked.
    """

    def __init__(self) -> None:
        self.errors: list[ValidationFailed] = []

    def add(self, error: ValidationFailed) -> None:
        self.errors.append(error)

    def check(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValidationFailed as exc:
            self.add(exc)
            return None

    def fields(self) -> set[str]:
        return {item["field"] for error in self.errors for item in error.items()}

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed.gather(self.errors)


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
