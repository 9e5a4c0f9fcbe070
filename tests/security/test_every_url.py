"""Every URL of the project, with odd ids and days in its path and in every query parameter, answers below 500.

The URL patterns are read from the urlconf itself and the API's query parameters from its operations, so a new
route or API parameter is walked without anyone adding it here. The pages read their query parameters by hand:
PAGE_QUERY_PARAMS records them per URL name, a page missing from it fails the test, and so does a parameter that
a view module reads (`request.GET…("name")`, or a form bound to request.GET) without being recorded (issue 19,
item 5).
"""

import inspect
import re
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from accounts.enums import Role
from api.api import api
from distribution import services as distribution
from distribution.models import Receipt
from referrals.models import NoticeVersion, Referral
from tests.factories import BatchFactory, DeviceFactory, LineItemFactory, UserFactory, valid_imei
from tests.reports.conftest import accepted, device, network  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

ODD = ["²", "-1", "99999999999999999999", "0001-01-01", "9999-12-31"]
ROOT = Path(__file__).resolve().parents[2]

# Query parameters each page reads (URL name → names). A page not listed here fails the test.
PAGE_QUERY_PARAMS = {
    "set_language": ["next", "language"],
    "web:login": ["next"],
    "web:logout": ["next"],
    "web:home": [],
    "web:password_reset": [],
    "web:password_reset_done": [],
    "web:password_reset_confirm": [],
    "web:password_reset_complete": [],
    "web:invitation": [],
    "web:referrals": ["status", "q", "page", "answered"],
    "web:referral_new": [],
    "web:referral": [],
    "web:referral_edit": [],
    "web:notice": ["lang"],
    "web:notice_versions": [],
    "web:notice_version": ["lang"],
    "web:kit_reserve": [],
    "web:kits": ["site", "status"],
    "web:kit_labels": ["id", "stock"],
    "web:kit": [],
    "web:kit_release": [],
    "web:kit_appointment": [],
    "web:kit_handover": [],
    "web:kit_topup": [],
    "web:kit_give_back": [],
    "web:message_settings": [],
    "web:receipt_pdf": ["copy"],
    "web:receipt": [],
    "web:device_return": [],
    "web:partners": [],
    "web:partner": [],
    "web:access_log": ["referral", "user"],
    "web:audit": ["user", "object_type", "object_id", "from", "to"],
    "web:scan": ["code"],
    "web:devices": ["status", "kind", "site", "grade", "q", "page"],
    "web:device": [],
    "web:device_action": [],
    "web:offers": [],
    "web:offer": ["status", "page"],
    "web:offer_labels": [],
    "web:shelf_labels": [],
    "web:batches": ["site", "page"],
    "web:batch": ["kind", "brand", "model"],
    "web:sites": [],
    "web:site": [],
    "web:matching": [],
    "web:matching_plan": [],
    "web:matching_result": [],
    "web:matching_labels": [],
    "web:dashboard": ["date_from", "date_to", "site"],
    "web:dashboard_chart": ["date_from", "date_to", "site"],
}
# The admin's changelists read these (Django's own; list filters come on top).
ADMIN_QUERY_PARAMS = ["q", "o", "p", "_changelist_filters"]
# URLs that are patterns of regular expressions, written out by hand.
REGEX_URLS = {
    r"^(?P<app_label>auth|axes|sites|accounts|inventory|referrals|django_tasks_database)/$": [
        "/admin/inventory/",
        "/admin/²/",
    ],
    r"(?P<url>.*)$": ["/admin/nowhere/", "/admin/99999999999999999999/"],
    r"^api/v1/.*$": ["/api/v1/nowhere", "/api/v1/devices/%C2%B2/nowhere"],
}
# The API's own pages (no operation of ours): its schema, its docs, its root.
API_PAGES = {"openapi-json", "openapi-view", "api-root"}
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def walk(patterns, prefix=""):
    """(route, pattern) for every URL pattern, the prefixes of its includes joined."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def ninja_operations() -> dict[str, list]:
    """The API's operations by URL name, each with its methods and query parameter names (aliases)."""
    found = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                params = []
                for model in operation.models:
                    if model.__ninja_param_source__ != "query":
                        continue
                    for name, field in model.model_fields.items():
                        nested = getattr(field.annotation, "model_fields", None)
                        if nested:
                            params += [inner.alias or inner_name for inner_name, inner in nested.items()]
                        else:
                            params.append(field.alias or name)
                name = getattr(operation, "url_name", None) or operation.view_func.__name__
                found.setdefault(name, []).append((operation.methods, params))
    return found


