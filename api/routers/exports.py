"""Exports: `GET /exports/{dataset}.{csv|xlsx}`, with the same filters as the dataset's list.

Each dataset is a tuple of `common.exports.Column`s over a scoped queryset; adding one is a column list and a
function of a few lines. Two formats (`?format=`): `codes` for machines (headers are English snake_case, the API's
field names, values are codes, CSV with `,` and ISO 8601), `people` for a person (headers and values in the
reader's language; in French a CSV with `;`, decimal commas and dd/mm/yyyy that French Excel and LibreOffice open
as it is). Without `format`, a signed-in browser gets `people` and a script with an API token gets `codes`.
"""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from api.routers.devices import DeviceFilters
from api.routers.referrals import ReferralFilters
from api.schemas import PeriodDay
from common.exports import Column, export_response, reader_language, wants_people
from common.validators import department_of
from distribution import policies as distribution_policies
from distribution import selectors as distribution_selectors
from distribution.enums import AllocationKind, Payment
from inventory import policies as stock_policies
from inventory import selectors as stock_selectors
from inventory.enums import DeviceKind, DeviceStatus, StorageType
from referrals import policies as referral_policies
from referrals import selectors as referral_selectors
from referrals import services as referral_services
from referrals.enums import Connectivity, Reason, ReferralStatus, Urgency

router = Router(tags=["exports"])

Format = Literal["csv", "xlsx"]
SEP_DESCRIPTION = (
    'CSV only: "," or ";" (Excel in French) or "tab". Default: "," for machines and English, ";" for people in French.'
)
FORMAT_DESCRIPTION = (
    '"codes" (machines: code headers and values, ISO 8601 with offsets) or "people" (headers and values in the '
    "reader's language; in French `;`, decimal commas, dd/mm/yyyy). Default: people for a signed-in browser, "
    "codes for an API token."
)

DEVICE_COLUMNS = (
    Column("asset_tag", label=_("Asset tag")),
    Column("kind", label=_("Kind"), choices=DeviceKind),
    Column("brand", label=_("Brand")),
    Column("model", label=_("Model")),
    Column("serial_number", label=_("Serial number")),
    Column("imei", label=_("IMEI")),
    Column("imei2", label=_("IMEI 2")),
    Column("ram_gb", label=_("RAM (GB)")),
    Column("storage_gb", label=_("Storage (GB)")),
    Column("storage_type", label=_("Storage type"), choices=StorageType),
    Column("grade", label=_("Grade")),
    Column("status", label=_("Status"), choices=DeviceStatus),
    Column("site", "site__code", label=_("Site")),
    Column("batch", "batch_id", label=_("Batch")),
    Column("location", label=_("Location")),
    Column("created_at", label=_("Registered on")),
    Column("updated_at", label=_("Last changed on")),
)


def _day_column(lookup: str, label) -> Column:
    """The day (Paris time) of a moment: a pseudonymised row must not carry a time that joins it back to the
    referral (the API gives every referral's `submitted_at` to the millisecond)."""

    def day(row: dict) -> dt.date | None:
        return timezone.localdate(row[lookup]) if row[lookup] else None

    return Column(lookup, compute=day, needs=(lookup,), label=label)


REFERRAL_DAY_COLUMNS = (
    _day_column("submitted_at", _("Submitted on")),
    _day_column("decided_at", _("Decided on")),
    _day_column("status_changed_at", _("Status changed on")),
)
# With names (logged, coordinators only) the moments themselves.
REFERRAL_MOMENT_COLUMNS = (
    Column("submitted_at", label=_("Submitted on")),
    Column("decided_at", label=_("Decided on")),
    Column("status_changed_at", label=_("Status changed on")),
)

# Pseudonymised: no referral id beside the pseudonym (anyone who may open referrals would go back from it to
# the person); the beneficiary's pseudonym is already one per referral.
REFERRAL_COLUMNS = (
    Column(
        "beneficiary",
        compute=lambda row: referral_selectors.beneficiary_pseudonym(row["beneficiary_id"]),
        needs=("beneficiary_id",),
        label=_("Beneficiary (pseudonym)"),
    ),
    Column("status", label=_("Status"), choices=ReferralStatus),
    Column("site", "site__code", label=_("Site")),
    Column("organisation", "organisation__name", label=_("Partner organisation")),
    Column("organisation_siret", "organisation__siret", label=_("SIRET")),
    Column("urgency", label=_("Urgency"), choices=Urgency),
    Column("reason", label=_("Reason"), choices=Reason),
    Column("device_kinds", label=_("Devices needed"), choices=DeviceKind),
    Column("connectivity", label=_("Connectivity"), choices=Connectivity),
    Column(
        "department",
        compute=lambda row: _department(row["beneficiary__postal_code"]),
        needs=("beneficiary__postal_code",),
        label=_("Département"),
    ),
    *REFERRAL_DAY_COLUMNS,
)
# With ?names=1 (coordinators, logged): who the person is and how to reach them.
REFERRAL_NAME_COLUMNS = (
    Column("first_name", "beneficiary__first_name", label=_("First name")),
    Column("last_name", "beneficiary__last_name", label=_("Last name")),
    Column("phone", "beneficiary__phone", label=_("Phone")),
    Column("email", "beneficiary__email", label=_("E-mail")),
    Column("postal_code", "beneficiary__postal_code", label=_("Postal code")),
    Column("birth_year", "beneficiary__birth_year", label=_("Birth year")),
)


