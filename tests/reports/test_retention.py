"""Retention: people anonymised, old access-log entries deleted, receipts purged, and the report unchanged."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from distribution.models import Allocation, AllocationEvent, Handover, Receipt
from distribution.services.receipts import receipts_storage
from referrals.models import Beneficiary, BeneficiaryAccess, Referral, ReferralEvent
from referrals.services.retention import months_ago
from reports.impact import ReportFilters, impact_report
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def age(network, *, handed_over_months=25, closed_months=7, access_months=13, receipt_years=11):
    """Move the network back in time: the dates retention reads, as if years had passed."""
    now = timezone.now()
    people = network["referrals"]
    old = now - dt.timedelta(days=handed_over_months * 31)
    for key in ("phone_sim", "laptop"):
        Handover.objects.filter(allocation__referral=people[key]).update(
            at=old, warranty_until=(old + dt.timedelta(days=700)).date()
        )
    Referral.objects.filter(pk=people["rejected"].pk).update(
        status_changed_at=now - dt.timedelta(days=closed_months * 31)
    )
    BeneficiaryAccess.objects.create(
        referral=people["laptop"], user=network["coordinator"], at=now - dt.timedelta(days=access_months * 31)
    )
    BeneficiaryAccess.objects.create(referral=people["laptop"], user=network["coordinator"], at=now)
    ancient = now - dt.timedelta(days=receipt_years * 366)
    Handover.objects.filter(allocation__referral=people["phone_sim"]).update(at=ancient)
    Receipt.objects.filter(handover__allocation__referral=people["phone_sim"]).update(issued_at=ancient)


def whole_history() -> ReportFilters:
    today = timezone.localdate()
    return ReportFilters(date_from=today - dt.timedelta(days=366 * 12), date_to=today)


def run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_retention_anonymises_deletes_and_purges_what_is_due_and_says_how_much(network):
    age(network)
    output = run()
    assert "2 people anonymised after their last handover" in output
    assert "1 people anonymised after a referral closed without a kit" in output
    assert "1 access-log entries deleted" in output
    assert "1 receipt PDFs deleted after their legal period" in output
    people = network["referrals"]
    laptop = Beneficiary.objects.get(referral=people["laptop"])
    assert (laptop.first_name, laptop.last_name, laptop.phone) == ("Anonyme", "Anonyme", "")
    assert laptop.email.endswith(".invalid") and laptop.birth_year == 0 and laptop.anonymised_at is not None
    assert laptop.postal_code == "69000" and laptop.eligibility == ["aah", "rsa"]
    rejected = Referral.objects.select_related("beneficiary").get(pk=people["rejected"].pk)
    assert rejected.beneficiary.anonymised_at is not None and rejected.decision_reason == "—"
    assert not ReferralEvent.objects.filter(referral=rejected).exclude(note="").exists()
    assert ReferralEvent.objects.filter(referral=rejected, kind="retention", data__action="anonymised").exists()
    # Handed over recently, or still waiting for a kit: kept.
    for key in ("tablet", "missed", "returned"):
        assert Beneficiary.objects.get(referral=people[key]).anonymised_at is None
    assert BeneficiaryAccess.objects.count() == 1
    assert ReferralEvent.objects.filter(referral=people["laptop"], data__action="access_log_purged").exists()


def test_a_purged_receipt_keeps_its_number_and_digest_but_not_its_pdf(network):
    age(network)
    receipt = Receipt.objects.get(handover__allocation__referral=network["referrals"]["phone_sim"])
    name = receipt.file
    assert receipts_storage().exists(name)
    run()
    receipt.refresh_from_db()
    assert receipt.file == "" and receipt.snapshot == {} and len(receipt.sha256) == 64
    assert not receipts_storage().exists(name)
    assert AllocationEvent.objects.filter(allocation=receipt.handover.allocation, note__contains="deleted").exists()
    response = network["api"].get(f"receipts/{receipt.number}.pdf")
    assert response.status_code == 404 and response.json()["code"] == "receipt_purged"


def test_the_impact_report_is_the_same_before_and_after_retention(network):
    age(network)
    before = impact_report(whole_history())
    assert before["handovers"] == 4
    run()
    assert impact_report(whole_history()) == before


def test_a_dry_run_counts_and_changes_nothing(network):
    age(network)
    output = run("--dry-run")
    assert "dry run" in output and "2 people anonymised after their last handover" in output
    assert not Beneficiary.objects.filter(anonymised_at__isnull=False).exists()
    assert BeneficiaryAccess.objects.count() == 2
    assert not Receipt.objects.filter(file="").exists()


def test_retention_run_twice_does_nothing_the_second_time(network):
    age(network)
    run()
    events = ReferralEvent.objects.count()
    output = run()
    assert all(line.strip().startswith("0 ") for line in output.splitlines()[1:])
    assert ReferralEvent.objects.count() == events


def test_nothing_recent_is_touched(network):
    assert "0 people anonymised after their last handover" in run()
    assert not Beneficiary.objects.filter(anonymised_at__isnull=False).exists()


def test_once_anonymised_only_coordinators_open_the_receipt(network):
    age(network)
    run()
    receipt = Receipt.objects.get(handover__allocation__referral=network["referrals"]["laptop"])
    assert network["api"].get(f"receipts/{receipt.number}.pdf").status_code == 200
    mediator = ApiClient(network["mediator"]).get(f"receipts/{receipt.number}.pdf")
    assert mediator.status_code == 404


def test_anonymised_people_are_not_each_others_duplicates(network):
    age(network)
    run()
    keys = list(Beneficiary.objects.filter(anonymised_at__isnull=False).values_list("identity_key", flat=True))
    assert len(keys) == 3 and len(set(keys)) == 3


def test_months_ago_clamps_the_day_to_the_months_end():
    now = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
    assert months_ago(now, 1) == dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC)
    assert months_ago(now, 24) == dt.datetime(2024, 3, 31, 12, 0, tzinfo=dt.UTC)
    assert months_ago(now, 3) == dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.UTC)


def test_a_running_warranty_keeps_the_person(network):
    age(network)
    laptop = network["referrals"]["laptop"]
    Handover.objects.filter(allocation__referral=laptop).update(warranty_until=timezone.localdate())
    run()
    assert Beneficiary.objects.get(referral=laptop).anonymised_at is None


def test_a_held_kit_keeps_the_person(network):
    age(network)
    laptop = network["referrals"]["laptop"]
    Allocation.objects.filter(referral=laptop).update(status="held")
    run()
    assert Beneficiary.objects.get(referral=laptop).anonymised_at is None
