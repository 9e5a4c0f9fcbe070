"""Exports benchmark: 100,000 devices exported as CSV and as XLSX through the API.

Prints figures; it is not a test. Runs on a scratch SQLite database:

    .venv/bin/python bench/exports.py [--rows 100000]

Targets: >= 20,000 rows/s, with memory that stays flat as the row count grows (issue 13); the XLSX export at
least 0.8 x the rate of XlsxWriter alone writing the same rows (issue 24): the same cells, read from the
database beforehand (not timed), each written by the XlsxWriter call its type needs, in the same constant_memory
workbook options, to a temporary file; both in CPU time of the process (robust on a shared machine). Both rates
and their ratio are printed, with the load average. The devices are
written with bulk_create (a fixture, not the intake path: bench/intake.py measures that). Each export is timed
once without tracing, then run again under tracemalloc for its peak (tracing slows it down), on a tenth of
the rows and on all of them: a flat memory has the same peak for both.
"""

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
import tracemalloc

from _setup import django_on_scratch_sqlite, parse_args


def fill(rows: int) -> None:
    from accounts.services import user_create
    from inventory import services
    from inventory.models import Device
    from sites.models import Site

    site = Site.objects.create(code="SD", name="Saint-Denis", city="Saint-Denis")
    user = user_create(username="bench", password="bench-password-1", role="warehouse", site=site, validate=False)
    donor = services.donor_create(user=user, name="Bench donor", kind="company")
    batch = services.batch_create(user=user, donor=donor, site=site, received_on=dt.date(2026, 11, 1))
    chunk = []
    for n in range(rows):
        phone = n % 2
        chunk.append(
            Device(
                asset_tag=f"SD{'TE' if phone else 'PC'}26-{n:06d}",
                kind="smartphone" if phone else "laptop",
                brand="Samsung" if phone else "Lenovo",
                model=f"Galaxy A{n % 90}" if phone else f"=ThinkPad T{n % 600}",
                serial_number=None if phone else f"PF{n:08d}",
                imei=f"35{n:013d}" if phone else None,
                ram_gb=4 if phone else 8,
                storage_gb=64 if phone else 256,
                storage_type="emmc" if phone else "ssd",
                grade="B",
                status="ready",
                site=site,
                batch=batch,
                location=f"A-{n % 40}",
                created_by=user,
            )
        )
        if len(chunk) == 5000:
            Device.objects.bulk_create(chunk)
            chunk = []
    Device.objects.bulk_create(chunk)


def export(client, fmt: str, params: dict, clock=time.perf_counter) -> tuple[int, float]:
    """Download one export, counting the bytes as they come without keeping them."""
    started = clock()
    response = client.get(f"/api/v1/exports/devices.{fmt}", params)
    assert response.status_code == 200, response.status_code
    size = sum(len(part) for part in response.streaming_content)
    return size, clock() - started


def xlsxwriter_alone(data: list[list]) -> float:
    """CPU seconds XlsxWriter takes to write `data` (typed cells, as the export has them) with nothing else around
    it."""
    import xlsxwriter

    started = time.process_time()
    with tempfile.TemporaryFile() as out:
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "remove_timezone": True})
        worksheet = workbook.add_worksheet("devices")
        stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        write_string, write_number, write_datetime = (
            worksheet.write_string,
            worksheet.write_number,
            worksheet.write_datetime,
        )
        for r, row in enumerate(data, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                kind = type(value)
                if kind is str:
                    write_string(r, c, value)
                elif kind is int or kind is float:
                    write_number(r, c, value)
                elif kind is dt.datetime:
                    write_datetime(r, c, value, stamp)
                else:
                    write_string(r, c, str(value))
        workbook.close()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parse_args(parser, rows=1_000)
    scratch = django_on_scratch_sqlite()

    from django.test import Client

    from accounts.services import token_issue

    started = time.perf_counter()
    fill(args.rows)
    print(f"Bagage exports benchmark — SQLite scratch database in {scratch}")
    print(f"setup: {args.rows:,} devices written in {time.perf_counter() - started:.1f} s")
    token = token_issue(username="bench", password="bench-password-1", label="bench").secret
    client = Client(headers={"Authorization": f"Bearer {token}"})

    for fmt in ("csv", "xlsx"):
        size, elapsed = export(client, fmt, {})
        print(
            f"{fmt}: {args.rows:,} rows, {size / 1e6:.1f} MB in {elapsed:.2f} s = {args.rows / elapsed:,.0f} rows/s "
            f"(target >= 20,000)"
        )
        peaks = []
        for label, params in (("a tenth", {"batch": 1, "q": "-00"}), ("all", {})):
            # q="-00" keeps the asset tags whose sequence starts with 00: about a tenth of them.
            tracemalloc.start()
            export(client, fmt, params)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            peaks.append(peak)
            print(f"  peak Python memory while exporting {label} of the rows: {peak / 1e6:.1f} MB")
        print(f"  peak ratio all / a tenth: {peaks[1] / peaks[0]:.2f} (flat memory: close to 1)")
    from api.routers.exports import DEVICE_COLUMNS
    from common.exports import rows
    from inventory.models import Device

    data = list(rows(Device.objects.order_by("id"), DEVICE_COLUMNS))
    # CPU time of this process (SQLite, the export and XlsxWriter all run in it): on a shared machine, wall time
    # mostly measures the neighbours. Alternated, best of 3 each.
    alone, exported = float("inf"), float("inf")
    for _ in range(3):
        alone = min(alone, xlsxwriter_alone(data))
        exported = min(exported, export(client, "xlsx", {}, clock=time.process_time)[1])
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"xlsx against XlsxWriter alone (CPU time, best of 3 each, load average {load}):")
    print(
        f"  XlsxWriter alone, the same {len(data):,} rows x {len(DEVICE_COLUMNS)} cells: "
        f"{len(data) / alone:,.0f} rows/s"
    )
    print(f"  the export through the API: {args.rows / exported:,.0f} rows/s")
    print(f"  ratio {alone / exported:.2f} x (target >= 0.80)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS over the whole run: {rss:.0f} MB")


if __name__ == "__main__":
    main()
