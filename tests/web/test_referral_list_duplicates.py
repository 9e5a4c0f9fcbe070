"""The referral list page marks a person referred twice, on every page: « doublon ? » when the mediator may open
the other referral, « ailleurs ? » when it lies beyond their site (never which)."""

import re

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db


def badges(html: str) -> dict[int, str]:
    """Each row's referral number and its badge ("" without one)."""
    rows = re.findall(r"<tr.*?</tr>", html, flags=re.S)
    found = {}
    for row in rows:
        number = re.search(r"/referrals/(\d+)/", row)
        if number:
            badge = re.search(r'<span class="badge"[^>]*>([^<]+)</span>', row)
            found[int(number.group(1))] = badge.group(1) if badge else ""
    return found


def test_the_list_marks_duplicates_here_and_elsewhere_on_every_page():
    saint_denis, lyon = SiteFactory(code="SD"), SiteFactory(code="LY")
    twice_here = ReferralFactory(site=saint_denis, beneficiary__last_name="Traore", beneficiary__phone="+33611110000")
    again_here = ReferralFactory(site=saint_denis, beneficiary__last_name="Traore", beneficiary__phone="+33611110001")
    # The same phone, another name: the same person as far as the check goes, referred at Lyon.
    here_and_lyon = ReferralFactory(site=saint_denis, beneficiary__phone="+33622220000")
    ReferralFactory(site=lyon, beneficiary__phone="+33622220000")
    alone = [ReferralFactory(site=saint_denis) for _ in range(50)]
    mediator = UserFactory(mediator=True, site=saint_denis)
    client = Client()
    client.force_login(mediator)
    seen = {}
    for number in (1, 2):
        response = client.get("/referrals/", {"status": "submitted", "page": number})
        assert response.status_code == 200
        seen.update(badges(response.content.decode()))
    assert len(seen) == 53  # Saint-Denis' referrals only, over two pages
    assert seen[twice_here.pk] == seen[again_here.pk] == "doublon ?"
    assert seen[here_and_lyon.pk] == "ailleurs ?"
    assert {seen[r.pk] for r in alone} == {""}
