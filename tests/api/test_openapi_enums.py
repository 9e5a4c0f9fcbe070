"""The OpenAPI schema lists the values of every fixed set, so that a generated client knows them."""

import pytest
from django.test import Client

from accounts.enums import Role
from inventory.enums import (
    DeviceEventKind,
    DeviceKind,
    DeviceStatus,
    DonorKind,
    ErasureMethod,
    ErasureResult,
    Grade,
    LineItemStatus,
    OfferKind,
    StorageType,
)
from labels.stocks import STOCKS
from referrals import workflows
from referrals.enums import (
    Accessory,
    Authorisation,
    Connectivity,
    Eligibility,
    OrganisationKind,
    Reason,
    ReferralEventKind,
    ReferralStatus,
    Urgency,
)
from tests.factories import SiteFactory
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db

# Dotted path from a component to a field; "[]" steps into an array's items.
CASES = [
    ("ReferralIn", "reason", Reason.values),
    ("ReferralIn", "urgency", Urgency.values),
    ("ReferralIn", "needs.connectivity", Connectivity.values),
    ("ReferralIn", "needs.device_kinds.[]", DeviceKind.values),
    ("ReferralIn", "needs.accessories.[]", Accessory.values),
    ("ReferralIn", "beneficiary.eligibility.[]", Eligibility.values),
    ("ReferralPatch", "reason", Reason.values),
    ("ReferralPatch", "urgency", Urgency.values),
    ("ReferralPatch", "needs.connectivity", Connectivity.values),
    ("ReferralPatch", "needs.device_kinds.[]", DeviceKind.values),
    ("ReferralPatch", "beneficiary.eligibility.[]", Eligibility.values),
    ("DecisionIn", "decision", list(workflows.DECISIONS)),
    ("ReferralOut", "status", ReferralStatus.values),
    ("ReferralOut", "reason", Reason.values),
    ("ReferralOut", "urgency", Urgency.values),
    ("ReferralOut", "needs.connectivity", Connectivity.values),
    ("ReferralOut", "needs.device_kinds.[]", DeviceKind.values),
    ("ReferralOut", "needs.accessories.[]", Accessory.values),
    ("ReferralOut", "beneficiary.eligibility.[]", Eligibility.values),
    ("ReferralOut", "possible_duplicates.[].status", ReferralStatus.values),
    ("ReferralSummaryOut", "status", ReferralStatus.values),
    ("ReferralSummaryOut", "urgency", Urgency.values),
    ("EventOut", "kind", ReferralEventKind.values),
    ("EventOut", "to_status", ReferralStatus.values),
    ("EventOut", "from_status", [*ReferralStatus.values, ""]),
    ("OrganisationIn", "kind", OrganisationKind.values),
    ("OrganisationOut", "kind", OrganisationKind.values),
    ("OrganisationOut", "authorisation", Authorisation.values),
    ("AuthorisationIn", "status", [Authorisation.VALIDATED, Authorisation.REFUSED]),
    ("DeviceIn", "kind", DeviceKind.values),
    ("DeviceIn", "grade", Grade.values),
    ("DeviceIn", "storage_type", StorageType.values),
    ("DevicePatch", "grade", Grade.values),
    ("DeviceOut", "kind", DeviceKind.values),
    ("DeviceOut", "status", DeviceStatus.values),
    ("DeviceOut", "grade", [*Grade.values, ""]),
    ("DeviceOut", "storage_type", [*StorageType.values, ""]),
    ("DeviceDetailOut", "allowed_transitions.[]", DeviceStatus.values),
    ("DeviceDetailOut", "suggested_grade.grade", Grade.values),
    ("TransitionIn", "to", DeviceStatus.values),
    ("HistoryOut", "kind", DeviceEventKind.values),
    ("HistoryOut", "to_status", DeviceStatus.values),
    ("ErasureIn", "method", ErasureMethod.values),
    ("ErasureIn", "result", ErasureResult.values),
    ("ErasureOut", "method", ErasureMethod.values),
    ("ErasureOut", "result", ErasureResult.values),
    ("DonorIn", "kind", DonorKind.values),
    ("DonorOut", "kind", DonorKind.values),
    ("ImportReportOut", "rows.[].status", ["created", "valid", "already_imported", "error"]),
    ("OfferIn", "kind", OfferKind.values),
    ("OfferOut", "kind", OfferKind.values),
    ("ItemOut", "status", LineItemStatus.values),
    ("ScanOut", "type", ["device", "line_item", "referral", "allocation", "receipt"]),
    ("MeOut", "role", Role.values),
    ("LabelsIn", "stock", list(STOCKS)),
    ("SimLabelsIn", "stock", list(STOCKS)),
    ("ShelfLabelsIn", "stock", list(STOCKS)),
]


