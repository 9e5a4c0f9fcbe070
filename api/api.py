"""The one NinjaAPI of Bagage, mounted at /api/v1."""

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from api.auth import AUTH
from api.errors import error_body, install_error_handlers
from api.renderers import ORJSONRenderer
from api.routers import (
    accounts,
    audit,
    devices,
    exports,
    kits,
    labels,
    matching,
    notice,
    offers,
    organisations,
    receipts,
    referrals,
    reports,
    returns,
    sites,
    stock,
)
from api.throttling import ApiRateThrottle

# Every operation may answer these, always as ErrorOut ({"detail", "code"}): bad input, no or a wrong
# token, a role or an object out of reach, a conflict with the current state, a throttle.
DOCUMENTED_ERRORS = {
    400: "Bad request: malformed body, NUL characters.",
    401: "Not authenticated: sign in or send a Bearer token.",
    403: "Your role (or your organisation) does not allow this.",
    404: "Not found, or not yours to see.",
    409: "Conflict with the object's current state.",
    422: "Invalid input: `detail` names the field.",
    429: "Too many requests: wait (`Retry-After`), then try again.",
}


class BagageAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in DOCUMENTED_ERRORS.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, **error}
        return schema


api = BagageAPI(
    title="Bagage API",
    version="1",
    description="Donated devices and prepaid connectivity, from donation to handover.",
    auth=AUTH,
    renderer=ORJSONRenderer(),
    # Every operation (but the token endpoint, which has its own stricter one): per token and per address.
    throttle=[ApiRateThrottle()],
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
# Distribution's four resources, mounted where the one distribution router was.
api.add_router("", kits.router)
api.add_router("", receipts.router)
api.add_router("", returns.router)
api.add_router("", matching.router)
api.add_router("", notice.router)
api.add_router("", exports.router)
api.add_router("", reports.router)
api.add_router("", audit.router)


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any path under /api/v1 that names no operation."""
    return JsonResponse(error_body(404, f"No API operation at {request.path}."), status=404)
