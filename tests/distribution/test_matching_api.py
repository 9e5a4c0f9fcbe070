"""Allocation plans through the API: optimal for the network, explained, confirmed line by line."""

import datetime as dt

import pytest
from django.utils import timezone

from distribution.models import Allocation, Proposal
from referrals.models import Referral
from tests.conftest import ApiClient, days_ago_at_noon
from tests.distribution.conftest import ready_phone
from tests.factories import ReferralFactory, UserFactory, valid_imei

pytestmark = pytest.mark.django_db


def waiting(world, kinds, days, **fields):
    referral = ReferralFactory(
        social_worker=world["social_worker"],
        site=world["sd"],
        status="accepted",
        device_kinds=kinds,
        connectivity=fields.pop("connectivity", "none"),
        **fields,
    )
    Referral.objects.filter(pk=referral.pk).update(submitted_at=days_ago_at_noon(days))
    return referral


def test_the_plan_serves_both_where_first_come_would_serve_one(world):
    """A accepts a laptop or a tablet, B only a tablet; one of each; A waited longer."""
    Referral.objects.filter(pk=world["referral"].pk).update(status="cancelled")
    a = waiting(world, ["tablet", "laptop"], days=40)
    b = waiting(world, ["tablet"], days=10)
    tablet = ready_phone(world["sd"], world["warehouse"], kind="tablet", imei=None, serial_number="TB1", grade="A")
    laptop = ready_phone(world["sd"], world["warehouse"], kind="laptop", imei=None, serial_number="PC1", grade="B")
    response = world["api"].post("matching/proposals", {})
    assert response.status_code == 201, response.json()
    lines = {line["referral"]: line for line in response.json()["lines"]}
    assert lines[a.pk]["device"] == laptop.asset_tag and lines[b.pk]["device"] == tablet.asset_tag
    assert "41" in lines[a.pk]["why"] or "40" in lines[a.pk]["why"]


def test_unserved_referrals_are_listed_with_a_reason(world):
    Referral.objects.filter(pk=world["referral"].pk).update(status="cancelled")
    desktop = waiting(world, ["desktop"], days=5)
    body = world["api"].post("matching/proposals", {}).json()
    unserved = {u["referral"]: u for u in body["unserved"]}
    assert unserved[desktop.pk]["code"] == "no_fitting_device_anywhere"


def test_confirm_reserves_the_chosen_lines_and_refuses_stale_ones(world):
    second = waiting(world, ["smartphone"], days=3)
    other_phone = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(8080))
    plan = world["api"].post("matching/proposals", {}).json()
    lines = {line["referral"]: line for line in plan["lines"]}
    assert set(lines) == {world["referral"].pk, second.pk}
    # Meanwhile another mediator reserves by hand the phone the plan gave the second referral.
    taken = lines[second.pk]["device"]
    colleague = ApiClient(UserFactory(mediator=True, site=world["sd"]))
    hurry = waiting(world, ["smartphone"], days=1)
    assert colleague.post("allocations", {"referral": hurry.pk, "device": taken}).status_code == 201
    answer = world["api"].post(f"matching/proposals/{plan['id']}/confirm", {})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert [r["line"] for r in body["reserved"]] == [lines[world["referral"].pk]["id"]]
    assert body["refused"] == [{"line": lines[second.pk]["id"], "code": "already_reserved"}]
    assert Allocation.objects.filter(status="held", device__asset_tag=taken).count() == 1
    other_phone.refresh_from_db()
    assert other_phone.status == "reserved"  # the plan gave it to the first referral, confirmed
    again = world["api"].post(f"matching/proposals/{plan['id']}/confirm", {}).json()
    assert {r["code"] for r in again["refused"]} == {"already_confirmed"}
    assert Proposal.objects.get().confirmed_by == world["mediator"]


def test_a_plan_expires_and_is_its_authors(world):
    plan = world["api"].post("matching/proposals", {}).json()
    other = ApiClient(UserFactory(mediator=True, site=world["sd"]))
    assert other.post(f"matching/proposals/{plan['id']}/confirm", {}).status_code == 404
    Proposal.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    stale = world["api"].post(f"matching/proposals/{plan['id']}/confirm", {})
    assert stale.status_code == 409 and stale.json()["code"] == "proposal_expired"
    assert not Allocation.objects.exists()


def test_confirm_some_lines_only(world):
    second = waiting(world, ["smartphone"], days=3)
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(9090))
    plan = world["api"].post("matching/proposals", {"site": "SD"}).json()
    chosen = [line["id"] for line in plan["lines"] if line["referral"] == second.pk]
    body = world["api"].post(f"matching/proposals/{plan['id']}/confirm", {"lines": chosen}).json()
    assert len(body["reserved"]) == 1 and body["refused"] == []
    assert Referral.objects.get(pk=second.pk).status == "allocated"
    assert Referral.objects.get(pk=world["referral"].pk).status == "accepted"
    unknown = world["api"].post(f"matching/proposals/{plan['id']}/confirm", {"lines": [999999]})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_lines"


def test_social_workers_and_warehouse_cannot_plan(world):
    assert ApiClient(world["social_worker"]).post("matching/proposals", {}).status_code == 403
    assert ApiClient(world["warehouse"]).post("matching/proposals", {}).status_code == 403
