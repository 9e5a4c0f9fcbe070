"""Who is calling: a personal bearer token, or the web session (with CSRF on writes)."""

from django.http import HttpRequest
from ninja.errors import HttpError, Throttled
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from accounts.models import User
from accounts.services import token_authenticate
from api.throttling import bad_token_allowed, token_authenticate_counted


def bearer_secret(request: HttpRequest) -> str | None:
    """The secret of an `Authorization: Bearer …` header, parsed as django-ninja's HttpBearer does; else None."""
    scheme, _, secret = (request.headers.get("Authorization") or "").partition(" ")
    return secret if scheme.lower() == "bearer" and secret else None


def session_user(request: HttpRequest) -> User | None:
    """The active user signed in by the session cookie, whatever the CSRF check says."""
    user = getattr(request, "user", None)
    if SessionAuth.param_name not in request.COOKIES or user is None or not user.is_authenticated:
        return None
    return user if user.is_active else None


def caller(request: HttpRequest) -> tuple[User, int | None] | None:
    """Who the API will take the request to come from, and by which token (None: the session); None if nobody.

    The same rules as `AUTH` below, without their side effects (no throttling of wrong tokens, no 403): a
    live token first, else the session when its CSRF check passes. For code that must know the caller
    before the operation runs (api.idempotency).
    """
    secret = bearer_secret(request)
    if secret is not None:
        token = token_authenticate(secret)
        if token is not None:
            return token.user, token.pk
    user = session_user(request)
    if user is None or check_csrf(request):
        return None
    return user, None


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # Counted against the API's rate limits in the same round trip (api.throttling decides on the counts).
        found = token_authenticate_counted(request, token)
        if found is None:
            # Counted per address: past BAGAGE_API_BAD_TOKEN_RATE, wrong tokens answer 429, not 401.
            wait = bad_token_allowed(request)
            if wait is not None:
                request.throttled_code = "too_many_attempts"
                raise Throttled(wait=wait)
            return None
        # The API's rate limit counts per token (api.throttling.ApiRateThrottle).
        request.api_token_id = found.pk
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's session; CSRF is checked only once we know there is a signed-in user.

    Ninja's own cookie auth checks CSRF first, which would answer a request with a bad
    bearer token and no session by a 403 about CSRF instead of a 401.
    """

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = session_user(request)
        if user is None:
            return None
        if check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header with the session's token.")
        return user


AUTH = [BearerTokenAuth(), SessionAuth()]