def _department(postal_code: str | None) -> str:
    return department_of(postal_code) if postal_code else ""


class ExportOptions(DeviceFilters):
    sep: str | None = Field(None, description=SEP_DESCRIPTION)
    audience: str | None = Field(None, alias="format", description=FORMAT_DESCRIPTION)


class ReferralExportOptions(ReferralFilters):
    sep: str | None = Field(None, description=SEP_DESCRIPTION)
    audience: str | None = Field(None, alias="format", description=FORMAT_DESCRIPTION)
    names: bool = Field(
        False, description="Coordinators only: add the beneficiaries' names and contacts (each row is logged)."
    )


@router.get("/exports/devices.{fmt}", response={200: None}, url_name="export_devices")
def export_devices(request: HttpRequest, fmt: Format, options: Query[ExportOptions]):
    """Devices with the list's filters (status, kind, site, grade, batch, q), asset tag first."""
    stock_policies.require(request.auth, "stock.read")
    people = wants_people(request, options.audience)
    filters = options.model_dump(exclude={"sep", "audience"})
    devices = stock_selectors.device_list(**filters).order_by("id")
    return export_response(
        devices,
        DEVICE_COLUMNS,
        fmt=fmt,
        filename="devices",
        sep=options.sep,
        people=people,
        language=reader_language(request) if people else None,
    )


@router.get("/exports/referrals.{fmt}", response={200: None}, url_name="export_referrals")
def export_referrals(request: HttpRequest, fmt: Format, options: Query[ReferralExportOptions]):
    """Referrals you may see (mediators: your site's; coordinators: all), with the list's filters.

    Pseudonymised: a stable pseudonym per beneficiary, no name, no contact, no referral id, days rather than
    moments (a moment to the second would join a row back to its referral). A coordinator may ask
    for names (`?names=1`): the referral id, names and contacts, and every referral exported is then written to
    the access log first."""
    user = referral_policies.require(request.auth, "referral.export")
    people = wants_people(request, options.audience)
    filters = options.model_dump(exclude={"sep", "names", "audience"})
    referrals = referral_selectors.referral_export_list(user, **filters)
    columns = REFERRAL_COLUMNS
    if options.names:
        referral_policies.require(user, "referral.export_names")
        referral_services.beneficiary_accesses_record(
            user=user, referral_ids=referrals.values_list("id", flat=True).iterator(chunk_size=2000)
        )
        columns = (
            Column("id", label=_("Referral")),
            REFERRAL_COLUMNS[0],
            *REFERRAL_NAME_COLUMNS,
            *REFERRAL_COLUMNS[1 : -len(REFERRAL_DAY_COLUMNS)],
            *REFERRAL_MOMENT_COLUMNS,
        )
    return export_response(
        referrals,
        columns,
        fmt=fmt,
        filename="referrals",
        sep=options.sep,
        people=people,
        language=reader_language(request) if people else None,
    )


# Pseudonymised like the referrals' export: the pseudonym, never the referral id beside it.
HANDOVER_COLUMNS = (
    Column("receipt_number", "receipt__number", label=_("Receipt")),
    Column("handed_over_at", "at", label=_("Handed over on")),
    Column("kind", "allocation__kind", label=_("Kind"), choices=AllocationKind),
    Column("site", "allocation__site__code", label=_("Site")),
    Column(
        "beneficiary",
        compute=lambda row: referral_selectors.beneficiary_pseudonym(row["allocation__referral__beneficiary_id"]),
        needs=("allocation__referral__beneficiary_id",),
        label=_("Beneficiary (pseudonym)"),
    ),
    Column("organisation", "allocation__referral__organisation__name", label=_("Partner organisation")),
    Column("device", "allocation__device__asset_tag", label=_("Device")),
    Column("device_kind", "allocation__device__kind", label=_("Device kind"), choices=DeviceKind),
    Column("grade", "allocation__device__grade", label=_("Grade")),
    Column("transfer_from", "allocation__transfer_from__code", label=_("Transferred from")),
    Column("offer", "allocation__line_item__offer__name", label=_("Offer")),
    Column("contribution_eur", label=_("Contribution (€)")),
    Column("payment", label=_("Payment"), choices=Payment),
    Column("warranty_until", label=_("Warranty until")),
    Column("signed_on_paper", label=_("Signed on paper")),
)


class HandoverExportOptions(Schema):
    site: str | None = Field(None, description="Site code(s), comma-separated.")
    start: PeriodDay | None = Field(None, alias="from", description="Handed over on or after this day.")
    end: PeriodDay | None = Field(None, alias="to", description="Handed over on or before this day (10 years at most).")
    sep: str | None = Field(None, description=SEP_DESCRIPTION)
    audience: str | None = Field(None, alias="format", description=FORMAT_DESCRIPTION)


@router.get("/exports/handovers.{fmt}", response={200: None}, url_name="export_handovers")
def export_handovers(request: HttpRequest, fmt: Format, options: Query[HandoverExportOptions]):
    """Kits handed over (mediators: their site's; coordinators: all), pseudonymised, receipt number first."""
    distribution_policies.require(request.auth, "kit.read")
    people = wants_people(request, options.audience)
    handovers = distribution_selectors.handover_export_list(
        request.auth, site=options.site, start=options.start, end=options.end
    )
    return export_response(
        handovers,
        HANDOVER_COLUMNS,
        fmt=fmt,
        filename="handovers",
        sep=options.sep,
        people=people,
        language=reader_language(request) if people else None,
    )