@pytest.fixture
def world(network):  # noqa: F811
    """The reports' small network, plus a held kit, a batch, SIMs, a plan, a notice and a spare account."""
    sd, mediator, warehouse = network["sd"], network["mediator"], network["warehouse"]
    social_worker = network["referrals"]["laptop"].social_worker
    coordinator = network["coordinator"]
    coordinator.is_staff = coordinator.is_superuser = True  # as the demo's coordinator: the admin is walked too
    coordinator.save()
    waiting = accepted(
        sd, social_worker, mediator, kinds=["smartphone"], eligibility=["rsa"], postal_code="93200", days_ago=3
    )
    held = distribution.allocation_reserve(
        user=mediator, referral=waiting.pk, device=device(sd, warehouse, "smartphone")
    )
    batch = BatchFactory(site=sd)
    in_batch = DeviceFactory(site=sd, batch=batch, created_by=warehouse, imei=valid_imei(55_001))
    item = LineItemFactory(site=sd)
    plan = distribution.proposal_create(user=mediator, site=sd)
    receipt = Receipt.objects.order_by("id").first()
    spare = UserFactory(warehouse=True, site=sd)
    notice = NoticeVersion.objects.order_by("id").first()
    samples = {
        "referral_id": network["referrals"]["laptop"].pk,
        "allocation_id": held.pk,
        "asset_tag": in_batch.asset_tag,
        "number": receipt.number,
        "code": sd.code,
        "organisation_id": network["ccas"].pk,
        "offer_id": item.offer_id,
        "item_id": item.pk,
        "batch_id": batch.pk,
        "donor_id": batch.donor_id,
        "proposal_id": plan.pk,
        "token_id": 1,
        "user_id": spare.pk,
        "id": spare.pk,
        "version": notice.label if notice else "1",
        "secret": "no-such-invitation-secret",
        "uidb64": "MQ",
        "token": "set-password",
        "fmt": "csv",
        "name": "handovers",
        "object_id": str(network["referrals"]["laptop"].pk),
        "content_type_id": ContentType.objects.get_for_model(Referral).pk,
    }
    users = {
        Role.COORDINATOR: coordinator,
        Role.MEDIATOR: mediator,
        Role.WAREHOUSE: warehouse,
        Role.SOCIAL_WORKER: social_worker,
    }
    return {"samples": samples, "users": users}


def fill(route: str, values: dict) -> str:
    return "/" + PARAM.sub(lambda m: quote(str(values[m.group("name")]), safe=""), route)


def requests_for(route: str, pattern: URLPattern, samples: dict, operations: dict, *, staff: bool):
    """(method, url, query) triples: the real path, each path parameter odd in turn, each query parameter odd.

    A write (POST, PATCH, DELETE) is sent only with odd ids in its path, so that the walk changes nothing. The
    admin, Django's own, is walked in full by staff only (its views all share one `get_object`: the odd ids go to
    each model's change page, the odd values to every changelist's parameters at once); others are sent away at
    its door, once per pattern.
    """
    if isinstance(pattern.pattern, RegexPattern):
        key = str(pattern.pattern)
        assert key in REGEX_URLS, f"No URLs written out for the pattern {route!r}: add them to REGEX_URLS."
        return [("get", url, {}) for url in REGEX_URLS[key]]
    names = [m.group("name") for m in PARAM.finditer(route)]
    missing = [name for name in names if name not in samples]
    assert not missing, f"No sample value for {missing} of {route!r}: add one to the world fixture."
    name = pattern.name or ""
    real = fill(route, samples)
    if route.startswith("admin/"):
        if not staff:
            return [("get", real, {})]
        out = [("get", real, {})]
        if name.endswith("_change"):
            out += [("get", fill(route, {**samples, param: odd}), {}) for param in names for odd in ODD]
        if name.endswith("_changelist"):
            out += [("get", real, dict.fromkeys(ADMIN_QUERY_PARAMS, odd)) for odd in ODD]
        return out
    if route.startswith("api/v1/") and name in operations:
        calls = operations[name]
    else:
        key = name if name == "set_language" else f"web:{name}"
        assert key in PAGE_QUERY_PARAMS or name in API_PAGES, (
            f"The page {route!r} ({key}) has no entry in PAGE_QUERY_PARAMS: record the query parameters it reads."
        )
        calls = [(["GET"], PAGE_QUERY_PARAMS.get(key, []))]
    converters = getattr(pattern.pattern, "converters", {})

    def reaches(param: str, odd: str) -> bool:
        """Whether the path converter lets the odd value through to this view (else the URL is another's)."""
        converter = converters.get(param)
        return converter is None or re.fullmatch(converter.regex, odd) is not None

    odd_paths = [fill(route, {**samples, param: odd}) for param in names for odd in ODD if reaches(param, odd)]
    out = []
    for methods, query in calls:
        for method in (m.lower() for m in methods):
            if method == "get":
                out.append((method, real, {}))
                out += [(method, real, {param: odd}) for param in query for odd in ODD]
            out += [(method, url, {}) for url in odd_paths]
    return out


