"""Receipt and kit numbers: gapless and consecutive under concurrency, and every year starts again at 000001."""

import pytest
from django.db import connection
from django.utils import timezone

from distribution.models import NumberSequence, Receipt
from distribution.services import allocation_reserve, handover_record
from tests.conftest import require_or_skip
from tests.distribution.conftest import ready_phone
from tests.distribution.test_races import at_once
from tests.factories import OrganisationFactory, ReferralFactory, SiteFactory, UserFactory, valid_imei


@pytest.mark.django_db(transaction=True)
def test_ten_handovers_at_once_at_ten_sites_continue_this_years_counter_with_ten_consecutive_numbers():
    if connection.vendor != "postgresql":
        # SQLite's IMMEDIATE transactions run writers one after the other: only PostgreSQL really overlaps them.
        require_or_skip("BAGAGE_REQUIRE_POSTGRES", "concurrent handovers overlap on PostgreSQL only")
    year = timezone.localdate().year
    NumberSequence.objects.create(name="receipt", year=year, last=41)
    social_worker = UserFactory(social_worker=True, organisation=OrganisationFactory())
    warehouse = UserFactory(warehouse=True)
    kits = []
    for n in range(10):
        site = SiteFactory(code=f"Q{chr(ord('A') + n)}")
        mediator = UserFactory(mediator=True, site=site)
        referral = ReferralFactory(social_worker=social_worker, site=site, status="accepted", connectivity="none")
        phone = ready_phone(site, warehouse, imei=valid_imei(300 + n))
        kits.append((mediator, allocation_reserve(user=mediator, referral=referral, device=phone.asset_tag)))
    results = at_once(lambda i: handover_record(user=kits[i][0], allocation=kits[i][1].pk, signed_on_paper=True).pk, 10)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == [f"R-{year}-{n:06d}" for n in range(42, 52)]
    assert NumberSequence.objects.get(name="receipt", year=year).last == 51


@pytest.mark.django_db
def test_with_last_years_counters_present_this_years_first_kit_and_receipt_are_000001(world):
    year = timezone.localdate().year
    NumberSequence.objects.create(name="allocation", year=year - 1, last=812)
    NumberSequence.objects.create(name="receipt", year=year - 1, last=640)
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    assert allocation["number"] == f"A-{year}-000001"
    receipt = world["api"].post(f"allocations/{allocation['id']}/handover", {"signed_on_paper": True}).json()
    assert receipt["receipt_number"] == f"R-{year}-000001"
    counters = {(row.name, row.year): row.last for row in NumberSequence.objects.all()}
    assert counters == {
        ("allocation", year - 1): 812,
        ("receipt", year - 1): 640,
        ("allocation", year): 1,
        ("receipt", year): 1,
    }
