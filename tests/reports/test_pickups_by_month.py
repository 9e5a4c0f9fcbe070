"""The no-show rate and the median days from kit ready to handover, per site and month (issue 23, item 7).

Hand-built kits whose answers are worked out here, over March–May 2026 (Europe/Paris):

| site | month | handed over (days from reservation) | not collected | released |
| SD | March | 1, 2, 4, 10 → median 3.0 (even count) | 1 | 1 (counts in neither) |
| SD | April | — | — | — (a month without any hold) |
| SD | May | 5 → median 5.0 | 1 | — |
| LY | March | 1, 3, 8 → median 3.0 | 0 | — |

Outside them: a SD kit handed over in February (before the period) and a top-up in March (not a kit).
"""

import datetime as dt
import itertools
import zoneinfo

import pytest

from distribution.models import Allocation, Handover
from reports.impact import ReportFilters, impact_report, pickups_by_site_and_month
from tests.conftest import ApiClient
from tests.factories import DeviceFactory, LineItemFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
_numbers = itertools.count(1)


def noon(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 12, 0, tzinfo=PARIS)


def kit(site, user, *, closed: dt.datetime, status: str, ready_days: float, kind: str = "kit") -> Allocation:
    """A kit reserved `ready_days` before `closed`, whose hold ended then as `status` (with its handover)."""
    n = next(_numbers)
    allocation = Allocation.objects.create(
        number=f"A-T-{n}",
        kind=kind,
        referral=ReferralFactory(site=site, status="accepted"),
        device=DeviceFactory(site=site, status="handed_over") if kind == "kit" else None,
        line_item=LineItemFactory() if kind != "kit" else None,
        site=site,
        status=status,
        hold_until=closed.date(),
        created_at=closed - dt.timedelta(days=ready_days),
        created_by=user,
        closed_at=closed,
        closed_by=user,
    )
    if status == "handed_over":
        Handover.objects.create(allocation=allocation, at=closed, by=user, signed_on_paper=True)
    return allocation


@pytest.fixture
def kits(db):
    sd, ly = SiteFactory(code="SD"), SiteFactory(code="LY")
    user = UserFactory(mediator=True, site=sd)
    for day, days in zip((3, 9, 16, 24), (1, 2, 4, 10), strict=True):
        kit(sd, user, closed=noon(3, day), status="handed_over", ready_days=days)
    kit(sd, user, closed=noon(3, 20), status="expired", ready_days=14)
    kit(sd, user, closed=noon(3, 21), status="released", ready_days=3)
    kit(sd, user, closed=noon(5, 12), status="handed_over", ready_days=5)
    kit(sd, user, closed=noon(5, 13), status="expired", ready_days=14)
    for day, days in zip((2, 11, 30), (1, 3, 8), strict=True):
        kit(ly, user, closed=noon(3, day), status="handed_over", ready_days=days)
    kit(sd, user, closed=noon(2, 10), status="handed_over", ready_days=40)  # before the period
    kit(sd, user, closed=noon(3, 5), status="handed_over", ready_days=30, kind="topup")  # not a kit
    return {"SD": sd, "LY": ly}


def spring(site=None) -> ReportFilters:
    return ReportFilters(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 5, 31), site=site)


def by_key(rows: list[dict]) -> dict[tuple[str, str], tuple]:
    return {
        (row["site"], row["month"]): (
            row["kits_collected"],
            row["kits_not_collected"],
            row["no_show_rate"],
            row["median_days_ready_to_handover"],
        )
        for row in rows
    }


def test_each_site_and_month_has_its_no_show_rate_and_median_days_from_ready_to_handover(kits):
    assert by_key(pickups_by_site_and_month(spring())) == {
        # 4 handed over, 1 not collected, the released kit in neither: 1/5; median of 1, 2, 4, 10 = (2 + 4) / 2.
        ("SD", "2026-03"): (4, 1, 0.2, 3.0),
        ("SD", "2026-04"): (0, 0, None, None),  # no hold ended: no rate, no median (not 0)
        ("SD", "2026-05"): (1, 1, 0.5, 5.0),
        ("LY", "2026-03"): (3, 0, 0.0, 3.0),
        ("LY", "2026-04"): (0, 0, None, None),
        ("LY", "2026-05"): (0, 0, None, None),
    }


