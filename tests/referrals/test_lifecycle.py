"""The referral life cycle over every (state, transition) pair."""

import datetime as dt

import pytest
from django.utils import timezone

from common.exceptions import InvalidTransition
from referrals import services
from referrals.enums import ReferralStatus
from referrals.models import Referral, ReferralEvent
from tests.conftest import ApiClient
from tests.factories import OrganisationFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

S = ReferralStatus
# Written from DESIGN.md and the issue by hand, not read from referrals/workflows.py.
EXPECTED = {
    # (API action, who) -> {from state: to state}
    ("accept", "mediator"): {S.SUBMITTED: S.ACCEPTED},
    ("reject", "mediator"): {S.SUBMITTED: S.REJECTED, S.NEEDS_INFO: S.REJECTED},
    ("needs_info", "mediator"): {S.SUBMITTED: S.NEEDS_INFO},
    ("answer", "social_worker"): {S.NEEDS_INFO: S.SUBMITTED},
    ("cancel", "social_worker"): {S.SUBMITTED: S.CANCELLED, S.NEEDS_INFO: S.CANCELLED, S.ACCEPTED: S.CANCELLED},
}
# Distribution's transitions, each its own service function: function -> {from state: to state}.
SERVICE_ONLY = {
    "referral_allocate": {S.ACCEPTED: S.ALLOCATED},
    "referral_release": {S.ALLOCATED: S.ACCEPTED},
    "referral_hand_over": {S.ALLOCATED: S.HANDED_OVER},
    "referral_no_show": {S.ALLOCATED: S.NO_SHOW},
}


@pytest.fixture
def people(db):
    organisation = OrganisationFactory()
    social_worker = UserFactory(social_worker=True, organisation=organisation)
    mediator = UserFactory(mediator=True)
    return {
        "social_worker": social_worker,
        "mediator": mediator,
        "apis": {"social_worker": ApiClient(social_worker), "mediator": ApiClient(mediator)},
    }


def call(api, action, referral_id):
    if action in ("accept", "reject", "needs_info"):
        return api.post(f"referrals/{referral_id}/decision", {"decision": action, "reason": "because"})
    if action == "answer":
        return api.post(f"referrals/{referral_id}/answer", {"answer": "Here it is"})
    return api.post(f"referrals/{referral_id}/cancel", {"reason": "moved away"})


@pytest.mark.parametrize("source", S.values)
@pytest.mark.parametrize(("action", "who"), list(EXPECTED))
def test_every_api_transition_pair(people, source, action, who):
    referral = ReferralFactory(
        status=source, social_worker=people["social_worker"], decision_reason="earlier" if source == S.REJECTED else ""
    )
    response = call(people["apis"][who], action, referral.pk)
    referral.refresh_from_db()
    target = EXPECTED[(action, who)].get(source)
    if target:
        assert response.status_code == 200, response.json()
        assert referral.status == target == response.json()["status"]
        event = ReferralEvent.objects.get(referral=referral)
        assert (event.from_status, event.to_status, event.by) == (source, target, people[who])
    else:
        assert response.status_code == 409, response.json()
        assert response.json()["code"] == "invalid_transition"
        assert referral.status == source
        assert not ReferralEvent.objects.filter(referral=referral).exists()


@pytest.mark.parametrize("source", S.values)
@pytest.mark.parametrize("function", sorted(SERVICE_ONLY))
def test_every_service_transition_pair(people, source, function):
    referral = ReferralFactory(
        status=source, social_worker=people["social_worker"], decision_reason="earlier" if source == S.REJECTED else ""
    )
    target = SERVICE_ONLY[function].get(source)
    if target:
        getattr(services, function)(user=people["mediator"], referral=referral, note="kit")
        referral.refresh_from_db()
        assert referral.status == target
        assert ReferralEvent.objects.filter(referral=referral).latest("id").to_status == target
    else:
        with pytest.raises(InvalidTransition):
            getattr(services, function)(user=people["mediator"], referral=referral)
        referral.refresh_from_db()
        assert referral.status == source


@pytest.mark.parametrize("decision", ["reject", "needs_info"])
def test_reject_and_needs_info_need_a_reason(people, decision):
    referral = ReferralFactory(social_worker=people["social_worker"])
    response = people["apis"]["mediator"].post(f"referrals/{referral.pk}/decision", {"decision": decision})
    assert response.status_code == 422 and response.json()["code"] == "reason_required"
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_the_social_worker_sees_the_rejection_reason(people):
    referral = ReferralFactory(social_worker=people["social_worker"])
    people["apis"]["mediator"].post(
        f"referrals/{referral.pk}/decision", {"decision": "reject", "reason": "Already equipped by us in March"}
    )
    body = people["apis"]["social_worker"].get(f"referrals/{referral.pk}").json()
    assert body["status"] == "rejected" and body["decision_reason"] == "Already equipped by us in March"


def test_needs_info_is_answered_and_returns_to_the_mediators(people):
    referral = ReferralFactory(social_worker=people["social_worker"])
    sw, mediator = people["apis"]["social_worker"], people["apis"]["mediator"]
    mediator.post(f"referrals/{referral.pk}/decision", {"decision": "needs_info", "reason": "Which site suits?"})
    assert sw.get(f"referrals/{referral.pk}").json()["allowed_actions"] == ["update", "answer", "cancel"]
    response = sw.post(f"referrals/{referral.pk}/answer", {"answer": "Saint-Denis, mornings"})
    assert response.json()["status"] == "submitted"
    events = sw.get(f"referrals/{referral.pk}/events").json()
    assert [(e["from_status"], e["to_status"], e["note"]) for e in events] == [
        ("submitted", "needs_info", "Which site suits?"),
        ("needs_info", "submitted", "Saint-Denis, mornings"),
    ]


def test_referrals_without_an_answer_expire_after_the_set_days(people, settings):
    settings.BAGAGE_REFERRAL_EXPIRY_DAYS = 30
    old = ReferralFactory(
        social_worker=people["social_worker"], status_changed_at=timezone.now() - dt.timedelta(days=31)
    )
    waiting = ReferralFactory(
        social_worker=people["social_worker"],
        status="needs_info",
        status_changed_at=timezone.now() - dt.timedelta(days=40),
    )
    recent = ReferralFactory(
        social_worker=people["social_worker"], status_changed_at=timezone.now() - dt.timedelta(days=29)
    )
    accepted = ReferralFactory(
        social_worker=people["social_worker"],
        status="accepted",
        status_changed_at=timezone.now() - dt.timedelta(days=90),
    )
    assert services.referrals_expire() == 2
    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert (statuses[old.pk], statuses[waiting.pk]) == ("expired", "expired")
    assert (statuses[recent.pk], statuses[accepted.pk]) == ("submitted", "accepted")
    assert ReferralEvent.objects.get(referral=old).by is None


def test_the_daily_expire_command(people, settings, capsys):
    from django.core.management import call_command

    settings.BAGAGE_REFERRAL_EXPIRY_DAYS = 10
    ReferralFactory(social_worker=people["social_worker"], status_changed_at=timezone.now() - dt.timedelta(days=11))
    call_command("expire_referrals")
    assert "Expired 1 referrals" in capsys.readouterr().out
    assert Referral.objects.get().status == "expired"
