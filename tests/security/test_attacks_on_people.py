"""The attacks of the security review on people's data, kept as tests (issue: close the holes).

Each test replays what the attacker did and checks it no longer works.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.services import invitation_accept
from common.exceptions import NotFound
from referrals import services
from referrals.models import BeneficiaryAccess
from tests.conftest import ApiClient
from tests.factories import (
    PASSWORD,
    BeneficiaryFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- 1. an invitation can be revoked ------------------------------------------------------------


def invite(coordinator, organisation, email="amel@example.org"):
    return services.member_invite(
        user=coordinator, organisation=organisation, email=email, first_name="Amel", last_name="Kaci"
    )


def test_deactivating_an_invited_member_revokes_the_link_through_the_api(coordinator_api, coordinator_user):
    organisation = OrganisationFactory()
    issued = invite(coordinator_user, organisation)
    response = coordinator_api.post(f"users/{issued.user.pk}/deactivate")
    assert response.status_code == 200
    assert response.json()["invitation_pending"] is False and response.json()["is_active"] is False
    assert response.json()["deactivated_at"] is not None
    assert Client().get(f"/invitation/{issued.secret}/").status_code == 404
    with pytest.raises(NotFound):
        invitation_accept(secret=issued.secret, password="Long-enough-pw-42")
    user = User.objects.get(pk=issued.user.pk)
    assert not user.is_active and not user.has_usable_password()


def test_the_page_cancels_a_pending_invitation(coordinator_user):
    organisation = OrganisationFactory()
    issued = invite(coordinator_user, organisation)
    client = Client()
    client.force_login(coordinator_user)
    page = client.get(f"/partners/{organisation.pk}/").content.decode()
    assert "Annuler l&#x27;invitation" in page or "Annuler l'invitation" in page
    asked = client.post(f"/partners/{organisation.pk}/", {"action": "deactivate", "user": issued.user.pk})
    assert 'data-testid="confirmation"' in asked.content.decode()  # the page asks first, nothing changed yet
    assert Client().get(f"/invitation/{issued.secret}/").status_code == 200
    client.post(f"/partners/{organisation.pk}/", {"action": "deactivate", "user": issued.user.pk, "confirm": "1"})
    assert Client().get(f"/invitation/{issued.secret}/").status_code == 404
    # Sent again later, a fresh link works and the old one stays dead.
    User.objects.filter(pk=issued.user.pk)  # still there, with its history
    assert "Invitation annulée" in client.get(f"/partners/{organisation.pk}/").content.decode()


def test_a_resent_invitation_replaces_the_old_link(coordinator_user):
    organisation = OrganisationFactory()
    first = invite(coordinator_user, organisation)
    second = services.member_invitation_resend(user=coordinator_user, account=first.user)
    assert Client().get(f"/invitation/{first.secret}/").status_code == 404
    assert Client().get(f"/invitation/{second.secret}/").status_code == 200


# --- 2. duplicates never leak beyond what the reader may open --------------------------------------


@pytest.fixture
def same_person_elsewhere(db):
    """One person referred three times: at the mediator's site, at another site, by a pending shelter."""
    sd, pa = SiteFactory(code="SD"), SiteFactory(code="PA")
    validated = OrganisationFactory(name="CCAS validé")
    pending = OrganisationFactory(name="Foyer en attente", pending=True)
    person = {"first_name": "Leila", "last_name": "Rahimi", "birth_year": 1990, "postal_code": "93200"}
    mine = ReferralFactory(
        social_worker=UserFactory(social_worker=True, organisation=validated),
        site=sd,
        beneficiary=BeneficiaryFactory(**person),
    )
    other_site = ReferralFactory(
        social_worker=UserFactory(social_worker=True, organisation=validated),
        site=pa,
        beneficiary=BeneficiaryFactory(**person),
    )
    shelter = ReferralFactory(
        social_worker=UserFactory(social_worker=True, organisation=pending),
        site=sd,
        beneficiary=BeneficiaryFactory(**person),
    )
    return mine, other_site, shelter


def test_a_mediator_learns_only_that_the_person_is_known_elsewhere(mediator_api, same_person_elsewhere):
    mine, other_site, shelter = same_person_elsewhere
    detail = mediator_api.get(f"referrals/{mine.pk}")
    body = detail.json()
    assert body["possible_duplicates"] == []
    assert body["duplicate_elsewhere"] is True
    text = detail.content.decode()
    assert "Foyer en attente" not in text and str(shelter.pk) not in [str(d["id"]) for d in body["possible_duplicates"]]
    listed = {item["id"]: item for item in mediator_api.get("referrals").json()["items"]}
    assert set(listed) == {mine.pk}
    assert listed[mine.pk]["possible_duplicate"] is False
    assert listed[mine.pk]["duplicate_elsewhere"] is True


