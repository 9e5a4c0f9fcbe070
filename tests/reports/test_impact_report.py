"""The impact report: every figure checked against the network built through the services."""

import datetime as dt
import statistics

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from distribution.models import Allocation, Handover
from reports.impact import (
    ReportFilters,
    handover_times,
    impact_report,
    median_days_referral_to_handover,
    median_portable,
    medians_by_group,
    month_of,
)
from tests.conftest import ApiClient
from tests.factories import LineItemFactory, UserFactory
from tests.reports.conftest import accepted, device, hand_over

pytestmark = pytest.mark.django_db


def period(days: int = 60) -> dict:
    today = timezone.localdate()
    return {"from": str(today - dt.timedelta(days=days)), "to": str(today)}


def report(api, **params):
    response = api.get("reports/impact", {**period(), **params})
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_report_counts_handovers_people_devices_and_connectivity(network):
    body = report(network["api"])
    assert body["handovers"] == 4
    assert body["beneficiaries"] == 4
    assert body["devices_handed_over_by_kind"] == {
        "smartphone": 2,
        "feature_phone": 0,
        "tablet": 1,
        "laptop": 1,
        "desktop": 0,
    }
    assert (body["sims_given"], body["topups_given"], body["hotspots_given"]) == (1, 0, 0)


def test_the_report_counts_people_by_eligibility_and_by_departement(network):
    body = report(network["api"])
    eligibility = body["beneficiaries_by_eligibility"]
    assert {k: v for k, v in eligibility.items() if v} == {"rsa": 2, "aah": 1, "refugee": 1, "low_income": 1}
    assert set(eligibility) >= {"rsa", "ass", "aah", "asylum_seeker", "other"}
    # 20100 is Corse-du-Sud (2A), 97400 La Réunion (974).
    assert body["beneficiaries_by_department"] == {"2A": 1, "69": 1, "93": 1, "974": 1}


def test_a_person_given_a_kit_then_a_top_up_is_one_person_and_the_top_up_no_kit(network):
    phone_sim = network["referrals"]["phone_sim"]
    kit = Allocation.objects.get(referral=phone_sim)
    expires = timezone.localdate() + dt.timedelta(days=90)
    LineItemFactory(offer=kit.line_item.offer, site=network["sd"], expires_on=expires)
    hand_over(network["mediator"], phone_sim, kind="topup")
    body = report(network["api"])
    assert (body["handovers"], body["beneficiaries"]) == (5, 4)
    assert body["beneficiaries_by_department"] == {"2A": 1, "69": 1, "93": 1, "974": 1}
    eligibility = body["beneficiaries_by_eligibility"]
    assert {k: v for k, v in eligibility.items() if v} == {"rsa": 2, "aah": 1, "refugee": 1, "low_income": 1}
    # The medians are over the kits: the top-up, handed over a moment after the referral's kit, changes neither.
    assert body["median_days_referral_to_handover"] == 15.0
    assert body["median_days_ready_to_handover"] == 0.0


def test_the_report_counts_referrals_by_partner_kind_and_outcome(network):
    body = report(network["api"])
    assert body["referrals_by_partner_kind"] == {"ccas": 5, "mission_locale": 1}
    # The missed kit was the first miss: the referral waits again.
    assert body["referrals_by_outcome"] == {"accepted": 1, "handed_over": 4, "rejected": 1}


def test_the_report_gives_the_median_wait_the_no_show_rate_and_returns(network):
    body = report(network["api"])
    assert body["median_days_referral_to_handover"] == 15.0  # 4, 10, 20, 30 days
    assert (body["kits_collected"], body["kits_not_collected"], body["no_show_rate"]) == (4, 1, 0.2)
    assert (body["returns"], body["returns_under_warranty"]) == (1, 1)
    assert body["returns_under_warranty_by_outcome"] == {"swap": 0, "repair": 1, "return": 0}


def test_the_report_counts_the_workshop(network):
    body = report(network["api"])
    assert (body["devices_received"], body["devices_refurbished"]) == (5, 0)
    assert (body["devices_recycled"], body["devices_for_parts"]) == (1, 0)


