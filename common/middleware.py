"""Middleware every request passes: NUL characters and lone surrogates refused at the door, personal answers kept
out of caches."""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError

from common.urls import API_PREFIX

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NulCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            found = has_nul(request)
        except RequestDataTooBig:
            return self.refuse(request, 413, "The request is too large.", "too_large")
        except MultiPartParserError as exc:
            return self.refuse(request, 400, f"Malformed multipart request: {exc}", "bad_request")
        if found:
            return self.refuse(request, 400, "NUL characters are not allowed.", "bad_request")
        if has_lone_surrogate(request):
            # "\ud800" alone is valid JSON but no text: no database, PDF or e-mail can store or print it.
            return self.refuse(request, 400, "A \\u escape names half a character (a lone surrogate).", "bad_request")
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, status: int, detail: str, code: str) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": detail, "code": code}, status=status)
        return HttpResponseBadRequest(detail) if status == 400 else HttpResponse(detail, status=status)


def has_nul(request: HttpRequest) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in query or "%00" in query or "\x00" in request.path:
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.content_type == "application/json":
        return b"\x00" in request.body or b"\\u0000" in request.body
    if request.content_type in FORM_TYPES:
        # Form fields only: uploaded files may hold any byte and are read by their own parser.
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    return False


# A JSON escape of a UTF-16 surrogate (\ud800-\udfff): in pairs they write one character beyond the BMP.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def has_lone_surrogate(request: HttpRequest) -> bool:
    """A JSON body whose escapes leave half a character: only looked into when it holds a surrogate escape."""
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type != "application/json":
        return False
    if not _SURROGATE_ESCAPE.search(request.body):
        return False
    try:
        json.dumps(json.loads(request.body), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except ValueError:  # not JSON at all: the API's parser says so
        return False
    return False


class NoStoreMiddleware:
    """Keep what a signed-in person sees, and every API answer, out of browser and proxy caches.

    Those pages show beneficiaries' names and phone numbers: a shared computer's back button or a
    proxy must not serve them to the next person. A view that sets its own Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" in response or request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store, private"
        return response


class ContentSecurityPolicyMiddleware:
    """Send settings.BAGAGE_CONTENT_SECURITY_POLICY with every HTML page.

    The policy allows no inline script or style: scripts, style sheets and images come from this site only,
    no page may be framed, and forms post only here. An injected `<script>` or `style="..."` in a name or
    a note therefore does nothing. A view that sets its own Content-Security-Policy keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.BAGAGE_CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            if response.get("Content-Type", "").startswith("text/html"):
                response["Content-Security-Policy"] = policy
        return response
