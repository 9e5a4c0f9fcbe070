"""Retries that do nothing twice: an `Idempotency-Key` header on the writes that create something.

The first request with a key is answered as usual and its answer kept for a day; a retry with the
same key and the same body gets that answer again and changes nothing; the same key with another
body is refused (422). Two requests with one key at the same instant: the second answers 409
until the first is done (the key's row is inserted first, under a unique constraint).

Keys belong to the caller as the API authenticates it (api.auth.caller): an account, and the token when one
was used. Nothing else in the request names the caller: a proxy's `Authorization: Basic …` shared by everyone,
a session cookie that no longer signs anyone in, a revoked token. A stored answer is replayed only to the
account that got it, through the same live token (or a session), and only while the account may still do
the operation; a request nobody is signed in for goes to the operation, which refuses it. What a stored answer
created (a kit, a referral naming a person) is shown again only while the account may still read it: moved to
another site or out of the organisation, the retry answers 404, as reading it would, and creates nothing.
"""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from accounts.models import User
from api.auth import caller
from api.errors import error_body
from api.models import IdempotencyRecord
from common.urls import API_PREFIX
from distribution import policies as distribution_policies
from inventory import policies as inventory_policies
from referrals import policies as referral_policies

HEADER = "HTTP_IDEMPOTENCY_KEY"
LIFETIME = dt.timedelta(days=1)
MAX_KEY = 200
# Answers given before the operation ran: not signed in, not allowed, over a rate limit. Not kept, so that the
# retry they call for does the work (and a stranger's requests leave no record behind).
NOT_RUN = {401, 403, 429}


def _under_api(rest: str) -> re.Pattern:
    """A path pattern under the API's prefix (common.urls.API_PREFIX, the one place it is written)."""
    return re.compile("^" + re.escape(API_PREFIX) + rest)


def _handover_allowed(user: User, allocation_id: str) -> bool:
    return (
        distribution_policies.allows(user, "kit.hand_over")
        and distribution_policies.allocations_for(user, "kit.hand_over").filter(pk=int(allocation_id)).exists()
    )


def _allocation_readable(user: User, allocation_id: int) -> bool:
    return distribution_policies.allocations_for(user, "kit.read").filter(pk=allocation_id).exists()


def _referral_readable(user: User, referral_id: int) -> bool:
    return referral_policies.referrals_for(user).filter(pk=referral_id).exists()


# What a stored answer names, by the path that created it: a replay shows it only to whom may still read it
# (a mediator moved to another site, a social worker who left the organisation: 404, as a read would answer).
READABLE: list[tuple[re.Pattern, Callable[[User, int], bool]]] = [
    (_under_api(r"allocations$"), _allocation_readable),
    (_under_api(r"referrals$"), _referral_readable),
]


def still_readable(user: User, path: str, body: bytes) -> bool:
    """Whether `user` may still read what the stored answer `body` of a write to `path` names (its `id`)."""
    check = next((readable for pattern, readable in READABLE if pattern.match(path)), None)
    if check is None:
        return True
    try:
        created = json.loads(body)
    except ValueError:
        return True
    created_id = created.get("id") if isinstance(created, dict) else None
    return not isinstance(created_id, int) or check(user, created_id)


# The writes that create something and that a flaky connection may make a client send twice, each with the
# check its operation makes before doing anything: a replay is given only to whom the operation would serve now.
OPERATIONS: list[tuple[re.Pattern, Callable[..., bool]]] = [
    (_under_api(r"devices$"), lambda user: inventory_policies.allows(user, "stock.write")),
    (_under_api(r"referrals$"), lambda user: referral_policies.allows(user, "referral.submit")),
    (_under_api(r"allocations$"), lambda user: distribution_policies.allows(user, "kit.reserve")),
    (_under_api(r"allocations/([0-9]{1,18})/handover$"), _handover_allowed),
    (
        _under_api(r"batches/[0-9]{1,18}/devices/import$"),
        lambda user: inventory_policies.allows(user, "stock.write"),
    ),
]


def operation_of(path: str) -> tuple[Callable[..., bool], tuple[str, ...]] | None:
    for pattern, allowed in OPERATIONS:
        match = pattern.match(path)
        if match:
            return allowed, match.groups()
    return None


def client_key(user: User, token_id: int | None) -> str:
    """The namespace of a caller's keys: the account, and the token when the request came with one."""
    return f"user:{user.pk}" if token_id is None else f"user:{user.pk}:token:{token_id}"


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        operation = operation_of(request.path) if key is not None and request.method == "POST" else None
        if operation is None:
            return self.get_response(request)
        if not key.strip() or len(key) > MAX_KEY:
            return JsonResponse(
                error_body(400, f"An Idempotency-Key has 1 to {MAX_KEY} characters.", "invalid_idempotency_key"),
                status=400,
            )
        who = caller(request)
        if who is None:
            # Nobody signed in: the operation answers (401, or 403 for a session without its CSRF token), and no
            # stored answer is ever looked up, let alone replayed.
            return self.get_response(request)
        user, token_id = who
        allowed, arguments = operation
        if not allowed(user, *arguments):
            # Not (or no longer) allowed: the operation refuses as it would without a key.
            return self.get_response(request)
        client = client_key(user, token_id)
        # Read before anything parses a form: the digest covers multipart imports too.
        try:
            digest = hashlib.sha256(request.body).hexdigest()
        except RequestDataTooBig:
            # Answered here as the API answers it without a key (413, JSON), not by Django's HTML 400 page.
            return JsonResponse(error_body(413, "The request is too large."), status=413)
        now = timezone.now()
        IdempotencyRecord.objects.filter(client=client, key=key, created_at__lt=now - LIFETIME).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    client=client, key=key, method=request.method, path=request.path, request_sha256=digest
                )
        except IntegrityError:
            return self.replay(client, key, request, digest, user)
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
    def replay(client: str, key: str, request: HttpRequest, digest: str, user: User) -> HttpResponse:
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
        body = bytes(record.body)
        if 200 <= record.status < 300 and not still_readable(user, record.path, body):
            # What it created is out of the caller's scope now: not shown again, and not created twice.
            return JsonResponse(
                error_body(404, "What this request created is no longer yours to read.", "not_found"), status=404
            )
        response = HttpResponse(body, status=record.status, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response
