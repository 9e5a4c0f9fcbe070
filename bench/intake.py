"""Intake benchmark: import 10,000 devices from CSV, then page through the device list.

Prints figures; it is not a test. Runs on a scratch SQLite database:

    .venv/bin/python bench/intake.py [--rows 10000]

Targets (issue 3): >= 2,000 rows/s for the import; a page of 50 in <= 5 queries whatever the page size.
"""

import argparse
import random
import statistics
import time

from _setup import django_on_scratch_sqlite, parse_args


def make_csv(rows: int) -> bytes:
    from stdnum import luhn

    rng = random.Random(7)
    lines = ["kind,brand,model,serial_number,imei,ram_gb,storage_gb,storage_type,cpu_mark,os,location"]
    for n in range(rows):
        if n % 2:
            body = f"35{n:012d}"
            imei = body + luhn.calc_check_digit(body)
            lines.append(f"smartphone,Samsung,Galaxy A{n % 90},,{imei},4,64,emmc,,Android 13,A-{n % 40}")
        else:
            mark = rng.randrange(1500, 9000)
            lines.append(f"laptop,Lenovo,ThinkPad T{n % 600},PF{n:08d},,8,256,ssd,{mark},Windows 11,B-{n % 40}")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parse_args(parser, rows=1_000)
    scratch = django_on_scratch_sqlite()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.services import token_issue, user_create
    from inventory import services
    from inventory.models import Device
    from sites.models import Site

    site = Site.objects.create(code="SD", name="Saint-Denis", city="Saint-Denis")
    user = user_create(username="bench", password="bench-password-1", role="warehouse", site=site, validate=False)
    donor = services.donor_create(user=user, name="Bench donor", kind="company")
    import datetime as dt

    batch = services.batch_create(user=user, donor=donor, site=site, received_on=dt.date(2026, 11, 1))
    content = make_csv(args.rows)

    print(f"Bagage intake benchmark — SQLite scratch database in {scratch}")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = services.batch_import_devices(user=user, batch=batch, content=content, dry_run=False)
        elapsed = time.perf_counter() - started
    created = report.counts["created"]
    assert created == args.rows == Device.objects.count(), report.counts
    print(
        f"import: {created} rows in {elapsed:.2f} s = {created / elapsed:,.0f} rows/s "
        f"(target >= 2,000), {len(queries)} queries ({len(queries) / created:.3f} per row)"
    )

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        again = services.batch_import_devices(user=user, batch=batch, content=content, dry_run=False)
        elapsed = time.perf_counter() - started
    print(
        f"re-import of the same file: {again.counts['already_imported']} rows skipped in {elapsed:.2f} s, "
        f"{len(queries)} queries, {Device.objects.count()} devices still"
    )

    token = token_issue(username="bench", password="bench-password-1", label="bench").secret
    client = Client(headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/me")
    for page_size in (50, 200, 500):
        latencies = []
        query_counts = []
        pages = min(40, args.rows // page_size)
        for page in range(1, pages + 1):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/api/v1/devices", {"page": page, "page_size": page_size, "status": "received"})
                latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and len(response.json()["items"]) == page_size
            query_counts.append(len(queries))
        print(
            f"device list, page_size {page_size}: {max(query_counts)} queries per page (auth included, target <= 5), "
            f"median {statistics.median(latencies):.1f} ms, p95 {sorted(latencies)[int(len(latencies) * 0.95)]:.1f} ms "
            f"over {pages} pages of {Device.objects.count():,} devices"
        )


if __name__ == "__main__":
    main()
