"""No organisation can read or change another's referrals, however it asks."""

import pytest

from referrals.models import BeneficiaryAccess, Referral, ReferralEvent
from tests.conftest import ApiClient
from tests.factories import OrganisationFactory, SiteFactory, UserFactory
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db


def test_guessing_another_organisations_referral_id_answers_404(api_b, referral_a):
    response = api_b.get(f"referrals/{referral_a['id']}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"No referral #{referral_a['id']}.", "code": "not_found"}
    assert api_b.get(f"referrals/{referral_a['id'] + 1}").status_code == 404  # same answer as a missing one
    assert api_b.get(f"referrals/{referral_a['id'] + 1}").json()["code"] == "not_found"


def test_another_organisation_cannot_update_answer_cancel_or_read_events(api_b, referral_a):
    rid = referral_a["id"]
    attempts = [
        api_b.patch(f"referrals/{rid}", {"beneficiary": {"last_name": "Hacked"}}),
        api_b.post(f"referrals/{rid}/answer", {"answer": "x"}),
        api_b.post(f"referrals/{rid}/cancel", {}),
        api_b.get(f"referrals/{rid}/events"),
    ]
    assert [r.status_code for r in attempts] == [404, 404, 404, 404]
    referral = Referral.objects.select_related("beneficiary").get(pk=rid)
    assert (referral.status, referral.beneficiary.last_name) == ("submitted", "Diallo")
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_a_social_worker_cannot_decide_even_their_own(api_a, referral_a):
    response = api_a.post(f"referrals/{referral_a['id']}/decision", {"decision": "accept"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Referral.objects.get().status == "submitted"


def test_filters_cannot_widen_a_social_workers_list(api_a, api_b, referral_a, org_a):
    api_b.post("referrals", referral_payload(beneficiary={"last_name": "Martin"}))
    for params in ({}, {"organisation": org_a.pk}, {"q": "Diallo"}, {"site": "SD"}, {"status": "submitted"}):
        items = api_b.get("referrals", params).json()["items"]
        assert all(item["organisation"]["id"] != org_a.pk for item in items), params
        assert "Diallo" not in str(items)
    assert [i["id"] for i in api_a.get("referrals").json()["items"]] == [referral_a["id"]]


def test_a_deactivated_social_workers_token_answers_401(api_a, sw_a, referral_a, coordinator_api):
    assert coordinator_api.post(f"users/{sw_a.pk}/deactivate").status_code == 200
    assert api_a.get(f"referrals/{referral_a['id']}").status_code == 401
    assert api_a.get("referrals").status_code == 401
    referral = Referral.objects.get()
    assert referral.social_worker == sw_a  # history kept


def test_mediators_see_only_validated_partners_at_their_site(sw_a, api_a, referral_a, org_a):
    SiteFactory(code="LY")
    mediator_sd = ApiClient(UserFactory(mediator=True))  # site SD
    mediator_ly = ApiClient(UserFactory(mediator=True, site=SiteFactory(code="LY")))
    assert mediator_sd.get(f"referrals/{referral_a['id']}").status_code == 200
    assert mediator_ly.get(f"referrals/{referral_a['id']}").status_code == 404
    assert mediator_ly.post(f"referrals/{referral_a['id']}/decision", {"decision": "accept"}).status_code == 404
    assert mediator_ly.get(f"referrals/{referral_a['id']}").json()["code"] == "not_found"
    assert Referral.objects.get().status == "submitted"
    assert mediator_ly.get("referrals").json()["count"] == 0
    org_a.authorisation = "pending"
    org_a.save()
    assert mediator_sd.get(f"referrals/{referral_a['id']}").status_code == 404
    assert mediator_sd.get("referrals").json()["count"] == 0


def test_coordinators_see_all(coordinator_api, referral_a, api_b):
    api_b.post("referrals", referral_payload(beneficiary={"last_name": "Martin"}))
    assert coordinator_api.get("referrals").json()["count"] == 2


def test_warehouse_staff_see_no_referrals(warehouse_api, referral_a):
    assert warehouse_api.get("referrals").status_code == 403
    assert warehouse_api.get(f"referrals/{referral_a['id']}").status_code == 403
    assert warehouse_api.get(f"referrals/{referral_a['id']}").json()["code"] == "forbidden"


def test_staff_reads_of_personal_details_are_logged_and_coordinators_read_the_log(
    api_a, referral_a, mediator_user, coordinator_api
):
    mediator = ApiClient(mediator_user)
    listed = mediator.get("referrals").json()["items"][0]
    assert listed["beneficiary"]["last_name"] == "D."  # lists show an initial only
    assert "phone" not in listed["beneficiary"]
    assert not BeneficiaryAccess.objects.exists()
    mediator.get(f"referrals/{referral_a['id']}")
    api_a.get(f"referrals/{referral_a['id']}")  # the referring social worker is not staff
    access = BeneficiaryAccess.objects.get()
    assert (access.user, access.referral_id, access.action) == (mediator_user, referral_a["id"], "read")
    log = coordinator_api.get("access-log").json()
    assert [(e["user"], e["referral"]) for e in log["items"]][-1] == ("lea", referral_a["id"])
    assert mediator.get("access-log").status_code == 403
    assert api_a.get("access-log").status_code == 403
    assert mediator.get("access-log").json()["code"] == api_a.get("access-log").json()["code"] == "forbidden"


def test_the_same_person_referred_twice_is_flagged_to_the_mediator_never_merged(
    api_a, api_b, referral_a, mediator_user
):
    other = api_b.post(
        "referrals",
        referral_payload(beneficiary={"first_name": "AMINA", "last_name": "diallo", "phone": "07 99 99 99 99"}),
    )
    assert other.status_code == 201
    mediator = ApiClient(mediator_user)
    flags = {item["id"]: item["possible_duplicate"] for item in mediator.get("referrals").json()["items"]}
    assert flags == {referral_a["id"]: True, other.json()["id"]: True}
    duplicates = mediator.get(f"referrals/{referral_a['id']}").json()["possible_duplicates"]
    assert [d["id"] for d in duplicates] == [other.json()["id"]]
    assert Referral.objects.count() == 2  # two people records, not merged
    # The social workers learn nothing of each other's people.
    assert api_a.get(f"referrals/{referral_a['id']}").json()["possible_duplicates"] == []
    assert api_b.get("referrals").json()["items"][0]["possible_duplicate"] is False


@pytest.mark.parametrize("role", ["social_worker", "mediator"])
def test_the_referral_list_costs_a_constant_number_of_queries(role, django_assert_max_num_queries):
    SiteFactory(code="SD")
    organisation = OrganisationFactory()
    social_worker = UserFactory(social_worker=True, organisation=organisation)
    api = ApiClient(social_worker)
    for n in range(30):
        assert api.post("referrals", referral_payload(beneficiary={"last_name": f"Name{n}"})).status_code == 201
    user = social_worker if role == "social_worker" else UserFactory(mediator=True)
    client = api if role == "social_worker" else ApiClient(user)
    client.get("me")
    with django_assert_max_num_queries(5):
        response = client.get("referrals", {"page_size": 50})
    assert response.json()["count"] == 30


def test_lists_put_urgent_referrals_first_then_the_longest_waiting(mediator_user):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import ReferralFactory

    now = timezone.now()
    old = ReferralFactory(submitted_at=now - dt.timedelta(days=9))
    recent_urgent = ReferralFactory(
        submitted_at=now - dt.timedelta(days=1), urgency="high", urgency_justification="Court date"
    )
    recent = ReferralFactory(submitted_at=now - dt.timedelta(days=2))
    ids = [item["id"] for item in ApiClient(mediator_user).get("referrals").json()["items"]]
    assert ids == [recent_urgent.pk, old.pk, recent.pk]