def test_co2e_and_materials_avoided_use_the_factors_returned_with_them(network):
    body = report(network["api"])
    factors = body["factors"]
    assert factors["by_kind"]["smartphone"] == {"co2e_kg": 24.6, "materials_kg": 76.9}
    assert factors["by_kind"]["laptop"] == {"co2e_kg": 27.0, "materials_kg": 127.0}
    assert "ADEME" in factors["source"] and factors["years_of_extra_use"] == 1
    assert factors["kinds_without_factor"] == ["tablet"]
    assert body["co2e_avoided_kg"] == pytest.approx(2 * 24.6 + 27.0)
    assert body["materials_avoided_kg"] == pytest.approx(2 * 76.9 + 127.0)


def test_the_factors_are_a_setting(network, settings):
    settings.BAGAGE_IMPACT_FACTORS = {
        "years_of_extra_use": 2,
        "source": "Our own study",
        "by_kind": {"tablet": {"co2e_kg": 10.0, "materials_kg": 20.0}},
    }
    body = report(network["api"])
    assert (body["co2e_avoided_kg"], body["materials_avoided_kg"]) == (20.0, 40.0)
    assert body["factors"]["kinds_without_factor"] == ["laptop", "smartphone"]
    assert body["factors"]["source"] == "Our own study"


def test_the_site_filter_keeps_one_sites_figures(network):
    lyon = report(network["api"], site="LY")
    assert (lyon["site"], lyon["handovers"], lyon["beneficiaries"]) == ("LY", 1, 1)
    assert lyon["devices_handed_over_by_kind"]["tablet"] == 1
    assert lyon["median_days_referral_to_handover"] == 30.0
    assert lyon["co2e_avoided_kg"] == 0
    assert lyon["beneficiaries_by_department"] == {"2A": 1}
    assert lyon["devices_received"] == 1 and lyon["kits_not_collected"] == 0
    saint_denis = report(network["api"], site="SD")
    assert saint_denis["handovers"] == 3 and saint_denis["median_days_referral_to_handover"] == 10.0
    assert saint_denis["devices_recycled"] == 1 and saint_denis["no_show_rate"] == 0.25


def test_the_organisation_filter_keeps_one_partners_referrals(network):
    body = report(network["api"], organisation=network["mission"].pk)
    assert body["handovers"] == 0 and body["median_days_referral_to_handover"] is None
    assert body["referrals_by_outcome"] == {"rejected": 1}
    assert body["no_show_rate"] is None


def test_the_period_leaves_out_what_happened_before(network):
    tablet = Handover.objects.get(allocation__referral=network["referrals"]["tablet"])
    Handover.objects.filter(pk=tablet.pk).update(at=timezone.now() - dt.timedelta(days=400))
    body = report(network["api"])
    assert body["handovers"] == 3 and body["devices_handed_over_by_kind"]["tablet"] == 0
    assert body["median_days_referral_to_handover"] == 10.0
    assert report(network["api"], **period(500))["handovers"] == 4


def test_a_mediator_reads_their_own_sites_figures_only(network):
    api = ApiClient(network["mediator"])
    own = report(api)
    assert own["site"] == "SD" and own["handovers"] == 3
    other = api.get("reports/impact", {**period(), "site": "LY"})
    assert other.status_code == 403 and other.json()["code"] == "other_site"


@pytest.mark.parametrize("role", ["social_worker", "warehouse"])
def test_other_roles_cannot_read_the_report(network, role):
    response = ApiClient(UserFactory(**{role: True})).get("reports/impact")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-05-01", "to": "2026-04-01"}, "invalid_period"),
        ({"site": "ZZ"}, "unknown_site"),
        ({"organisation": 999999}, "unknown_organisation"),
        ({"from": "yesterday"}, "invalid_period"),
    ],
)
def test_bad_filters_answer_422(network, params, code):
    response = network["api"].get("reports/impact", params)
    assert response.status_code == 422 and response.json()["code"] == code


