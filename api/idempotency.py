"""Retries that do nothing twice: an `Idempotency-Key` header on the writes that create something.

The first request with a key is answered as usual and its answer kept for a day; a retry with the
same key and the same body gets that answer again and changes nothing; the same key with another
body is refused (422). Two requests with one key at the same instant: the second answers 409
until the first is done (the key's row is inserted first, under a unique constraint).
"""

import datetime as dt
import hashlib
import re

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from api.errors import error_body
from api.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
LIFETIME = dt.timedelta(days=1)
MAX_KEY = 200
# Answers given before the operation ran: not signed in, not allowed, over a rate limit. Not kept, so that the
# retry they call for does the work (and a stranger's requests leave no record behind).
NOT_RUN = {401, 403, 429}
# The writes that create something and that a flaky connection may make a client send twice.
PATHS = re.compile(
    r"^/api/v1/(devices|referrals|allocations|allocations/[0-9]+/handover|batches/[0-9]+/devices/import)$"
)


def client_of(request: HttpRequest) -> str | None:
    """Who is calling, as a digest: their bearer token, or their session."""
    credential = request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get("sessionid")
    return hashlib.sha256(credential.encode()).hexdigest() if credential else None


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if key is None or request.method != "POST" or not PATHS.match(request.path):
            return self.get_response(request)
        client = client_of(request)
        if not key.strip() or len(key) > MAX_KEY or client is None:
            return JsonResponse(
                error_body(
                    400,
                    f"An Idempotency-Key has 1 to {MAX_KEY} characters and needs a signed-in client.",
                    "invalid_idempotency_key",
                ),
                status=400,
            )
        digest = hashlib.sha256(request.body).hexdigest()
        now = timezone.now()
        IdempotencyRecord.objects.filter(client=client, key=key, created_at__lt=now - LIFETIME).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    client=client, key=key, method=request.method, path=request.path, request_sha256=digest
                )
        except IntegrityError:
            return self.replay(client, key, request, digest)
        try:
            response = self.get_response(request)
        except Exception:
            record.delete()
            raise
        if response.status_code in NOT_RUN or response.status_code >= 500 or getattr(response, "streaming", False):
            # Nothing was done (refused before the operation ran, or a 5xx rolled it back): the client may retry
            # with the same key, once signed in or once the wait a 429 asked for is over.
            record.delete()
            return response
        record.status = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.body = response.content
        record.save(update_fields=["status", "content_type", "body"])
        return response

    @staticmethod
    def replay(client: str, key: str, request: HttpRequest, digest: str) -> HttpResponse:
        record = IdempotencyRecord.objects.filter(client=client, key=key).first()
        if record is None or record.status is None:
            return JsonResponse(
                error_body(
                    409,
                    "A request with this Idempotency-Key is being answered; retry in a moment.",
                    "idempotency_key_in_use",
                ),
                status=409,
            )
        if record.request_sha256 != digest or record.path != request.path:
            return JsonResponse(
                error_body(422, "This Idempotency-Key was used for another request.", "idempotency_key_reused"),
                status=422,
            )
        response = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response
