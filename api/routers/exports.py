"""Exports: `GET /exports/{dataset}.{csv|xlsx}`, with the same filters as the dataset's list.

Each dataset is a tuple of `common.exports.Column`s over a scoped queryset; adding one is a column list and a
function of a few lines. Headers are English snake_case, the API's field names.
"""

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from api.routers.devices import DeviceFilters
from api.routers.referrals import ReferralFilters
from api.schemas import PeriodDay
from common.exports import Column, export_response
from common.validators import department_of
from distribution import policies as distribution_policies
from distribution import selectors as distribution_selectors
from inventory import policies as stock_policies
from inventory import selectors as stock_selectors
from referrals import policies as referral_policies
from referrals import selectors as referral_selectors
from referrals import services as referral_services

router = Router(tags=["exports"])

Format = Literal["csv", "xlsx"]
SEP_DESCRIPTION = 'CSV only: "," (default) or ";" (Excel in French) or "tab".'

DEVICE_COLUMNS = (
    Column("asset_tag"),
    Column("kind"),
    Column("brand"),
    Column("model"),
    Column("serial_number"),
    Column("imei"),
    Column("imei2"),
    Column("ram_gb"),
    Column("storage_gb"),
    Column("storage_type"),
    Column("grade"),
    Column("status"),
    Column("site", "site__code"),
    Column("batch", "batch_id"),
    Column("location"),
    Column("created_at"),
    Column("updated_at"),
)

# Pseudonymised: no referral id beside the pseudonym (anyone who may open referrals would go back from it to
# the person); the beneficiary's pseudonym is already one per referral.
REFERRAL_COLUMNS = (
    Column(
        "beneficiary",
        compute=lambda row: referral_selectors.beneficiary_pseudonym(row["beneficiary_id"]),
        needs=("beneficiary_id",),
    ),
    Column("status"),
    Column("site", "site__code"),
    Column("organisation", "organisation__name"),
    Column("organisation_siret", "organisation__siret"),
    Column("urgency"),
    Column("reason"),
    Column("device_kinds"),
    Column("connectivity"),
    Column(
        "department",
        compute=lambda row: _department(row["beneficiary__postal_code"]),
        needs=("beneficiary__postal_code",),
    ),
    Column("submitted_at"),
    Column("decided_at"),
    Column("status_changed_at"),
)
# With ?names=1 (coordinators, logged): who the person is and how to reach them.
REFERRAL_NAME_COLUMNS = (
    Column("first_name", "beneficiary__first_name"),
    Column("last_name", "beneficiary__last_name"),
    Column("phone", "beneficiary__phone"),
    Column("email", "beneficiary__email"),
    Column("postal_code", "beneficiary__postal_code"),
    Column("birth_year", "beneficiary__birth_year"),
)


def _department(postal_code: str | None) -> str:
    return department_of(postal_code) if postal_code else ""


class ExportOptions(DeviceFilters):
    sep: str | None = Field(None, description=SEP_DESCRIPTION)


class ReferralExportOptions(ReferralFilters):
    sep: str | None = Field(None, description=SEP_DESCRIPTION)
    names: bool = Field(
        False, description="Coordinators only: add the beneficiaries' names and contacts (each row is logged)."
    )


@router.get("/exports/devices.{fmt}", response={200: None}, url_name="export_devices")
def export_devices(request: HttpRequest, fmt: Format, options: Query[ExportOptions]):
    """Devices with the list's filters (status, kind, site, grade, batch, q), asset tag first."""
    stock_policies.require(request.auth, "stock.read")
    filters = options.model_dump(exclude={"sep"})
    devices = stock_selectors.device_list(**filters).order_by("id")
    return export_response(devices, DEVICE_COLUMNS, fmt=fmt, filename="devices", sep=options.sep)


@router.get("/exports/referrals.{fmt}", response={200: None}, url_name="export_referrals")
def export_referrals(request: HttpRequest, fmt: Format, options: Query[ReferralExportOptions]):
    """Referrals you may see (mediators: your site's; coordinators: all), with the list's filters.

    Pseudonymised: a stable pseudonym per beneficiary, no name, no contact, no referral id. A coordinator may ask
    for names (`?names=1`): the referral id, names and contacts, and every referral exported is then written to
    the access log first."""
    user = referral_policies.require(request.auth, "referral.export")
    filters = options.model_dump(exclude={"sep", "names"})
    referrals = referral_selectors.referral_export_list(user, **filters)
    columns = REFERRAL_COLUMNS
    if options.names:
        referral_policies.require(user, "referral.export_names")
        referral_services.beneficiary_accesses_record(
            user=user, referral_ids=referrals.values_list("id", flat=True).iterator(chunk_size=2000)
        )
        columns = (Column("id"), REFERRAL_COLUMNS[0], *REFERRAL_NAME_COLUMNS, *REFERRAL_COLUMNS[1:])
    return export_response(referrals, columns, fmt=fmt, filename="referrals", sep=options.sep)


# Pseudonymised like the referrals' export: the pseudonym, never the referral id beside it.
HANDOVER_COLUMNS = (
    Column("receipt_number", "receipt__number"),
    Column("handed_over_at", "at"),
    Column("kind", "allocation__kind"),
    Column("site", "allocation__site__code"),
    Column(
        "beneficiary",
        compute=lambda row: referral_selectors.beneficiary_pseudonym(row["allocation__referral__beneficiary_id"]),
        needs=("allocation__referral__beneficiary_id",),
    ),
    Column("organisation", "allocation__referral__organisation__name"),
    Column("device", "allocation__device__asset_tag"),
    Column("device_kind", "allocation__device__kind"),
    Column("grade", "allocation__device__grade"),
    Column("transfer_from", "allocation__transfer_from__code"),
    Column("offer", "allocation__line_item__offer__name"),
    Column("contribution_eur"),
    Column("payment"),
    Column("warranty_until"),
    Column("signed_on_paper"),
)


class HandoverExportOptions(Schema):
    site: str | None = Field(None, description="Site code(s), comma-separated.")
    start: PeriodDay | None = Field(None, alias="from", description="Handed over on or after this day.")
    end: PeriodDay | None = Field(None, alias="to", description="Handed over on or before this day (10 years at most).")
    sep: str | None = Field(None, description=SEP_DESCRIPTION)


@router.get("/exports/handovers.{fmt}", response={200: None}, url_name="export_handovers")
def export_handovers(request: HttpRequest, fmt: Format, options: Query[HandoverExportOptions]):
    """Kits handed over (mediators: their site's; coordinators: all), pseudonymised, receipt number first."""
    distribution_policies.require(request.auth, "kit.read")
    handovers = distribution_selectors.handover_export_list(
        request.auth, site=options.site, start=options.start, end=options.end
    )
    return export_response(handovers, HANDOVER_COLUMNS, fmt=fmt, filename="handovers", sep=options.sep)
