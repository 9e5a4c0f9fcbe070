"""A referral's two duplicate flags, as each role reads them in the list, the detail and the page.

A mediator's flags come from one look at the person's other referrals (selectors.with_duplicates): each other
referral marked as within their scope (their site, a validated partner) or beyond it. Every combination, with
several referrals on each side, must read as two separate answers.
"""

import pytest
from django.test import Client

from referrals.enums import DuplicateFlag
from referrals.selectors import referral_list, with_duplicates
from tests.conftest import ApiClient
from tests.factories import BeneficiaryFactory, OrganisationFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    """Four people with a referral each at Saint-Denis (a validated partner), and their other referrals."""
    sd, pa = SiteFactory(code="SD"), SiteFactory(code="PA")
    validated = OrganisationFactory(name="CCAS")
    pending = OrganisationFactory(name="Foyer", pending=True)

    def referral(site, organisation, n, **person):
        return ReferralFactory(
            social_worker=UserFactory(social_worker=True, organisation=organisation),
            site=site,
            beneficiary=BeneficiaryFactory(
                first_name=f"Personne{n}", last_name="Diallo", birth_year=1980 + n, postal_code="93200", **person
            ),
        )

    alone = referral(sd, validated, 0)
    # Known twice more at the mediator's site: HERE, summed once however many.
    here = referral(sd, validated, 1)
    referral(sd, validated, 1)
    referral(sd, validated, 1)
    # Known at another site and by a pending partner at this one: ELSEWHERE, however many.
    elsewhere = referral(sd, validated, 2)
    referral(pa, validated, 2)
    referral(sd, pending, 2)
    # Both, twice each; one of them by the same phone only (another name: a shared phone still counts).
    both = referral(sd, validated, 3, phone="+33633330000")
    referral(sd, validated, 3)
    referral(sd, validated, 9, phone="+33633330000")
    referral(pa, validated, 3)
    referral(pa, pending, 8, phone="+33633330000")
    mediator = UserFactory(mediator=True, site=sd)
    expected = {alone.pk: (False, False), here.pk: (True, False), elsewhere.pk: (False, True), both.pk: (True, True)}
    return mediator, expected, (validated, pending)


def test_a_mediator_reads_each_combination_in_the_list_the_detail_and_the_page(people):
    mediator, expected, _ = people
    api = ApiClient(mediator)
    listed = {
        item["id"]: (item["possible_duplicate"], item["duplicate_elsewhere"])
        for item in api.get("referrals").json()["items"]
    }
    assert {pk: listed[pk] for pk in expected} == expected
    for pk, flags in expected.items():
        body = api.get(f"referrals/{pk}").json()
        assert (bool(body["possible_duplicates"]), body["duplicate_elsewhere"]) == flags
    flagged = {r.pk: r for r in with_duplicates(mediator, referral_list(mediator).filter(pk__in=expected))}
    for pk, (here, elsewhere) in expected.items():
        assert (flagged[pk].possible_duplicate, flagged[pk].duplicate_elsewhere) == (here, elsewhere)
        assert DuplicateFlag(flagged[pk].duplicate_flags) == (DuplicateFlag.HERE if here else 0) | (
            DuplicateFlag.ELSEWHERE if elsewhere else 0
        )
    client = Client()
    client.force_login(mediator)
    page = client.get("/referrals/", {"status": "submitted"}).content.decode()
    assert page.count("doublon ?") == 3 + 3  # the two marked "both" and "here", and the other referrals here
    assert "ailleurs ?" in page


def test_a_coordinator_and_a_social_worker_are_never_told_elsewhere(people):
    _, expected, (validated, pending) = people
    coordinator = UserFactory(coordinator=True)
    listed = {
        item["id"]: (item["possible_duplicate"], item["duplicate_elsewhere"])
        for item in ApiClient(coordinator).get("referrals", {"page_size": 100}).json()["items"]
    }
    # A coordinator may open every referral: each person known twice is a duplicate there, never "elsewhere".
    assert {pk: listed[pk] for pk in expected} == {pk: (here or away, False) for pk, (here, away) in expected.items()}
    # A social worker looks over their organisation's referrals only: the validated partner referred persons 1, 2
    # and 3 more than once (at either site), the pending one each of its two people once.
    mine = ApiClient(UserFactory(social_worker=True, organisation=validated)).get("referrals", {"page_size": 100})
    listed = {item["id"]: (item["possible_duplicate"], item["duplicate_elsewhere"]) for item in mine.json()["items"]}
    assert {pk: listed[pk] for pk in expected} == {pk: (pk != min(expected), False) for pk in expected}
    theirs = ApiClient(UserFactory(social_worker=True, organisation=pending)).get("referrals").json()["items"]
    assert len(theirs) == 2
    assert {(item["possible_duplicate"], item["duplicate_elsewhere"]) for item in theirs} == {(False, False)}