@pytest.fixture(scope="module")
def openapi():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def deref(openapi: dict, node: dict) -> dict:
    while "$ref" in node:
        node = openapi["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def branches(openapi: dict, node: dict) -> list[dict]:
    """The schemas a value may match: `X | None` and `allOf: [X]` (a default) unwrapped, null left out."""
    node = deref(openapi, node)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            return [b for sub in node[key] for b in branches(openapi, sub) if b.get("type") != "null"]
    return [node]


def field(openapi: dict, component: str, path: str) -> dict:
    node = openapi["components"]["schemas"][component]
    for step in path.split("."):
        (node,) = branches(openapi, node)  # one schema, not a choice, on the way to the field
        node = node["items"] if step == "[]" else node["properties"][step]
    return node


def enum_values(openapi: dict, node: dict) -> list:
    """Every value the field may take; fails if one of its schemas is an open string."""
    values = []
    for branch in branches(openapi, node):
        if "enum" in branch:
            values += branch["enum"]
        else:
            assert "const" in branch, f"not a fixed set: {branch}"
            values.append(branch["const"])
    return values


@pytest.mark.parametrize(("component", "path", "expected"), CASES, ids=[f"{c}.{p}" for c, p, _ in CASES])
def test_the_schema_lists_the_values_of_the_field(openapi, component, path, expected):
    assert enum_values(openapi, field(openapi, component, path)) == [str(v) for v in expected]


@pytest.mark.parametrize(
    ("operation", "name"),
    [
        ("/api/v1/devices/{asset_tag}/label.pdf", "stock"),
        ("/api/v1/devices/{asset_tag}/label.zpl", "stock"),
        ("/api/v1/batches/{batch_id}/labels.pdf", "stock"),
    ],
)
def test_label_stocks_are_listed_in_query_parameters(openapi, operation, name):
    (parameter,) = [p for p in openapi["paths"][operation]["get"]["parameters"] if p["name"] == name]
    assert enum_values(openapi, parameter["schema"]) == list(STOCKS)


def test_the_helper_refuses_an_open_string(openapi):
    with pytest.raises(AssertionError, match="not a fixed set"):
        enum_values(openapi, field(openapi, "DeviceOut", "brand"))


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"reason": "boredom"}, "reason"),
        ({"urgency": "tomorrow"}, "urgency"),
        ({"needs": {"connectivity": "wifi"}}, "needs.connectivity"),
        ({"needs": {"device_kinds": ["smartphone", "toaster"]}}, "needs.device_kinds"),
        ({"needs": {"accessories": ["umbrella"]}}, "needs.accessories"),
        ({"beneficiary": {"eligibility": ["rsa", "rich"]}}, "beneficiary.eligibility"),
    ],
)
def test_a_value_outside_the_enum_answers_422_naming_the_field(social_worker_api, overrides, field_name):
    from referrals.models import Referral

    response = social_worker_api.post("referrals", referral_payload(**overrides))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["field"] == field_name
    assert body["detail"].startswith(field_name)
    assert not Referral.objects.exists()


def test_the_payload_those_values_spoil_is_accepted(social_worker_api):
    SiteFactory(code="SD", is_reception_point=True)
    assert social_worker_api.post("referrals", referral_payload()).status_code == 201


def test_a_decision_outside_the_enum_answers_422_naming_the_field(coordinator_api):
    from tests.factories import ReferralFactory

    referral = ReferralFactory()
    response = coordinator_api.post(f"referrals/{referral.pk}/decision", {"decision": "maybe"})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("validation_error", "decision")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_an_unknown_label_stock_keeps_its_own_code(warehouse_api):
    from tests.factories import DeviceFactory

    device = DeviceFactory()
    response = warehouse_api.post("labels", {"asset_tags": [device.asset_tag], "stock": "laser_a3"})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("unknown_stock", "stock")
