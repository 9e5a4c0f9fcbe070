"""The charity's figures (impact report) and one person's data (right of access)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from api.schemas import Id, PeriodDay
from referrals import policies as referral_policies
from referrals import services as referral_services
from referrals.exceptions import NotFound
from reports import access
from reports.impact import impact_report
from reports.scope import report_filters

router = Router(tags=["reports"])


class PeriodOut(Schema):
    from_: dt.date = Field(alias="from")
    to: dt.date


class KindFactorOut(Schema):
    co2e_kg: float
    materials_kg: float


class FactorsOut(Schema):
    source: str
    years_of_extra_use: float
    by_kind: dict[str, KindFactorOut]
    kinds_without_factor: list[str] = Field(
        description="Device kinds handed over that have no factor: counted, left out of the avoided totals."
    )


class PickupsMonthOut(Schema):
    site: str = Field(description="Site code.")
    month: str = Field(description="YYYY-MM, in the server's time zone.")
    kits_collected: int = Field(description="Kits handed over whose hold ended in the month.")
    kits_not_collected: int = Field(description="Kits whose hold ended in the month without a pickup (no-show).")
    no_show_rate: float | None = Field(
        description="kits_not_collected / (kits_collected + kits_not_collected); null when no hold ended."
    )
    median_days_ready_to_handover: float | None = Field(
        description="Median days from the kit's reservation to its handover, over the kits handed over in the "
        "month (mean of the two middle values for an even count); null when none."
    )


class ImpactOut(Schema):
    period: PeriodOut
    site: str | None
    organisation: int | None
    handovers: int
    beneficiaries: int = Field(description="People (referrals) who received at least one kit or top-up.")
    devices_handed_over_by_kind: dict[str, int]
    sims_given: int
    topups_given: int
    hotspots_given: int
    devices_received: int
    devices_refurbished: int
    devices_recycled: int
    devices_for_parts: int
    beneficiaries_by_eligibility: dict[str, int]
    beneficiaries_by_department: dict[str, int]
    referrals_by_partner_kind: dict[str, int] = Field(description="Referrals submitted in the period.")
    referrals_by_outcome: dict[str, int] = Field(description="Their status today.")
    median_days_referral_to_handover: float | None
    kits_collected: int
    kits_not_collected: int
    no_show_rate: float | None = Field(
        description="Kits not collected / (kits handed over + kits not collected), among the kits whose hold "
        "ended in the period (a released kit counts in neither)."
    )
    median_days_ready_to_handover: float | None = Field(
        description="Median days from the kit's reservation to its handover, over the kits handed over in the period."
    )
    pickups_by_site_and_month: list[PickupsMonthOut] = Field(
        description="The no-show rate and the median days from kit ready to handover, per site and month: "
        "every month of the period for each site where a hold ended."
    )
    returns: int
    returns_under_warranty: int
    returns_under_warranty_by_outcome: dict[str, int]
    co2e_avoided_kg: float
    materials_avoided_kg: float
    factors: FactorsOut


class ImpactFilters(Schema):
    date_from: PeriodDay | None = Field(
        None, alias="from", description="First day (default: 1 January); 2000-01-01 at the earliest."
    )
    date_to: PeriodDay | None = Field(
        None, alias="to", description="Last day, included (default: today); at most 10 years after `from`."
    )
    site: str | None = Field(None, max_length=2, description="Site code; a mediator's own site by default.")
    organisation: Id | None = Field(None, description="Partner organisation id.")


@router.get("/reports/impact", response=ImpactOut, by_alias=True)
def impact(request: HttpRequest, query: Query[ImpactFilters]):
    """Impact figures over a period (coordinators; mediators for their own site)."""
    filters = report_filters(
        request.auth,
        date_from=query.date_from,
        date_to=query.date_to,
        site=query.site,
        organisation=query.organisation,
    )
    return impact_report(filters)


@router.get("/beneficiaries/{referral_id}/export")
def beneficiary_export(request: HttpRequest, referral_id: Id):
    """Everything held about the person of this referral, as JSON (right of access; coordinators). Logged."""
    user = referral_policies.require(request.auth, "beneficiary.export")
    referral = access.exportable_referral(user, referral_id)
    if referral is None:
        raise NotFound(f"No referral #{referral_id}.")
    referral_services.beneficiary_access_record(user=user, referral=referral, action="export")
    return access.person_export(user, referral)
