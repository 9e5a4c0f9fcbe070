"""Every error of the API is JSON `{"detail": ..., "code": ...}` with a 4xx status."""

import logging
import math

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from api.schemas import OWN_ERROR_CODES
from common.exceptions import DomainError, ValidationFailed

logger = logging.getLogger("bagage.api")

STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
}


def error_body(status: int, detail: object, code: str | None = None, **extra: object) -> dict:
    return {"detail": detail, "code": code or STATUS_CODES.get(status, "error"), **extra}


WHERE = ("body", "payload", "query", "path")


def _location(error: dict) -> str:
    return ".".join(str(p) for p in error.get("loc", ()) if p not in WHERE)


def _field(errors: list[dict]) -> str | None:
    """The first field in error, as the domain's errors name it: `needs.device_kinds`, without a list index."""
    for error in errors:
        parts = [str(p) for p in error.get("loc", ()) if p not in WHERE and not isinstance(p, int)]
        if parts:
            return ".".join(parts)
    return None


def _describe_validation(errors: list[dict]) -> str:
    parts = []
    for error in errors:
        loc = _location(error)
        parts.append(f"{loc}: {error.get('msg')}" if loc else str(error.get("msg")))
    return "; ".join(parts) or "Invalid input."


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        # Messages are written for a person next to the field; an API client also needs its name.
        field = exc.extra.get("field")
        detail = f"{field}: {exc.message}" if field else exc.message
        extra = dict(exc.extra)
        if isinstance(exc, ValidationFailed) and field and "errors" not in extra:
            # Every field refusal lists its wrong fields, one or several (`{"field", "code", "detail"}`).
            extra["errors"] = exc.items()
        return respond(request, exc.status, error_body(exc.status, detail, exc.code, **extra))

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        # Each entry in the domain's shape (`field`, `code`, `detail`), keeping pydantic's own keys for older clients.
        errors = [
            {
                "field": _field([e]),
                "code": e.get("type") or "invalid",
                "detail": str(e.get("msg")),
                **{k: v for k, v in e.items() if k in ("loc", "msg", "type")},
            }
            for e in exc.errors
        ]
        field = _field(exc.errors)
        extra = {"field": field} if field else {}
        # The first error's own code where one of our types refused it (an id, a day, a period).
        first = exc.errors[0].get("type") if exc.errors else None
        code = first if first in OWN_ERROR_CODES else None
        return respond(request, 422, error_body(422, _describe_validation(exc.errors), code, errors=errors, **extra))

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request, exc: DjangoValidationError):
        return respond(request, 422, error_body(422, " ".join(exc.messages)))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return respond(request, 401, error_body(401, "Authentication required: sign in or send a Bearer token."))

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        # Which throttle refused says what it was: the API's rate limit (too many requests) or too many tokens
        # asked, wrong ones sent (the lockout's code, as the cure is the same: wait).
        if getattr(request, "throttled_code", None) == "rate_limited":
            body = error_body(429, "Too many requests: wait, then try again.", "rate_limited")
        else:
            body = error_body(429, "Too many attempts: wait, then try again.", "too_many_attempts")
        response = respond(request, 429, body)
        # django-ninja sets Retry-After itself on its throttles' answers; a throttle raised elsewhere (a wrong
        # token, in the authentication) gets it here.
        if exc.wait is not None:
            response["Retry-After"] = str(math.ceil(exc.wait))
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return respond(request, exc.status_code, error_body(exc.status_code, str(exc)))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, error_body(404, "Not found."))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return respond(request, 403, error_body(403, "Your role does not allow this."))

    @api.exception_handler(MultiPartParserError)
    def malformed_upload(request, exc):
        return respond(request, 400, error_body(400, f"Malformed multipart request: {exc}"))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return respond(request, 413, error_body(413, "The request is too large."))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        return respond(request, 400, error_body(400, "Bad request."))

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return respond(request, 500, error_body(500, "Internal server error."))