def test_the_rows_come_site_by_site_month_by_month(kits):
    rows = pickups_by_site_and_month(spring())
    assert [(row["site"], row["month"]) for row in rows] == [
        ("LY", "2026-03"),
        ("LY", "2026-04"),
        ("LY", "2026-05"),
        ("SD", "2026-03"),
        ("SD", "2026-04"),
        ("SD", "2026-05"),
    ]


def test_a_site_filter_keeps_that_sites_rows_only(kits):
    assert by_key(pickups_by_site_and_month(spring(kits["LY"]))) == {
        ("LY", "2026-03"): (3, 0, 0.0, 3.0),
        ("LY", "2026-04"): (0, 0, None, None),
        ("LY", "2026-05"): (0, 0, None, None),
    }


def test_the_whole_periods_median_from_ready_to_handover_is_over_every_kit_handed_over(kits):
    figures = impact_report(spring())
    # 1, 1, 2, 3, 4, 5, 8, 10: (3 + 4) / 2; the February kit and the top-up are not in it.
    assert figures["median_days_ready_to_handover"] == 3.5
    assert (figures["kits_collected"], figures["kits_not_collected"], figures["no_show_rate"]) == (8, 2, 0.2)


def test_a_kit_counts_in_its_local_month_even_in_the_first_hours_of_the_month(kits):
    """Minutes after local midnight on the 1st is still the previous month in UTC (1 or 2 hours behind Paris)."""
    user = UserFactory(mediator=True, site=kits["LY"])
    kit(kits["LY"], user, closed=dt.datetime(2026, 3, 1, 0, 30, tzinfo=PARIS), status="expired", ready_days=3)
    kit(kits["LY"], user, closed=dt.datetime(2026, 4, 1, 0, 30, tzinfo=PARIS), status="handed_over", ready_days=6)
    kit(kits["LY"], user, closed=dt.datetime(2026, 4, 30, 23, 30, tzinfo=PARIS), status="expired", ready_days=3)
    rows = by_key(pickups_by_site_and_month(spring(kits["LY"])))
    assert rows[("LY", "2026-03")] == (3, 1, 0.25, 3.0)
    assert rows[("LY", "2026-04")] == (1, 1, 0.5, 6.0)
    assert rows[("LY", "2026-05")] == (0, 0, None, None)


def test_a_period_without_any_hold_has_no_rows(kits):
    empty = ReportFilters(date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 8, 31))
    assert pickups_by_site_and_month(empty) == []
    assert impact_report(empty)["median_days_ready_to_handover"] is None


def test_the_api_gives_the_rows_and_a_mediator_reads_their_own_sites_only(kits):
    params = {"from": "2026-03-01", "to": "2026-05-31"}
    coordinator = ApiClient(UserFactory(coordinator=True, site=kits["SD"]))
    body = coordinator.get("reports/impact", params).json()
    assert body["median_days_ready_to_handover"] == 3.5
    assert len(body["pickups_by_site_and_month"]) == 6
    mediator = ApiClient(UserFactory(mediator=True, site=kits["LY"]))
    body = mediator.get("reports/impact", params).json()
    assert by_key(body["pickups_by_site_and_month"]) == {
        ("LY", "2026-03"): (3, 0, 0.0, 3.0),
        ("LY", "2026-04"): (0, 0, None, None),
        ("LY", "2026-05"): (0, 0, None, None),
    }
    assert mediator.get("reports/impact", {**params, "site": "SD"}).status_code == 403


def test_the_dashboard_shows_each_site_and_month_with_the_definitions_in_french(kits):
    from django.test import Client

    from tests.factories import PASSWORD

    client = Client()
    coordinator = UserFactory(coordinator=True, site=kits["SD"])
    assert client.login(username=coordinator.username, password=PASSWORD)
    html = client.get("/dashboard/", {"date_from": "2026-03-01", "date_to": "2026-05-31"}).content.decode()
    table = html.split('data-testid="pickups"', 1)[1].split("</table>", 1)[0]
    rows = [" ".join(row.replace("<", " <").split()) for row in table.split("<tr>")[2:]]
    assert len(rows) == 6
    assert '>SD </th> <td>mars 2026 </td> <td class="num">4 </td> <td class="num">1 </td>' in rows[3]
    assert "20 %" in rows[3] and "3,0" in rows[3]
    assert "—" in rows[4]  # April: no hold ended
    assert "Le taux de non-retrait" in html and "la moyenne des deux valeurs du milieu" in html
    assert "Délai médian, kit prêt → remise" in html
