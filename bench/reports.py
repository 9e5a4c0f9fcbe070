"""Impact report benchmark (prints figures; not a test): the report over 100,000 handovers.

    .venv/bin/python bench/reports.py [--handovers 100000] [--runs 5] [--postgres-only] [--reuse]

On a scratch SQLite database; and, when DATABASE_URL is set, on a scratch PostgreSQL database of the
same server (the URL's database name + `_bench`, dropped and created again: never the project's own). Rows are
bulk-created straight into the tables (the services' speed is bench/distribution.py's business).
Building 100,000 handovers on PostgreSQL takes minutes: `--reuse` keeps the PostgreSQL bench database between runs
and builds it again only when it holds another number of handovers or was built on another day (the rows' dates
are relative to the day of the build); new migrations are applied to it. SQLite is always built afresh.
Figures: time to build, the report's time (best and median of the runs) and its number of queries,
over the whole history, one year, and one site.
Target (issue 24): the report over 100,000 handovers <= 0.7 s on PostgreSQL.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from _setup import django_on_scratch_postgres, django_on_scratch_sqlite, parse_args, surname, with_identity_keys


def build(n: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from accounts.services import user_create
    from distribution.models import Allocation, Handover, Return
    from inventory.models import Device, DeviceEvent, LineItem, Offer
    from referrals.enums import Eligibility, OrganisationKind
    from referrals.models import Beneficiary, Membership, Organisation, Referral
    from sites.models import Site

    rng = random.Random(42)
    batch = 5000
    sites = [
        Site.objects.create(code=code, name=code, city=code, postal_code="75011")
        for code in ("LI", "SD", "PA", "AN", "LY", "GR", "MA")
    ]
    mediator = user_create(username="lea", password=None, role="mediator", site=sites[1])
    organisations = [
        Organisation.objects.create(
            name=f"Partner {i}",
            kind=kind,
            siret=f"{i:014d}",
            postal_code="93200",
            department="93",
            authorisation="validated",
        )
        for i, kind in enumerate(OrganisationKind.values)
    ]
    social = user_create(username="sophie", password=None, role="social_worker")
    Membership.objects.create(user=social, organisation=organisations[0])
    offer = Offer.objects.create(
        operator="Orange", name="SIM", kind="sim", validity_days=30, price=10, created_by=mediator
    )
    now = timezone.now()
    postal_codes = ["93200", "69001", "59000", "13001", "38000", "92160", "75011", "97400", "20100", "20200"]
    kinds = ["smartphone", "smartphone", "smartphone", "laptop", "laptop", "tablet", "desktop", "feature_phone"]
    criteria = Eligibility.values
    extra = n // 5  # referrals that ended without a kit
    with transaction.atomic():
        people = Beneficiary.objects.bulk_create(
            with_identity_keys(
                [
                    Beneficiary(
                        first_name="P",
                        last_name=surname("N", i),
                        phone=f"+33600{i:06d}",
                        postal_code=rng.choice(postal_codes),
                        birth_year=1980,
                        eligibility=rng.sample(criteria, rng.randint(1, 2)),
                        consent_given_at=now,
                        consent_recorded_by=social,
                        consent_version_id="2026-01",
                        phone_key=f"+33600{i:06d}",
                    )
                    for i in range(n + extra)
                ]
            ),
            batch_size=batch,
        )
        at = [now - dt.timedelta(days=rng.uniform(0, 730)) for _ in range(n)]
        referrals = Referral.objects.bulk_create(
            [
                Referral(
                    beneficiary=person,
                    organisation=rng.choice(organisations),
                    social_worker=social,
                    site=rng.choice(sites),
                    device_kinds=["smartphone"],
                    connectivity="sim",
                    reason="administrative",
                    status="handed_over" if i < n else rng.choice(["rejected", "cancelled", "expired", "no_show"]),
                    decision_reason="-",
                    submitted_at=(at[i] if i < n else now - dt.timedelta(days=rng.uniform(0, 730)))
                    - dt.timedelta(days=rng.uniform(1, 60)),
                )
                for i, person in enumerate(people)
            ],
            batch_size=batch,
        )
        devices = Device.objects.bulk_create(
            [
                Device(
                    asset_tag=f"B{i:07d}",
                    kind=rng.choice(kinds),
                    brand="X",
                    status="handed_over",
                    site=referrals[i].site,
                    created_by=mediator,
                )
                for i in range(n)
            ],
            batch_size=batch,
        )
        DeviceEvent.objects.bulk_create(
            [
                DeviceEvent(
                    device=d, at=at[i] - dt.timedelta(days=70), kind="registered", to_status="received", site=d.site
                )
                for i, d in enumerate(devices)
            ],
            batch_size=batch,
        )
        sims = LineItem.objects.bulk_create(
            [
                LineItem(
                    offer=offer,
                    iccid=f"89330{i:014d}",
                    expires_on=(now + dt.timedelta(days=300)).date(),
                    status="handed_over",
                    site=sites[0],
                    created_by=mediator,
                )
                for i in range(0, n, 2)
            ],
            batch_size=batch,
        )
        allocations = Allocation.objects.bulk_create(
            [
                Allocation(
                    number=f"A-{i}",
                    referral=referrals[i],
                    device=devices[i],
                    line_item=sims[i // 2] if i % 2 == 0 else None,
                    site=referrals[i].site,
                    status="handed_over",
                    hold_until=at[i].date(),
                    created_at=at[i] - dt.timedelta(days=3),
                    created_by=mediator,
                    closed_at=at[i],
                    closed_by=mediator,
                )
                for i in range(n)
            ],
            batch_size=batch,
        )
        handovers = Handover.objects.bulk_create(
            [Handover(allocation=a, at=at[i], by=mediator, signed_on_paper=True) for i, a in enumerate(allocations)],
            batch_size=batch,
        )
        Return.objects.bulk_create(
            [
                Return(
                    device_id=h.allocation.device_id,
                    handover=h,
                    at=h.at + dt.timedelta(days=30),
                    by=mediator,
                    reason="faulty",
                    outcome="repair",
                    under_warranty=True,
                )
                for h in handovers[::50]
            ],
            batch_size=batch,
        )


def built_today(n: int) -> bool:
    """The bench database holds the rows `build(n)` made today (its mediator joined today)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from distribution.models import Handover

    mediator = get_user_model().objects.filter(username="lea").first()
    return (
        mediator is not None
        and timezone.localdate(mediator.date_joined) == timezone.localdate()
        and Handover.objects.count() == n
    )


