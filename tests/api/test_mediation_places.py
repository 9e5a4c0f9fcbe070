"""The national mediation-places file, validated with frictionless against the standard's own Table Schema."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.utils import timezone
from frictionless import Resource, Schema, system

from sites.models import DEFAULT_SERVICES, Site
from sites.opendata import FIELDS
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

# The standard's schema.json (LaMednum/standard-mediation-num, v1.0.2, Licence Ouverte), copied unchanged.
SCHEMA_PATH = Path(__file__).resolve().parent / "lieux-mediation-numerique.schema.json"


def schema_descriptor() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate(content: bytes, fmt: str, tmp_path: Path):
    file = tmp_path / f"lieux.{fmt}"
    file.write_bytes(content)
    with system.use_context(trusted=True):
        resource = Resource(path=str(file), format=fmt, schema=Schema.from_descriptor(schema_descriptor()))
        return resource.validate()


def errors_of(report) -> list[str]:
    return [error.type for task in report.tasks for error in task.errors]


@pytest.fixture
def sites():
    lille = SiteFactory(
        code="LI",
        name="Lille",
        address="12 rue de Paris",
        postal_code="59000",
        city="Lille",
        insee_code="59350",
        phone="+33320551234",
        email="li@bagage.example.org",
        website="https://bagage.example.org/lille",
        opening_hours="Mo-Fr 09:30-12:30,14:00-17:00; Sa 10:00-12:00",
        latitude="50.636565",
        longitude="3.063528",
        description="Ordinateurs et téléphones reconditionnés, à prix solidaire, sur orientation.",
    )
    paris = SiteFactory(
        code="PA", name="Paris", address="45 boulevard de Belleville", postal_code="75011", city="Paris"
    )
    SiteFactory(code="SD", is_reception_point=False, address="3 rue du Landy", postal_code="93200")
    SiteFactory(code="LY", is_active=False, address="20 rue Servient", postal_code="69003")
    SiteFactory(code="GR", address="", postal_code="38000")  # incomplete: left out
    return lille, paris


def test_the_csv_is_valid_against_the_national_schema(anon_api, sites, tmp_path):
    response = anon_api.get("sites/lieux-mediation-numerique.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    report = validate(response.content, "csv", tmp_path)
    assert report.valid, errors_of(report)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert tuple(rows[0]) == FIELDS
    assert [row["id"] for row in rows] == ["bagage-li", "bagage-pa"]
    lille = rows[0]
    assert lille["pivot"] == "82904837000011"
    assert lille["nom"].endswith("Lille")
    assert (lille["commune"], lille["code_postal"], lille["code_insee"]) == ("Lille", "59000", "59350")
    assert lille["horaires"] == "Mo-Fr 09:30-12:30,14:00-17:00; Sa 10:00-12:00"
    assert lille["telephone"] == "+33320551234"
    assert float(lille["latitude"]) == pytest.approx(50.636565)
    assert set(lille["services"].split("|")) == set(DEFAULT_SERVICES)
    assert "Acquisition de matériel informatique à prix solidaire" in lille["services"]
    assert lille["date_maj"] == timezone.localdate(Site.objects.get(code="LI").updated_at).isoformat()


def test_the_json_is_valid_against_the_national_schema(anon_api, sites, tmp_path):
    response = anon_api.get("sites/lieux-mediation-numerique.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    report = validate(response.content, "json", tmp_path)
    assert report.valid, errors_of(report)
    places = response.json()
    assert [place["id"] for place in places] == ["bagage-li", "bagage-pa"]
    assert places[0]["longitude"] == pytest.approx(3.063528)
    assert places[1]["telephone"] is None
    assert list(places[1]) == list(FIELDS)


def test_a_site_own_siret_is_its_pivot(anon_api, sites):
    Site.objects.filter(code="PA").update(siret="21350238800100")
    rows = list(csv.DictReader(io.StringIO(anon_api.get("sites/lieux-mediation-numerique.csv").content.decode())))
    assert rows[1]["pivot"] == "21350238800100"


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("pivot", "", "constraint-error"),  # required
        ("code_postal", "7501", "constraint-error"),  # pattern
        ("telephone", "03 20 55 12 34", "constraint-error"),  # international format only
        ("date_maj", "26/11/2026", "type-error"),
        ("services", "Vente de téléphones", "constraint-error"),  # not in the vocabulary
    ],
)
def test_the_validation_catches_a_missing_or_badly_formatted_field(anon_api, sites, tmp_path, field, value, error):
    """The schema check is not a formality: a file with one wrong cell fails it."""
    text = anon_api.get("sites/lieux-mediation-numerique.csv").content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0][field] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    report = validate(out.getvalue().encode(), "csv", tmp_path)
    assert not report.valid
    assert error in errors_of(report)


def test_a_missing_required_column_fails_the_validation(anon_api, sites, tmp_path):
    text = anon_api.get("sites/lieux-mediation-numerique.csv").content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = [name for name in FIELDS if name != "nom"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    assert not validate(out.getvalue().encode(), "csv", tmp_path).valid


def test_the_file_is_public_and_lists_no_warehouse_nor_closed_site(anon_api, sites):
    places = anon_api.get("sites/lieux-mediation-numerique.json").json()
    assert {place["id"] for place in places} == {"bagage-li", "bagage-pa"}


def test_the_demo_sites_make_a_valid_file(anon_api, tmp_path):
    from demo.accounts import load_sites

    load_sites()
    content = anon_api.get("sites/lieux-mediation-numerique.csv").content
    report = validate(content, "csv", tmp_path)
    assert report.valid, errors_of(report)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert len(rows) == 7
    assert all(row["telephone"].startswith("+33") and row["horaires"] and row["code_insee"] for row in rows)