def test_the_default_period_is_the_year_so_far(network):
    body = report(ApiClient(network["coordinator"]), **{})
    response = network["api"].get("reports/impact")
    today = timezone.localdate()
    assert response.json()["period"] == {"from": str(today.replace(month=1, day=1)), "to": str(today)}
    assert body["handovers"] == 4


def _many_kits(network, count: int) -> None:
    sd, mediator, sw = network["sd"], network["mediator"], network["referrals"]["laptop"].social_worker
    for n in range(count):
        referral = accepted(
            sd,
            sw,
            mediator,
            kinds=["smartphone"],
            eligibility=["rsa", "aah"],
            postal_code=f"{91 + n % 4}100",
            days_ago=n % 17 + 1,
        )
        hand_over(mediator, referral, device(sd, network["warehouse"], "smartphone"))


@pytest.mark.parametrize("extra", [3, 30])
def test_the_report_costs_the_same_few_queries_for_3_or_30_handovers(network, extra, django_assert_max_num_queries):
    _many_kits(network, extra)
    # 15: the figures, plus the pickups per site and month (two) and the median from kit ready to handover.
    with django_assert_max_num_queries(15):
        body = report(network["api"])
    assert body["handovers"] == 4 + extra


def _durations() -> list[float]:
    return [
        (h.at - h.allocation.referral.submitted_at).total_seconds() / 86400
        for h in Handover.objects.filter(allocation__kind="kit").select_related("allocation__referral")
    ]


@pytest.mark.parametrize("extra", [0, 1, 2, 3])
def test_the_median_matches_pythons_for_odd_and_even_counts(network, extra):
    _many_kits(network, extra)
    today = timezone.localdate()
    filters = ReportFilters(date_from=today - dt.timedelta(days=60), date_to=today)
    expected = statistics.median(_durations())
    assert median_days_referral_to_handover(filters) == pytest.approx(expected, abs=1e-6)


def test_the_portable_median_runs_on_this_database_too(network):
    """The ORDER BY + OFFSET method (SQLite's) gives PostgreSQL's percentile_cont result, here as well."""
    from reports.impact import _kit_handovers, _referral_to_handover_days

    handovers = _kit_handovers(Handover.objects.order_by())
    assert median_portable(handovers, _referral_to_handover_days()) == pytest.approx(
        statistics.median(_durations()), abs=1e-6
    )
    assert median_portable(handovers.filter(pk__lt=0), _referral_to_handover_days()) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_cont is PostgreSQL's")
def test_postgresql_computes_the_median_with_percentile_cont(network):
    today = timezone.localdate()
    filters = ReportFilters(date_from=today - dt.timedelta(days=60), date_to=today)
    assert impact_report(filters)["median_days_referral_to_handover"] == 15.0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-query method is PostgreSQL's")
@pytest.mark.parametrize("extra", [0, 1])
def test_postgresql_gives_in_one_query_the_medians_of_the_portable_methods(network, extra):
    from reports.impact import _kit_handovers, _local_month, _ready_to_handover_days, _referral_to_handover_days

    _many_kits(network, extra)
    Handover.objects.filter(allocation__referral=network["referrals"]["laptop"]).update(
        at=timezone.now() - dt.timedelta(days=40)
    )
    today = timezone.localdate()
    times = handover_times(ReportFilters(date_from=today - dt.timedelta(days=60), date_to=today))
    kits = _kit_handovers(Handover.objects.order_by())
    assert times.handovers == Handover.objects.count()
    assert times.median_days_referral_to_handover == pytest.approx(
        median_portable(kits, _referral_to_handover_days()), abs=1e-9
    )
    assert times.median_days_ready_to_handover == pytest.approx(
        median_portable(kits, _ready_to_handover_days()), abs=1e-9
    )
    by_group = medians_by_group(kits, _ready_to_handover_days(), site=F("allocation__site"), month=_local_month("at"))
    expected = {(site, month_of(month)): median for (site, month), median in by_group.items()}
    assert times.ready_to_handover_by_site_and_month == pytest.approx(expected, abs=1e-9)
    assert len(expected) >= 2