def test_the_page_says_possibly_referred_elsewhere_without_naming_who(mediator_user, same_person_elsewhere):
    mine, _, _ = same_person_elsewhere
    client = Client()
    client.force_login(mediator_user)
    page = client.get(f"/referrals/{mine.pk}/").content.decode()
    assert "Foyer en attente" not in page and "PA" not in page.split("<main")[1].split("Historique")[0]
    assert "ailleurs" in page


def test_a_coordinator_sees_every_duplicate(coordinator_api, same_person_elsewhere):
    mine, other_site, shelter = same_person_elsewhere
    body = coordinator_api.get(f"referrals/{mine.pk}").json()
    assert {d["id"] for d in body["possible_duplicates"]} == {other_site.pk, shelter.pk}
    assert body["duplicate_elsewhere"] is False


def test_a_social_worker_s_list_costs_the_same_whether_or_not_others_know_the_person(same_person_elsewhere):
    """Not even the number of queries (a response's duration) tells a social worker that another organisation
    referred their person: the duplicate check reads only what they may open."""
    _, _, shelter = same_person_elsewhere
    alone = ReferralFactory(
        social_worker=UserFactory(social_worker=True, organisation=OrganisationFactory(pending=True)),
        beneficiary=BeneficiaryFactory(identity_key="nobody|else|1980|75011"),
    )
    queries = []
    for referral in (shelter, alone):
        api = ApiClient(referral.social_worker)
        with CaptureQueriesContext(connection) as captured:
            items = api.get("referrals").json()["items"]
        assert [(i["id"], i["possible_duplicate"], i["duplicate_elsewhere"]) for i in items] == [
            (referral.pk, False, False)
        ]
        queries.append(len(captured))
    assert queries[0] == queries[1]


# --- 3. full names are never recovered without a trace ---------------------------------------------


def test_staff_search_never_matches_the_hidden_last_name(mediator_api, same_person_elsewhere):
    mine, _, _ = same_person_elsewhere
    for guess in ("Rahimi", "Rah", "ahim", "R"[:0] + "Ra"):
        assert mediator_api.get("referrals", {"q": guess}).json()["count"] == 0, guess
    assert [i["id"] for i in mediator_api.get("referrals", {"q": "Leila"}).json()["items"]] == [mine.pk]
    assert [i["id"] for i in mediator_api.get("referrals", {"q": "Leila R."}).json()["items"]] == [mine.pk]
    assert [i["id"] for i in mediator_api.get("referrals", {"q": f"#{mine.pk}"}).json()["items"]] == [mine.pk]
    assert BeneficiaryAccess.objects.count() == 0


def test_the_referring_social_worker_still_searches_full_names(same_person_elsewhere):
    mine, other_site, _ = same_person_elsewhere
    api = ApiClient(mine.social_worker)
    # Both of the organisation's referrals of this person; never the pending shelter's.
    assert {i["id"] for i in api.get("referrals", {"q": "Rahimi"}).json()["items"]} == {mine.pk, other_site.pk}


def test_reading_a_referrals_history_is_logged(mediator_api, mediator_user, same_person_elsewhere):
    mine, _, _ = same_person_elsewhere
    assert mediator_api.get(f"referrals/{mine.pk}/events").status_code == 200
    assert BeneficiaryAccess.objects.filter(user=mediator_user, referral=mine, action="events").count() == 1


def test_the_admins_referral_page_is_logged(same_person_elsewhere):
    mine, _, _ = same_person_elsewhere
    admin = UserFactory(coordinator=True, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get(f"/admin/referrals/referral/{mine.pk}/change/").status_code == 200
    assert BeneficiaryAccess.objects.filter(user=admin, referral=mine, action="admin").count() == 1


# --- 8. the pages show no more than the API --------------------------------------------------------


def test_a_mediator_sees_no_members_on_the_partner_page(mediator_user):
    organisation = OrganisationFactory()
    member = UserFactory(social_worker=True, organisation=organisation, username="secret.member@example.org")
    client = Client()
    client.force_login(mediator_user)
    page = client.get(f"/partners/{organisation.pk}/")
    assert page.status_code == 200
    assert member.username not in page.content.decode() and member.last_name not in page.content.decode()
    assert ApiClient(mediator_user).get(f"organisations/{organisation.pk}/members").status_code == 403
    assert PASSWORD  # the member could sign in; the mediator still learns nothing of them
