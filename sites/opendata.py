"""The charity's reception points in the national open-data standard "Lieux de médiation numérique" v1.0.2.

One row per active reception point whose address is complete (the standard requires it), the columns in the
schema's order, multi-valued fields joined by `|` as this version of the standard says. The schema is a
Frictionless Table Schema published by La MedNum and the ANCT (Licence Ouverte).
"""

import csv
import io
import json
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from common.exceptions import ValidationFailed
from common.exports import neutralise_text
from common.validators import clean_phone
from sites.models import MEDIATION_SERVICES, Site

STANDARD_VERSION = "1.0.2"
FIELDS = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
)


def published_sites() -> QuerySet[Site]:
    """Active reception points with the address the standard requires (street, postal code, town)."""
    return (
        Site.objects.filter(is_active=True, is_reception_point=True)
        .exclude(address="")
        .exclude(postal_code="")
        .exclude(city="")
        .order_by("code")
    )


def missing_for_publication(site: Site) -> list[str]:
    """What keeps an active reception point out of the file (for the sites' page)."""
    return [name for name in ("address", "postal_code", "city") if not getattr(site, name)]


def _phone(value: str) -> str:
    try:
        return clean_phone(value)
    except ValidationFailed:
        return ""


def place(site: Site) -> dict:
    """One site as a row of the standard: every field, "" (CSV) for what is not known."""
    charity = settings.BAGAGE_CHARITY_NAME
    services = [service for service in MEDIATION_SERVICES if service in (site.services or [])]
    row = dict.fromkeys(FIELDS, "")
    row.update(
        id=f"bagage-{site.code.lower()}",
        pivot=site.siret or settings.BAGAGE_CHARITY_SIRET,
        nom=f"{charity} – {site.name}",
        commune=site.city,
        code_postal=site.postal_code,
        code_insee=site.insee_code,
        adresse=site.address,
        complement_adresse=site.address_complement,
        latitude=site.latitude if site.latitude is not None else "",
        longitude=site.longitude if site.longitude is not None else "",
        telephone=_phone(site.phone) if site.phone else "",
        courriels=site.email,
        site_web=site.website,
        horaires=site.opening_hours,
        presentation_resume=site.description,
        source=charity,
        itinerance="Fixe",
        structure_parente=charity,
        date_maj=timezone.localdate(site.updated_at).isoformat(),
        services="|".join(services),
    )
    return row


def places() -> list[dict]:
    return [place(site) for site in published_sites()]


def as_csv(rows: list[dict]) -> str:
    """The standard's CSV; text neutralised as in every CSV Bagage writes (`common.exports.neutralise_text`): no
    reading of it, with `,`, `;` or tab as the separator, gives a cell a spreadsheet would run. The standard's own
    values (E.164 phone numbers, dates, codes) are left as they are."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: neutralise_text(value, keep_numbers=True) if isinstance(value, str) else value
                for key, value in row.items()
            }
        )
    return out.getvalue()


def as_json(rows: list[dict]) -> str:
    """A list of objects with every field of the schema; null for what is not known; numbers as numbers."""

    def value(v):
        if v == "":
            return None
        return float(v) if isinstance(v, Decimal) else v

    return json.dumps([{key: value(v) for key, v in row.items()} for row in rows], ensure_ascii=False, indent=1)
