"""Attacks on the files that carry people's data out of Bagage (issue 19, items 10 and 11), kept as tests.

The right of access holds the person's own data only; a pseudonymised export carries no referral id beside
the pseudonym (anyone who may open referrals would go back from it to the name).
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from referrals.selectors import beneficiary_pseudonym
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone, world  # noqa: F401  (fixture)
from tests.factories import BeneficiaryFactory, ReferralFactory, SiteFactory, UserFactory, valid_imei

pytestmark = pytest.mark.django_db


def rows_of(response, fmt: str) -> list[dict]:
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    sheet = list(openpyxl.load_workbook(io.BytesIO(raw), read_only=True).worksheets[0].iter_rows(values_only=True))
    return [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]


def assert_no_referral_ids(rows: list[dict], referrals) -> None:
    """No column is the referrals' ids, whatever its header."""
    assert rows and not {"id", "referral", "referral_id"} & set(rows[0])
    ids = [str(referral.pk) for referral in referrals]
    for column in rows[0]:
        assert [str(row[column]) for row in rows] != ids, column


# --- item 10: the right of access shows nobody else ---------------------------------------------------------


@pytest.fixture
def shared_phone(db):
    """Amina, her earlier referral (same name, birth year, postal code), and her neighbour using her phone."""
    social_worker = UserFactory(social_worker=True)
    person = {"first_name": "Amina", "last_name": "Diallo", "birth_year": 1985, "postal_code": "93200"}
    amina = ReferralFactory(social_worker=social_worker, beneficiary=BeneficiaryFactory(**person, phone="+33612345678"))
    earlier = ReferralFactory(
        social_worker=social_worker, beneficiary=BeneficiaryFactory(**person, phone="+33699999999")
    )
    neighbour = ReferralFactory(
        social_worker=social_worker,
        beneficiary=BeneficiaryFactory(
            first_name="Fatou",
            last_name="Keita",
            birth_year=1962,
            phone="+33612345678",
            phone_key="+33612345678",
            email="fatou.keita@example.org",
        ),
    )
    amina.beneficiary.phone_key = "+33612345678"
    amina.beneficiary.save(update_fields=["phone_key"])
    return amina, earlier, neighbour


def test_the_right_of_access_never_lists_someone_sharing_the_phone(coordinator_api, shared_phone):
    amina, earlier, neighbour = shared_phone
    response = coordinator_api.get(f"beneficiaries/{amina.pk}/export")
    assert response.status_code == 200, response.json()
    listed = {other["id"] for other in response.json()["other_referrals"]}
    assert neighbour.pk not in listed
    text = response.content.decode()
    for secret in ("Fatou", "Keita", "fatou.keita@example.org"):
        assert secret not in text
    # Her own earlier referral is hers: it stays in her file.
    assert listed == {earlier.pk}


def test_the_neighbour_s_file_does_not_list_amina_either(coordinator_api, shared_phone):
    amina, earlier, neighbour = shared_phone
    body = coordinator_api.get(f"beneficiaries/{neighbour.pk}/export").json()
    assert body["other_referrals"] == []
    assert "Amina" not in str(body) and "Diallo" not in str(body)


# --- item 11: pseudonymised exports carry no referral id -----------------------------------------------------


@pytest.fixture
def referrals(db):
    social_worker = UserFactory(social_worker=True)
    here = ReferralFactory.create_batch(3, social_worker=social_worker)
    elsewhere = ReferralFactory(social_worker=social_worker, site=SiteFactory(code="LY"))
    return [*here, elsewhere]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_pseudonymised_referrals_export_carries_no_referral_id(coordinator_api, mediator_api, referrals, fmt):
    rows = rows_of(coordinator_api.get(f"exports/referrals.{fmt}"), fmt)
    assert [row["beneficiary"] for row in rows] == [beneficiary_pseudonym(r.beneficiary_id) for r in referrals]
    assert_no_referral_ids(rows, referrals)
    mine = rows_of(mediator_api.get(f"exports/referrals.{fmt}"), fmt)
    assert_no_referral_ids(mine, referrals[:3])


def test_with_names_asked_the_referral_id_comes_back(coordinator_api, referrals):
    rows = rows_of(coordinator_api.get("exports/referrals.csv", {"names": "1"}), "csv")
    assert [int(row["id"]) for row in rows] == [r.pk for r in referrals]
    # The moments themselves, as the referrals' API gives them.
    moments = [r.submitted_at.replace(microsecond=0) for r in referrals]
    assert [dt.datetime.fromisoformat(row["submitted_at"]) for row in rows] == moments


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_pseudonymised_referrals_export_cannot_be_joined_back_by_its_moments(coordinator_api, referrals, fmt):
    """`GET /referrals` gives each referral's id and `submitted_at` to the millisecond: a pseudonymised row that
    carried the same moment would name its referral. It carries the day only."""
    rows = rows_of(coordinator_api.get(f"exports/referrals.{fmt}", {"format": "codes"}), fmt)
    for row, referral in zip(rows, referrals, strict=True):
        for column in ("submitted_at", "status_changed_at"):
            value = row[column]
            if isinstance(value, dt.datetime):  # a date cell of the XLSX: midnight, no time of day
                assert value.time() == dt.time(0), (column, value)
                day = value.date()
            else:
                assert isinstance(value, str) and len(value) == 10, (column, value)
                day = dt.date.fromisoformat(value)
            assert day == timezone.localdate(getattr(referral, column)), column


def test_the_handovers_export_carries_no_referral_id(world):  # noqa: F811
    second = ReferralFactory(
        social_worker=world["social_worker"], site=world["sd"], status="accepted", connectivity="none"
    )
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(901))
    handed = [world["referral"], second]
    for referral in handed:
        kit = world["api"].post("allocations", {"referral": referral.pk}).json()
        assert world["api"].post(f"allocations/{kit['id']}/handover", {"signed_on_paper": True}).status_code == 201
    for fmt in ("csv", "xlsx"):
        rows = rows_of(ApiClient(world["mediator"]).get(f"exports/handovers.{fmt}"), fmt)
        assert [row["beneficiary"] for row in rows] == [beneficiary_pseudonym(r.beneficiary_id) for r in handed]
        assert_no_referral_ids(rows, handed)
