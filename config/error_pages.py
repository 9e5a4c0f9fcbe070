"""The project's error pages: JSON `{"detail", "code"}` under /api/, Django's templates (HTML) elsewhere.

They serve both faces, so they live here rather than in `web/` (which must not import `api/`).
"""

from django.http import JsonResponse
from django.views import defaults

from api.errors import error_body


def _api_error(request, status: int, detail: str) -> JsonResponse | None:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(status, detail), status=status)
    return None


def permission_denied(request, exception=None):
    return _api_error(request, 403, "Your role does not allow this.") or defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    return _api_error(request, 404, f"No API operation at {request.path}.") or defaults.page_not_found(
        request, exception
    )


def server_error(request):
    return _api_error(request, 500, "Internal server error.") or defaults.server_error(request)
