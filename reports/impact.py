"""The impact report: what the charity did over a period, counted by the database.

Every figure is an aggregate (Count with filter=, values().annotate(), GROUPING SETS on PostgreSQL): the report
costs the same few queries for a week or for ten years. It reads only what retention keeps (handovers, referral
statuses and dates, eligibility, the postal code's département), so anonymising people never
changes it.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from common.validators import department_of
from distribution.enums import AllocationKind, AllocationStatus, ReturnOutcome
from distribution.models import Allocation, Handover, Return
from inventory.enums import DeviceEventKind, DeviceKind, DeviceStatus, OfferKind
from inventory.models import DeviceEvent
from referrals.enums import Eligibility
from referrals.models import Organisation, Referral
from sites.models import Site


@dataclass(frozen=True)
class ReportFilters:
    """The period (both days included), and optionally one site and one partner organisation."""

    date_from: dt.date
    date_to: dt.date
    site: Site | None = None
    organisation: Organisation | None = None

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as [start, end) instants in the server's time zone (index-friendly, no per-row cast)."""
        start = timezone.make_aware(dt.datetime.combine(self.date_from, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min))
        return start, end

    def months(self) -> list[dt.date]:
        """The first days of the period's months, oldest first."""
        return months_between(self.date_from, self.date_to)


class DaysBetween(Func):
    """`end - start` in days, as a float, on PostgreSQL and SQLite."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"DaysBetween has no SQL for {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday("
        )

    def as_postgresql(self, compiler, connection, **extra):
        # DATE_PART gives a double precision; EXTRACT gives a numeric since PostgreSQL 14, whose arithmetic and sorts
        # (the medians sort every value) cost several times more.
        return super().as_sql(
            compiler,
            connection,
            template="(DATE_PART('epoch', %(expressions)s) / 86400.0)",
            arg_joiner=" - ",
        )


def _in_period(field: str, filters: ReportFilters) -> Q:
    start, end = filters.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _handovers(filters: ReportFilters):
    query = _in_period("at", filters)
    if filters.site is not None:
        query &= Q(allocation__site=filters.site)
    if filters.organisation is not None:
        query &= Q(allocation__referral__organisation=filters.organisation)
    return Handover.objects.filter(query).order_by()


def _referral_to_handover_days():
    return DaysBetween(F("at"), F("allocation__referral__submitted_at"))


def median_portable(queryset, expression) -> float | None:
    """The median of `expression` over `queryset` in one query on any database: ORDER BY, then OFFSET to the middle.

    With n values, skip (n - 1) / 2 and average the next one (n odd) or two (n even).
    """
    sql, params = queryset.annotate(_value=expression).values("_value").order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH d(v) AS ({sql}) "
            "SELECT AVG(v) FROM (SELECT v FROM d ORDER BY v "
            "LIMIT 2 - (SELECT COUNT(*) FROM d) %% 2 OFFSET ((SELECT COUNT(*) FROM d) - 1) / 2) AS middle",
            params,
        )
        row = cursor.fetchone()
    return None if row is None or row[0] is None else float(row[0])


def _kit_handovers(handovers):
    return handovers.filter(allocation__kind=AllocationKind.KIT)


def median_days_referral_to_handover(filters: ReportFilters) -> float | None:
    """Days from the referral to its kit's handover, median over the kits handed over in the period."""
    return handover_times(filters).median_days_referral_to_handover


def _ready_to_handover_days():
    """Days from the kit's reservation (the kit put aside, ready for the person) to its handover."""
    return DaysBetween(F("at"), F("allocation__created_at"))


