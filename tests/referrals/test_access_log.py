"""Reads of a beneficiary's details are logged for every member of staff; the access log lists them.

Each test here was checked against a hand-made mutant of the code (issue 8): it fails on the
mutant and passes on the code as it is.
"""

import pytest

from referrals.models import BeneficiaryAccess
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- reads of personal details are logged for every member of staff ------------------------------


def test_a_coordinators_read_of_a_beneficiary_is_logged(referral_a, coordinator_api, coordinator_user):
    assert not BeneficiaryAccess.objects.exists()
    response = coordinator_api.get(f"referrals/{referral_a['id']}")
    assert response.status_code == 200
    assert response.json()["beneficiary"]["last_name"] == "Diallo"
    access = BeneficiaryAccess.objects.get()
    assert (access.user, access.referral_id, access.action) == (coordinator_user, referral_a["id"], "read")


def test_a_mediators_read_of_a_beneficiary_is_logged(referral_a, mediator_api, mediator_user):
    assert mediator_api.get(f"referrals/{referral_a['id']}").status_code == 200
    assert list(BeneficiaryAccess.objects.values_list("user", "action")) == [(mediator_user.pk, "read")]


def test_the_referring_social_workers_reads_are_not_logged(api_a, referral_a):
    for _ in range(2):
        assert api_a.get(f"referrals/{referral_a['id']}").status_code == 200
    assert not BeneficiaryAccess.objects.exists()


def test_a_coordinators_decision_is_logged_as_a_decision(referral_a, coordinator_api, coordinator_user):
    response = coordinator_api.post(f"referrals/{referral_a['id']}/decision", {"decision": "accept"})
    assert response.status_code == 200, response.json()
    access = BeneficiaryAccess.objects.get()
    assert (access.user, access.action) == (coordinator_user, "decide")


# --- the access log costs a constant number of queries --------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_the_access_log_costs_a_constant_number_of_queries(coordinator_api, django_assert_max_num_queries, rows):
    readers = [UserFactory(mediator=True) for _ in range(3)]
    for n in range(rows):
        referral = ReferralFactory()
        BeneficiaryAccess.objects.create(referral=referral, user=readers[n % 3], action="read")
    coordinator_api.get("me")  # the token's last use is written once, not on every request
    with django_assert_max_num_queries(5):
        response = coordinator_api.get("access-log", {"page_size": 50})
    body = response.json()
    assert body["count"] == len(body["items"]) == rows
    assert {item["user"] for item in body["items"]} == {reader.username for reader in readers}


def test_the_access_log_is_newest_first_and_filters(coordinator_api):
    reader, other = UserFactory(mediator=True, username="reader"), UserFactory(mediator=True, username="other")
    first, second = ReferralFactory(), ReferralFactory()
    BeneficiaryAccess.objects.create(referral=first, user=reader)
    BeneficiaryAccess.objects.create(referral=second, user=other)
    items = coordinator_api.get("access-log").json()["items"]
    assert [(i["user"], i["referral"]) for i in items] == [("other", second.pk), ("reader", first.pk)]
    assert [i["user"] for i in coordinator_api.get("access-log", {"user": "reader"}).json()["items"]] == ["reader"]
    by_referral = coordinator_api.get("access-log", {"referral": second.pk}).json()["items"]
    assert [i["referral"] for i in by_referral] == [second.pk]


def test_only_coordinators_read_the_access_log(mediator_api, social_worker_api, warehouse_api):
    for api in (mediator_api, social_worker_api, warehouse_api):
        response = api.get("access-log")
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
