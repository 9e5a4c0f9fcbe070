from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation

from api.errors import error_body
from common.urls import API_PREFIX


class ApiLanguageMiddleware:
    """The API answers in English unless the client asks for a language (Accept-Language).

    Its clients are scripts and their developers; the pages, not the API, speak French first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and "HTTP_ACCEPT_LANGUAGE" not in request.META:
            request.LANGUAGE_CODE = "en"
            # Override, not activate: the language must not stay with the thread after this request.
            with translation.override("en"):
                return self.get_response(request)
        return self.get_response(request)


class ApiJsonErrorMiddleware:
    """Turn the few errors Django answers itself under /api/v1/ (405, CSRF, 500…) into JSON.

    Ninja's own errors are JSON already; this catches what happens outside its handlers so
    that a client never has to parse an HTML error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            text = getattr(response, "content", b"").decode("utf-8", "replace").strip()
            detail = text if text and len(text) < 200 and "<" not in text else response.reason_phrase
            json_response = JsonResponse(error_body(response.status_code, detail), status=response.status_code)
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response
