"""The dashboard's series: one aggregate query each, plain data for charts and tables alike."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from inventory.enums import GRADE_ORDER, DeviceStatus, LineItemStatus
from inventory.models import Device, LineItem
from reports.impact import DaysBetween, ReportFilters, _handovers, _kit_handovers, month_of, months_between

# Devices still in the house: what the stock chart shows (handed over, recycled and parts have left it).
STOCK_STATES = [
    DeviceStatus.RECEIVED,
    DeviceStatus.DIAGNOSED,
    DeviceStatus.WIPED,
    DeviceStatus.REFURBISHED,
    DeviceStatus.READY,
    DeviceStatus.RESERVED,
    DeviceStatus.RETURNED,
]
# Waiting time from referral to handover, in days: [low, high) per bucket; None is open-ended.
WAIT_BUCKETS = [(0, 7), (7, 14), (14, 30), (30, 60), (60, None)]


def handovers_by_month_and_site(filters: ReportFilters) -> dict:
    """{"months": [date…], "sites": {code: [count per month]}} over the period."""
    rows = (
        _handovers(filters)
        .annotate(month=TruncMonth("at"))
        .values("month", "allocation__site__code")
        .annotate(n=Count("id"))
    )
    months = months_between(filters.date_from, filters.date_to)
    index = {month: i for i, month in enumerate(months)}
    sites: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    for row in rows:
        month = month_of(row["month"])
        if month in index:
            sites[row["allocation__site__code"]][index[month]] += row["n"]
    return {"months": months, "sites": dict(sorted(sites.items()))}


def waiting_time(filters: ReportFilters) -> list[tuple[tuple[int, int | None], int]]:
    """Kits handed over in the period by days waited since the referral: [((low, high), count)…]."""
    waited = _kit_handovers(_handovers(filters)).annotate(
        days=DaysBetween(F("at"), F("allocation__referral__submitted_at"))
    )
    counts = {}
    for i, (low, high) in enumerate(WAIT_BUCKETS):
        condition = Q(days__gte=low) if high is None else Q(days__gte=low, days__lt=high)
        counts[f"b{i}"] = Count("id", filter=condition)
    found = waited.aggregate(**counts)
    return [(bucket, found[f"b{i}"]) for i, bucket in enumerate(WAIT_BUCKETS)]


def stock_by_status_and_grade(filters: ReportFilters) -> dict:
    """Devices in the house today, {status: {grade or "": count}} (the period does not apply: it is today's stock)."""
    devices = Device.objects.filter(status__in=STOCK_STATES).order_by()
    if filters.site is not None:
        devices = devices.filter(site=filters.site)
    table: dict[str, dict[str, int]] = {status: {} for status in STOCK_STATES}
    for row in devices.values("status", "grade").annotate(n=Count("id")):
        table[row["status"]][row["grade"]] = row["n"]
    return table


def grades() -> list[str]:
    return [*GRADE_ORDER, ""]


def sims_by_expiry(filters: ReportFilters, months_ahead: int = 12) -> dict:
    """Available SIM cards and vouchers today by month of expiry: {"expired", "months": [(month, n)…], "later"}."""
    items = LineItem.objects.filter(status=LineItemStatus.AVAILABLE).order_by()
    if filters.site is not None:
        items = items.filter(site=filters.site)
    today = timezone.localdate()
    months = months_between(today, (today.replace(day=1) + dt.timedelta(days=31 * (months_ahead - 1))))
    index = {month: i for i, month in enumerate(months)}
    counts = [0] * len(months)
    expired = later = 0
    for row in items.annotate(month=TruncMonth("expires_on")).values("month").annotate(n=Count("id")):
        month = month_of(row["month"])
        if month in index:
            counts[index[month]] += row["n"]
        elif month < months[0]:
            expired += row["n"]
        else:
            later += row["n"]
    # Items of this month already past their day are expired too; the chart counts them with their month.
    return {"expired": expired, "months": list(zip(months, counts, strict=True)), "later": later}