def every_request(samples: dict, *, staff: bool) -> list:
    operations = ninja_operations()
    found = []
    for route, pattern in walk(get_resolver().url_patterns):
        found += requests_for(route, pattern, samples, operations, staff=staff)
    return found


def test_every_url_answers_odd_ids_and_days_without_a_server_error(world):
    """Each of the four roles in turn (one world: the walk writes nothing)."""
    errors = []

    def keep(sender, request=None, **kwargs):
        errors.append(repr(sys.exc_info()[1]))

    got_request_exception.connect(keep)
    failures, throttled = [], 0
    try:
        for role, user in world["users"].items():
            client = Client(raise_request_exception=False)
            client.force_login(user)
            refused = None
            for method, url, query in every_request(world["samples"], staff=user.is_staff):
                # A page or operation that refuses the role outright (403 on its real URL) reads nothing more of
                # the request for it; the roles it serves walk its odd values.
                if method == "get" and url == refused:
                    continue
                errors.clear()
                if method == "get":
                    response = client.get(url, query)
                else:
                    response = getattr(client, method)(url, {}, content_type="application/json")
                if method == "get" and not query and response.status_code == 403:
                    refused = url
                throttled += response.status_code == 429
                if response.status_code >= 500:
                    failures.append(
                        f"{role} {method.upper()} {url} {query} → {response.status_code} {' '.join(errors)}"
                    )
    finally:
        got_request_exception.disconnect(keep)
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:80])
    assert not throttled, f"{throttled} answers were 429: the walk did not reach those views"


def test_every_query_parameter_a_page_reads_is_recorded():
    """A parameter read in a view module (or a field of a form bound to request.GET) is in PAGE_QUERY_PARAMS."""
    from django import forms

    recorded = {name for names in PAGE_QUERY_PARAMS.values() for name in names}
    read = set()
    form_classes = {}
    for path in (ROOT / "web").rglob("*.py"):
        text = path.read_text()
        read |= set(re.findall(r"request\.GET(?:\.get|\.getlist)?[\(\[]\s*[\"'](\w+)[\"']", text))
        read |= set(re.findall(r"\bGET\.get(?:list)?\(\s*[\"'](\w+)[\"']", text))
        form_classes.update(dict.fromkeys(re.findall(r"(\w+Form)\(\s*request\.GET", text), path))
    for class_name, path in form_classes.items():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        views = __import__(module, fromlist=[class_name])
        form_class = getattr(views, class_name)
        assert inspect.isclass(form_class) and issubclass(form_class, forms.BaseForm)
        read |= set(form_class.base_fields)
    assert read, "the scan found no query parameter at all: it is broken"
    assert read <= recorded, f"Read by the pages but not walked: {sorted(read - recorded)}"


def test_every_page_of_the_urlconf_is_recorded_and_nothing_recorded_is_gone():
    names = set()
    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith(("api/", "^api/", "admin/")) and pattern.name:
            names.add(pattern.name if pattern.name == "set_language" else f"web:{pattern.name}")
    assert names == set(PAGE_QUERY_PARAMS)
