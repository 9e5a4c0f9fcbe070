"""Issue 22, item 7: the answers received have their own list, the export follows the list, the invitation names
where the person works, the dashboard's fields show the period the page states."""

import datetime as dt

import pytest
from django.utils import timezone

from referrals import services as referral_services
from referrals.models import ReferralEvent
from tests.factories import OrganisationFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_answered_referrals_have_their_own_list_and_export(client):
    site = SiteFactory(code="SD")
    mediator = UserFactory(mediator=True, site=site)
    plain = ReferralFactory(site=site, status="submitted")
    answered = ReferralFactory(site=site, status="submitted")
    ReferralEvent.objects.create(referral=answered, kind="transition", from_status="needs_info", to_status="submitted")
    client.force_login(mediator)
    home = client.get("/home/").content.decode()
    assert "/referrals/?status=submitted&amp;answered=1" in home
    page = client.get("/referrals/?status=submitted&answered=1")
    ids = [r.pk for r in page.context["page"]]
    assert ids == [answered.pk] and plain.pk not in ids
    # The list a mediator opens on shows one status: its export links say so.
    html = client.get("/referrals/").content.decode()
    assert "/api/v1/exports/referrals.csv?status=submitted&amp;sep=%3B" in html
    assert "/api/v1/exports/referrals.xlsx?status=submitted" in html
    assert "answered=1" in client.get("/referrals/?status=submitted&answered=1").content.decode().split("Export")[0]


def test_the_invitation_names_the_organisation_or_the_site(client):
    coordinator = UserFactory(coordinator=True)
    invited = referral_services.member_invite(
        user=coordinator,
        organisation=OrganisationFactory(name="CCAS de Saint-Denis"),
        email="n@example.org",
        first_name="Nadia",
        last_name="K",
    )
    html = client.get(f"/invitation/{invited.secret}/").content.decode()
    assert "Nadia (CCAS de Saint-Denis)" in html and "()" not in html


def test_the_dashboard_fields_show_the_period_stated(client):
    client.force_login(UserFactory(coordinator=True))
    today = timezone.localdate()
    html = client.get("/dashboard/").content.decode()
    assert f'value="{today.replace(month=1, day=1).isoformat()}"' in html
    assert f'value="{today.isoformat()}"' in html
    start = today - dt.timedelta(days=10)
    html = client.get(f"/dashboard/?date_from={start.isoformat()}").content.decode()
    assert f'value="{start.isoformat()}"' in html and f'value="{today.isoformat()}"' in html