def measure(label: str, filters, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.impact import impact_report

    times = []
    impact_report(filters)  # warm-up: the first query's one-time costs
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            report = impact_report(filters)
            times.append(time.perf_counter() - start)
    print(
        f"  {label:<28} best {min(times) * 1000:7.0f} ms, median {statistics.median(times) * 1000:7.0f} ms, "
        f"{len(queries.captured_queries)} queries; {report['handovers']} handovers, "
        f"{report['beneficiaries']} people, median wait {report['median_days_referral_to_handover']} days, "
        f"ready to handover {report['median_days_ready_to_handover']} days, "
        f"{len(report['pickups_by_site_and_month'])} site-months"
    )
    if connection.vendor == "postgresql" and label.startswith("whole"):
        print(
            f"    target <= 700 ms on PostgreSQL: {'met' if min(times) <= 0.7 else 'NOT met'} "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--handovers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres-only", action="store_true", help="skip SQLite (needs DATABASE_URL)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the PostgreSQL bench database built today with as many handovers"
    )
    args = parse_args(parser, handovers=1_000, runs=1)
    url = os.environ.get("DATABASE_URL")
    # Django runs on one database per process: with DATABASE_URL, PostgreSQL is a second run of this script.
    if os.environ.get("BAGAGE_BENCH_CHILD") == "postgres" or args.postgres_only:
        reused = django_on_scratch_postgres(url, reuse=(lambda: built_today(args.handovers)) if args.reuse else None)
        vendor = f"PostgreSQL ({urlsplit(os.environ['DATABASE_URL']).path.lstrip('/')})"
    else:
        django_on_scratch_sqlite()
        reused = False
        vendor = "SQLite (scratch file)"

    from django.db import connection
    from django.utils import timezone

    from reports.impact import ReportFilters
    from sites.models import Site

    if reused:
        print(f"{vendor}: {args.handovers} handovers built earlier today, reused")
    else:
        start = time.perf_counter()
        build(args.handovers)
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load: fresh planner statistics, and on PostgreSQL (13 and
            # later vacuum tables that only receive inserts) the visibility map that index-only scans read. Without
            # it a freshly built database measured slower than the same one a vacuum later.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"{vendor}: {args.handovers} handovers built in {time.perf_counter() - start:.1f} s")
    today = timezone.localdate()
    measure(
        "whole history (2 years)", ReportFilters(date_from=today - dt.timedelta(days=800), date_to=today), args.runs
    )
    measure("last 12 months", ReportFilters(date_from=today - dt.timedelta(days=365), date_to=today), args.runs)
    site = Site.objects.get(code="SD")
    measure(
        "one site, whole history",
        ReportFilters(date_from=today - dt.timedelta(days=800), date_to=today, site=site),
        args.runs,
    )
    if url and vendor.startswith("SQLite"):
        import subprocess

        subprocess.run(
            [sys.executable, str(Path(__file__)), "--handovers", str(args.handovers), "--runs", str(args.runs)]
            + (["--reuse"] if args.reuse else []),
            env={**os.environ, "DATABASE_URL": url, "BAGAGE_BENCH_CHILD": "postgres"},
            check=True,
        )


if __name__ == "__main__":
    main()