def month_of(value) -> dt.date:
    """The first day of the month a database value names: a date, an aware datetime (local month), or the text
    SQLite gives for a truncated datetime in raw SQL ("2026-03-01 00:00:00")."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every month from `start`'s to `end`'s, both included."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _local_month(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateTimeField())


def _first_instants(months: list[dt.date]) -> list[dt.datetime]:
    """The local midnights that start `months` (aware)."""
    return [timezone.make_aware(dt.datetime.combine(month, dt.time.min)) for month in months]


class PeriodMonth(TruncMonth):
    """TruncMonth's local month start, for instants within `months` (first days of consecutive months, oldest
    first, as `months_between` gives them): an instant before the first month has none (NULL).

    On PostgreSQL the month is found by a binary search of the instant among the months' first instants
    (WIDTH_BUCKET): converting every row's instant to local time (`AT TIME ZONE`), as TruncMonth does, cost as much
    as the rest of a pickup count's scan. Elsewhere, TruncMonth.
    """

    def __init__(self, expression, months: list[dt.date], **extra):
        self.months = months
        super().__init__(expression, output_field=DateTimeField(), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        # What TruncMonth gives on PostgreSQL: the local wall-clock time (naive) of the month's first instant.
        starts = [dt.datetime.combine(month, dt.time.min) for month in self.months]
        return (
            f"(%s::timestamp[])[WIDTH_BUCKET({sql}, %s::timestamptz[])]",
            (starts, *params, _first_instants(self.months)),
        )


class MonthNumber(Func):
    """PostgreSQL: the number of the month an instant falls in among `months` (as PeriodMonth), 1 for the first."""

    output_field = IntegerField()

    def __init__(self, expression, months: list[dt.date], **extra):
        self.months = months
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"MonthNumber has no SQL for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"WIDTH_BUCKET({sql}, %s::timestamptz[])", (*params, _first_instants(self.months))


def medians_by_group(queryset, expression, **groups) -> dict[tuple, float]:
    """The median of `expression` per group of `groups` (name → expression), in one query on any database: each
    group's values numbered in order by a window, then the middle one (odd count) or the mean of the two middle
    ones (even count) kept. {(group values…): median}."""
    names = list(groups)
    sql, params = (
        queryset.annotate(**{f"g_{name}": value for name, value in groups.items()}, m_value=expression)
        .values(*(f"g_{name}" for name in names), "m_value")
        .order_by()
        .query.sql_with_params()
    )
    keys = ", ".join(f"g_{name}" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH d AS ({sql}), r AS (SELECT {keys}, m_value, "
            f"ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY m_value) AS m_rank, "
            f"COUNT(*) OVER (PARTITION BY {keys}) AS m_count FROM d) "
            f"SELECT {keys}, AVG(m_value) FROM r "
            "WHERE m_rank = (m_count + 1) / 2 OR m_rank = (m_count + 2) / 2 "
            f"GROUP BY {keys}",
            params,
        )
        return {tuple(row[:-1]): float(row[-1]) for row in cursor.fetchall() if row[-1] is not None}


@dataclass(frozen=True)
class HandoverTimes:
    """The handovers of the period counted, and how long people waited for their kits (medians, in days, over the
    kits handed over: None without any)."""

    handovers: int
    median_days_referral_to_handover: float | None
    median_days_ready_to_handover: float | None
    # {(site id, first day of the month): median days from kit ready to handover}, for the site-months with a kit.
    ready_to_handover_by_site_and_month: dict[tuple[int, dt.date], float]


def handover_times(filters: ReportFilters) -> HandoverTimes:
    """Count the handovers of the period and give the median waits: in one query on PostgreSQL, four elsewhere."""
    handovers = _handovers(filters)
    if connection.vendor == "postgresql":
        return _handover_times_in_one_query(handovers, filters)
    kits = _kit_handovers(handovers)
    by_site_and_month = medians_by_group(
        kits, _ready_to_handover_days(), site=F("allocation__site"), month=_local_month("at")
    )
    return HandoverTimes(
        handovers=handovers.count(),
        median_days_referral_to_handover=median_portable(kits, _referral_to_handover_days()),
        median_days_ready_to_handover=median_portable(kits, _ready_to_handover_days()),
        ready_to_handover_by_site_and_month={
            (site, month_of(month)): median for (site, month), median in by_site_and_month.items()
        },
    )


def _handover_times_in_one_query(handovers, filters: ReportFilters) -> HandoverTimes:
    """PostgreSQL's GROUPING SETS: the whole period's row and one row per site and month from one pass over the
    handovers (their joins made once, one sort), each with its count and its percentile_cont(0.5) medians, the
    median interpolated between the two middle values as `median_portable` does."""
    months = filters.months()
    # A site and a month as one number, the site's id × stride + the month's number (from 1, below the stride): the
    # rows are sorted into their groups on one integer, cheaper than on a pair whose second value is read from
    # the row again for nearly every comparison (the few sites make the first value tie).
    stride = len(months) + 1
    sql, params = (
        handovers.annotate(
            g_cell=ExpressionWrapper(
                F("allocation__site") * stride + MonthNumber("at", months), output_field=BigIntegerField()
            ),
            m_kit=ExpressionWrapper(Q(allocation__kind=AllocationKind.KIT), output_field=BooleanField()),
            m_wait=_referral_to_handover_days(),
            m_ready=_ready_to_handover_days(),
        )
        .values("g_cell", "m_kit", "m_wait", "m_ready")
        # Sorted by group in the subquery, which keeps it a subquery of its own: the planner then estimates a few
        # hundred groups (not one per row, as it did for the cell computed in the outer query) and joins and sorts
        # the rows in parallel workers, the groups read in order from their merged output.
        .order_by("g_cell")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH d AS ({sql}) "
            "SELECT GROUPING(g_cell) = 0, g_cell, COUNT(*), "
            "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY m_wait) FILTER (WHERE m_kit), "
            "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY m_ready) FILTER (WHERE m_kit) "
            "FROM d GROUP BY GROUPING SETS ((), (g_cell))",
            params,
        )
        rows = cursor.fetchall()
    by_site_and_month = {}
    for per_site, cell, count, wait, ready in rows:
        if not per_site:
            # The whole period's row: always there, with a count of 0 and no medians when nothing was handed over.
            handovers_count, median_wait, median_ready = count, wait, ready
        elif ready is not None:
            site, number = divmod(cell, stride)
            by_site_and_month[(site, months[number - 1])] = ready
    return HandoverTimes(
        handovers=handovers_count,
        median_days_referral_to_handover=median_wait,
        median_days_ready_to_handover=median_ready,
        ready_to_handover_by_site_and_month=by_site_and_month,
    )


def _holds_ended(filters: ReportFilters):
    """Kits whose hold ended in the period (handed over, not collected, or released), at the site and partner."""
    holds = Allocation.objects.filter(_in_period("closed_at", filters), kind=AllocationKind.KIT).order_by()
    if filters.site is not None:
        holds = holds.filter(site=filters.site)
    if filters.organisation is not None:
        holds = holds.filter(referral__organisation=filters.organisation)
    return holds


def _pickup_counts(filters: ReportFilters) -> dict[tuple[int, dt.date], tuple[int, int]]:
    """{(site id, first day of the month): (kits collected, kits not collected)} among the holds ended then."""
    counts = {}
    for row in (
        _holds_ended(filters)
        .annotate(month=PeriodMonth("closed_at", filters.months()))
        .values("site", "month")
        .annotate(
            collected=Count("id", filter=Q(status=AllocationStatus.HANDED_OVER)),
            missed=Count("id", filter=Q(status=AllocationStatus.EXPIRED)),
        )
    ):
        key = (row["site"], month_of(row["month"]))
        collected, missed = counts.get(key, (0, 0))
        counts[key] = (collected + row["collected"], missed + row["missed"])
    return counts


def pickups_by_site_and_month(filters: ReportFilters) -> list[dict]:
    """Whether kits are collected, per site and month of the period: for every site with a hold that ended in the
    period, one row per month, site by site, oldest month first.

    - `no_show_rate`: kits not collected / (kits handed over + kits not collected), among the kits whose hold ended
      in the month (a released kit counts in neither); None when no hold ended.
    - `median_days_ready_to_handover`: the median, over the kits handed over in the month, of the days from the
      kit's reservation to its handover (the mean of the two middle values for an even count); None without any.
    """
    return _pickup_rows(filters, _pickup_counts(filters), handover_times(filters).ready_to_handover_by_site_and_month)


def _pickup_rows(filters: ReportFilters, counts: dict, medians: dict) -> list[dict]:
    """The rows of `pickups_by_site_and_month` from the counts and medians per site id and month; the sites' codes
    in one small query (grouping by the site id spares the queries a join per kit)."""
    ids = {site for site, _month in counts} | {site for site, _month in medians}
    codes = dict(Site.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}
    rows = []
    for site in sorted(ids, key=codes.__getitem__):
        for month in filters.months():
            collected, missed = counts.get((site, month), (0, 0))
            median = medians.get((site, month))
            ended = collected + missed
            rows.append(
                {
                    "site": codes[site],
                    "month": month.strftime("%Y-%m"),
                    "kits_collected": collected,
                    "kits_not_collected": missed,
                    "no_show_rate": round(missed / ended, 3) if ended else None,
                    "median_days_ready_to_handover": None if median is None else round(median, 1),
                }
            )
    return rows


def impact_factors() -> dict:
    """The factors the avoided CO2e and materials are computed with, and their source (settings)."""
    configured = settings.BAGAGE_IMPACT_FACTORS
    return {
        "source": configured["source"],
        "years_of_extra_use": configured["years_of_extra_use"],
        "by_kind": {kind: dict(values) for kind, values in configured["by_kind"].items()},
    }


def impact_report(filters: ReportFilters) -> dict:
    """Every figure of the impact report for the period, site and organisation (a constant number of queries)."""
    handovers = _handovers(filters)
    # 1. handovers, the median waits, over the period and per site and month.
    times = handover_times(filters)
    # 2. devices by kind, SIM cards and top-ups by offer kind.
    by_kind: dict[str, int] = defaultdict(int)
    connectivity: dict[str, int] = defaultdict(int)
    for row in handovers.values("allocation__device__kind", "allocation__line_item__offer__kind").annotate(
        n=Count("id")
    ):
        if row["allocation__device__kind"]:
            by_kind[row["allocation__device__kind"]] += row["n"]
        if row["allocation__line_item__offer__kind"]:
            connectivity[row["allocation__line_item__offer__kind"]] += row["n"]
    # 3. the people served (one per referral, however many kits), by département and by eligibility criterion:
    # a semi-join on the referrals, so no DISTINCT over the handovers. Counted per postal code and list of criteria
    # (one row per pair in use, not per person) and folded here: cheaper than a CASE and a test per criterion on
    # every person's row.
    served = Referral.objects.filter(pk__in=handovers.values("allocation__referral")).order_by()
    departments: dict[str, int] = defaultdict(int)
    by_criterion: dict[str, int] = dict.fromkeys(Eligibility.values, 0)
    for row in served.values("beneficiary__postal_code", "beneficiary__eligibility").annotate(n=Count("id")):
        departments[department_of(row["beneficiary__postal_code"])] += row["n"]
        for code in set(row["beneficiary__eligibility"]).intersection(by_criterion):
            by_criterion[code] += row["n"]
    by_department = dict(sorted(departments.items()))
    figures = {
        "handovers": times.handovers,
        "ready_median": times.median_days_ready_to_handover,
        "beneficiaries": sum(by_department.values()),
        "by_criterion": by_criterion,
    }
    # 4. referrals submitted in the period, by partner kind and by where they ended up.
    referrals = Referral.objects.filter(_in_period("submitted_at", filters)).order_by()
    if filters.site is not None:
        referrals = referrals.filter(site=filters.site)
    if filters.organisation is not None:
        referrals = referrals.filter(organisation=filters.organisation)
    # Counted per partner and status, the partners' kinds read apart: a join to the partners on every referral's
    # row cost a third of the query.
    by_partner_kind: dict[str, int] = defaultdict(int)
    by_outcome: dict[str, int] = defaultdict(int)
    rows = list(referrals.values("organisation", "status").annotate(n=Count("id")))
    partner_kinds = dict(
        Organisation.objects.filter(pk__in={row["organisation"] for row in rows}).values_list("pk", "kind")
    )
    for row in rows:
        by_partner_kind[partner_kinds[row["organisation"]]] += row["n"]
        by_outcome[row["status"]] += row["n"]
    # 5. kits whose hold ended in the period: collected, or not (no-show); the sums of the months' counts (8.).
    pickup_counts = _pickup_counts(filters)
    ended = {
        "collected": sum(collected for collected, _missed in pickup_counts.values()),
        "missed": sum(missed for _collected, missed in pickup_counts.values()),
    }
    # 6. devices back from their beneficiaries.
    returns = Return.objects.filter(_in_period("at", filters)).order_by()
    if filters.site is not None:
        returns = returns.filter(handover__allocation__site=filters.site)
    if filters.organisation is not None:
        returns = returns.filter(handover__allocation__referral__organisation=filters.organisation)
    returned = returns.aggregate(
        total=Count("id"),
        warranty=Count("id", filter=Q(under_warranty=True)),
        **{
            f"warranty_{outcome}": Count("id", filter=Q(under_warranty=True, outcome=outcome))
            for outcome in ReturnOutcome.values
        },
    )
    # 7. the workshop: devices received, refurbished, recycled, taken for parts (stock belongs to no partner).
    events = DeviceEvent.objects.filter(_in_period("at", filters)).order_by()
    if filters.site is not None:
        events = events.filter(site=filters.site)
    workshop = events.aggregate(
        received=Count("device", distinct=True, filter=Q(kind=DeviceEventKind.REGISTERED)),
        refurbished=Count("device", distinct=True, filter=Q(to_status=DeviceStatus.REFURBISHED)),
        recycled=Count("device", distinct=True, filter=Q(to_status=DeviceStatus.RECYCLED)),
        parts=Count("device", distinct=True, filter=Q(to_status=DeviceStatus.PARTS)),
    )
    # 8. whether kits are collected, per site and month (issue 23: do reminders help?).
    figures["by_site_and_month"] = _pickup_rows(filters, pickup_counts, times.ready_to_handover_by_site_and_month)
    return _assemble(
        filters,
        figures,
        times.median_days_referral_to_handover,
        by_kind,
        connectivity,
        by_department,
        by_partner_kind,
        by_outcome,
        ended,
        returned,
        workshop,
    )


def _assemble(
    filters,
    figures,
    median,
    by_kind,
    connectivity,
    by_department,
    by_partner_kind,
    by_outcome,
    ended,
    returned,
    workshop,
) -> dict:
    factors = impact_factors()
    years = factors["years_of_extra_use"]
    co2e = materials = 0.0
    without_factor = []
    for kind, count in sorted(by_kind.items()):
        factor = factors["by_kind"].get(kind)
        if factor is None:
            without_factor.append(kind)
            continue
        co2e += count * factor["co2e_kg"] * years
        materials += count * factor["materials_kg"] * years
    factors["kinds_without_factor"] = without_factor
    closed = ended["collected"] + ended["missed"]
    return {
        "period": {"from": filters.date_from, "to": filters.date_to},
        "site": filters.site.code if filters.site else None,
        "organisation": filters.organisation.pk if filters.organisation else None,
        "handovers": figures["handovers"],
        "beneficiaries": figures["beneficiaries"],
        "devices_handed_over_by_kind": {kind: by_kind.get(kind, 0) for kind in DeviceKind.values},
        "sims_given": connectivity.get(OfferKind.SIM, 0),
        "topups_given": connectivity.get(OfferKind.TOPUP, 0),
        "hotspots_given": connectivity.get(OfferKind.HOTSPOT, 0),
        "devices_received": workshop["received"],
        "devices_refurbished": workshop["refurbished"],
        "devices_recycled": workshop["recycled"],
        "devices_for_parts": workshop["parts"],
        "beneficiaries_by_eligibility": {code: figures["by_criterion"][code] for code in Eligibility.values},
        "beneficiaries_by_department": by_department,
        "referrals_by_partner_kind": dict(sorted(by_partner_kind.items())),
        "referrals_by_outcome": dict(sorted(by_outcome.items())),
        "median_days_referral_to_handover": None if median is None else round(median, 1),
        "kits_collected": ended["collected"],
        "kits_not_collected": ended["missed"],
        "no_show_rate": round(ended["missed"] / closed, 3) if closed else None,
        "median_days_ready_to_handover": (
            None if figures["ready_median"] is None else round(figures["ready_median"], 1)
        ),
        "pickups_by_site_and_month": figures["by_site_and_month"],
        "returns": returned["total"],
        "returns_under_warranty": returned["warranty"],
        "returns_under_warranty_by_outcome": {
            outcome: returned[f"warranty_{outcome}"] for outcome in ReturnOutcome.values
        },
        "co2e_avoided_kg": round(co2e, 1),
        "materials_avoided_kg": round(materials, 1),
        "factors": factors,
    }
