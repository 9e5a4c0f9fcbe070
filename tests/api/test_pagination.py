"""Every list of the API answers {count, page, page_size, pages, items}, page by page, in two queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import ApiClient
from tests.factories import DeviceFactory, LineItemFactory, OfferFactory, ReferralFactory

pytestmark = pytest.mark.django_db

PAGINATED = ["/api/v1/devices", "/api/v1/offers/{offer_id}/items", "/api/v1/referrals", "/api/v1/access-log"]


def test_a_page_says_how_many_items_and_pages_there_are(warehouse_api):
    tags = [DeviceFactory().asset_tag for _ in range(5)]
    newest_first = tags[::-1]
    pages = [warehouse_api.get("devices", {"page": n, "page_size": 2}).json() for n in (1, 2, 3)]
    for number, page in enumerate(pages, start=1):
        assert list(page) == ["count", "page", "page_size", "pages", "items"]
        assert (page["count"], page["page"], page["page_size"], page["pages"]) == (5, number, 2, 3)
    assert [d["asset_tag"] for page in pages for d in page["items"]] == newest_first


def test_a_page_past_the_last_is_empty_and_an_empty_list_has_one_page(warehouse_api):
    assert warehouse_api.get("devices").json() == {"count": 0, "page": 1, "page_size": 50, "pages": 1, "items": []}
    DeviceFactory()
    past = warehouse_api.get("devices", {"page": 2}).json()
    assert (past["count"], past["pages"], past["items"]) == (1, 1, [])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": 1_000_001}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 501}, "page_size"),
    ],
)
def test_a_page_out_of_bounds_answers_422_naming_the_parameter(warehouse_api, params, field):
    response = warehouse_api.get("devices", params)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("validation_error", field)


def test_the_largest_page_and_page_size_are_accepted(warehouse_api):
    DeviceFactory()
    assert warehouse_api.get("devices", {"page_size": 500}).json()["page_size"] == 500
    assert warehouse_api.get("devices", {"page": 1_000_000}).json()["items"] == []


@pytest.mark.parametrize("page_size", [1, 7, 20])
def test_a_page_and_its_count_cost_one_query_whatever_its_size(warehouse_user, page_size):
    api = ApiClient(warehouse_user)
    offer = OfferFactory()
    for _ in range(20):
        LineItemFactory(offer=offer)
    api.get("me")
    with CaptureQueriesContext(connection) as queries:
        page = api.get(f"offers/{offer.pk}/items", {"page_size": page_size}).json()
    assert len(page["items"]) == page_size and page["count"] == 20
    assert page["pages"] == -(-20 // page_size)
    reads = [q["sql"] for q in queries if '"inventory_lineitem"' in q["sql"]]
    assert len(reads) == 1 and "COUNT(" in reads[0].upper(), [q["sql"] for q in queries]


def test_past_the_last_page_the_count_is_still_given(warehouse_api):
    for _ in range(3):
        DeviceFactory()
    page = warehouse_api.get("devices", {"page": 5, "page_size": 2}).json()
    assert (page["count"], page["pages"], page["items"]) == (3, 2, [])
    last = warehouse_api.get("devices", {"page": 2, "page_size": 2}).json()
    assert (last["count"], len(last["items"])) == (3, 1)
    assert all("page_count" not in key for item in last["items"] for key in item)


def test_the_referral_list_is_summarised_for_whoever_asks(coordinator_api):
    referral = ReferralFactory()
    own = ApiClient(referral.social_worker).get("referrals").json()["items"]
    staff = coordinator_api.get("referrals").json()["items"]
    last_name = referral.beneficiary.last_name
    assert [item["beneficiary"]["last_name"] for item in own] == [last_name]
    assert [item["beneficiary"]["last_name"] for item in staff] == [f"{last_name[0]}."]
    assert staff[0]["needs"] == {"device_kinds": ["smartphone"], "connectivity": "sim", "accessories": []}
    assert staff[0]["organisation"] == {"id": referral.organisation_id, "name": referral.organisation.name}


@pytest.mark.parametrize("path", PAGINATED)
def test_the_schema_describes_the_page_and_its_parameters(path):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"][path]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["page"] == {"default": 1, "maximum": 1_000_000, "minimum": 1, "title": "Page", "type": "integer"}
    assert parameters["page_size"] == {
        "default": 50,
        "maximum": 500,
        "minimum": 1,
        "title": "Page Size",
        "type": "integer",
    }
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert page["required"] == ["count", "page", "page_size", "pages", "items"]
    assert page["properties"]["items"]["type"] == "array"


def test_beyond_the_exact_count_limit_count_and_pages_are_null_unless_asked(warehouse_api, monkeypatch):
    monkeypatch.setattr("api.pagination.EXACT_COUNT_LIMIT", 3)
    for _ in range(5):
        DeviceFactory()
    page = warehouse_api.get("devices", {"page_size": 2}).json()
    assert (page["count"], page["pages"], len(page["items"])) == (None, None, 2)
    counted = warehouse_api.get("devices", {"page_size": 2, "count": "true"}).json()
    assert (counted["count"], counted["pages"]) == (5, 3)
    assert [d["asset_tag"] for d in counted["items"]] == [d["asset_tag"] for d in page["items"]]
    filtered = warehouse_api.get("devices", {"page_size": 2, "q": page["items"][0]["asset_tag"]}).json()
    assert (filtered["count"], filtered["pages"]) == (1, 1)


# The page's query is compiled once per connection for each caller and set of parameters (api.pagination), then
# only executed: what it answers must still be what the caller may read now, and the rows of the moment.


def compiled_pages() -> dict:
    from api.pagination import _compiled_pages

    return _compiled_pages(connection.alias)


def test_a_page_read_again_runs_its_compiled_query_on_the_rows_of_the_moment(warehouse_api):
    compiled_pages().clear()
    first = DeviceFactory().asset_tag
    assert [d["asset_tag"] for d in warehouse_api.get("devices").json()["items"]] == [first]
    kept = len(compiled_pages())
    second = DeviceFactory().asset_tag
    again = warehouse_api.get("devices").json()
    assert len(compiled_pages()) == kept == 1  # the same query, not compiled anew
    assert (again["count"], [d["asset_tag"] for d in again["items"]]) == (2, [second, first])
    other = warehouse_api.get("devices", {"status": "received", "page_size": 1}).json()
    assert len(compiled_pages()) == 2  # another filter, another page size: its own query
    assert other["count"] == 2 and len(other["items"]) == 1


def test_a_mediator_moved_to_another_site_reads_that_site_s_referrals(db):
    from tests.accounts.factories import UserFactory
    from tests.sites.factories import SiteFactory

    compiled_pages().clear()
    saint_denis, lyon = SiteFactory(code="SD"), SiteFactory(code="LY")
    here = ReferralFactory(accepted=True, site=saint_denis)
    there = ReferralFactory(accepted=True, site=lyon)
    mediator = UserFactory(mediator=True, site=saint_denis)
    api = ApiClient(mediator)
    assert [r["id"] for r in api.get("referrals").json()["items"]] == [here.pk]
    mediator.site = lyon
    mediator.save()
    assert [r["id"] for r in api.get("referrals").json()["items"]] == [there.pk]


def test_two_callers_with_the_same_parameters_read_their_own_lists(coordinator_api, social_worker_api):
    # Two social workers: the same role, no site; only who they are tells their lists apart.
    compiled_pages().clear()
    own = ReferralFactory(social_worker=social_worker_api.user)
    theirs = ReferralFactory()  # another organisation's
    colleague_elsewhere = ApiClient(theirs.social_worker)
    assert len(coordinator_api.get("referrals").json()["items"]) == 2
    assert [r["id"] for r in social_worker_api.get("referrals").json()["items"]] == [own.pk]
    assert [r["id"] for r in colleague_elsewhere.get("referrals").json()["items"]] == [theirs.pk]
    assert len(coordinator_api.get("referrals").json()["items"]) == 2


def test_a_connection_keeps_a_bounded_number_of_compiled_pages(warehouse_api, monkeypatch):
    from api import pagination

    monkeypatch.setattr(pagination, "COMPILED_PAGES_PER_CONNECTION", 2)
    compiled_pages().clear()
    DeviceFactory()
    for size in (1, 2, 3):
        assert warehouse_api.get("devices", {"page_size": size}).status_code == 200
    assert len(compiled_pages()) == 2
    assert [key[5] for key in compiled_pages()] == [2, 3]  # the least recently used went first


def test_a_deferred_list_is_built_only_when_its_page_is_not_compiled(warehouse_api, monkeypatch):
    # The device list returns its queryset Deferred: a page read again runs its compiled query without building
    # the queryset; past the last page, the count still needs it, and gets it.
    from inventory import selectors

    compiled_pages().clear()
    built = []
    device_list = selectors.device_list
    monkeypatch.setattr(selectors, "device_list", lambda **filters: built.append(filters) or device_list(**filters))
    DeviceFactory()
    assert warehouse_api.get("devices").json()["count"] == 1
    assert warehouse_api.get("devices").json()["count"] == 1
    assert len(built) == 1
    assert warehouse_api.get("devices", {"page": 3}).json()["count"] == 1
    assert warehouse_api.get("devices", {"page": 3}).json()["items"] == []
    assert len(built) == 3  # compiled, then asked again for the count past the last page
