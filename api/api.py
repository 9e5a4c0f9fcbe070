"""The one NinjaAPI of Bagage, mounted at /api/v1."""

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI

from api.auth import AUTH
from api.errors import error_body, install_error_handlers
from api.routers import (
    accounts,
    devices,
    distribution,
    exports,
    labels,
    notice,
    offers,
    organisations,
    referrals,
    reports,
    sites,
    stock,
)

api = NinjaAPI(
    title="Bagage API",
    version="1",
    description="Donated devices and prepaid connectivity, from donation to handover.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("", accounts.router)
api.add_router("", sites.router)
api.add_router("", stock.router)
api.add_router("", devices.router)
api.add_router("", offers.router)
api.add_router("", labels.router)
api.add_router("", organisations.router)
api.add_router("", referrals.router)
api.add_router("", distribution.router)
api.add_router("", notice.router)
api.add_router("", exports.router)
api.add_router("", reports.router)


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any path under /api/v1 that names no operation."""
    return JsonResponse(error_body(404, f"No API operation at {request.path}."), status=404)
