"""Distribution benchmark (prints figures; not a test): reserve → handover → receipt cycles on SQLite.

    .venv/bin/python bench/distribution.py [--cycles 1000]

Figures: cycles per second, queries per cycle (min/max: constant means equal), receipt render
time and size with a drawn signature. Targets (issue): >= 50 cycles/s, receipt <= 60 KB, a
constant number of queries per cycle.
"""

import argparse
import base64
import datetime as dt
import io
import statistics
import time

from _setup import django_on_scratch_sqlite, parse_args, surname, with_identity_keys


def signature() -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 100), (120, 30), (220, 110), (380, 40)], fill=(10, 20, 90, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile the cycles and print the top functions")
    args = parse_args(parser, cycles=20)
    django_on_scratch_sqlite()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from stdnum import luhn

    from accounts.services import user_create
    from distribution.models import Receipt
    from distribution.services import allocation_reserve, handover_record
    from inventory.models import Device, LineItem, Offer
    from referrals.models import Beneficiary, Membership, Organisation, Referral
    from sites.models import Site

    n = args.cycles
    site = Site.objects.create(code="SD", name="Saint-Denis", city="Saint-Denis", postal_code="93200")
    mediator = user_create(username="lea", password=None, role="mediator", site=site, first_name="Léa", last_name="M")
    staff = user_create(username="karim", password=None, role="warehouse", site=site)
    organisation = Organisation.objects.create(
        name="CCAS",
        kind="ccas",
        siret="21350238800100",
        postal_code="93200",
        department="93",
        authorisation="validated",
    )
    social = user_create(username="sophie", password=None, role="social_worker")
    Membership.objects.create(user=social, organisation=organisation)
    now = timezone.now()
    people = Beneficiary.objects.bulk_create(
        with_identity_keys(
            [
                Beneficiary(
                    first_name="Amina",
                    last_name=surname("T", i),
                    phone=f"+3375600{i:04d}",
                    postal_code="93200",
                    birth_year=1980,
                    eligibility=["rsa"],
                    consent_given_at=now,
                    consent_recorded_by=social,
                    consent_version_id="2026-01",
                    phone_key=f"+3375600{i:04d}",
                )
                for i in range(n)
            ]
        )
    )
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                beneficiary=person,
                organisation=organisation,
                social_worker=social,
                site=site,
                device_kinds=["smartphone"],
                connectivity="sim",
                reason="administrative",
                status="accepted",
            )
            for person in people
        ]
    )

    def imei(i: int) -> str:
        body = f"35{i:012d}"
        return body + luhn.calc_check_digit(body)

    def iccid(i: int) -> str:
        body = f"893301{i:012d}"
        return body + luhn.calc_check_digit(body)

    devices = Device.objects.bulk_create(
        [
            Device(
                asset_tag=f"SDTE26-{i:05d}",
                kind="smartphone",
                brand="Samsung",
                model="Galaxy A52",
                imei=imei(i),
                grade="B",
                status="ready",
                site=site,
                created_by=staff,
            )
            for i in range(n)
        ]
    )
    offer = Offer.objects.create(
        operator="SFR", name="La Carte", kind="sim", validity_days=30, price=5, created_by=staff
    )
    LineItem.objects.bulk_create(
        [
            LineItem(
                offer=offer,
                site=site,
                iccid=iccid(i),
                expires_on=dt.date.today() + dt.timedelta(days=365),
                created_by=staff,
            )
            for i in range(n)
        ]
    )
    png = signature()
    durations, queries = [], []
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    cpu_start = time.process_time()
    for referral, device in zip(referrals, devices, strict=True):
        connection.queries_log.clear()
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            allocation = allocation_reserve(user=mediator, referral=referral.pk, device=device.asset_tag)
            handover_record(
                user=mediator,
                allocation=allocation.pk,
                checklist={"device_starts": True, "sim_tested": True},
                signature_png=png,
            )
        durations.append(time.perf_counter() - began)
        queries.append(len(captured))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    if args.profile:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    from distribution.services.receipts import receipt_data
    from labels.receipt import render_receipt

    receipt = Receipt.objects.order_by("-id").first()
    data = receipt_data(receipt.snapshot, voucher_code="")
    renders = []
    for _ in range(50):
        began = time.perf_counter()
        content = render_receipt(data)
        renders.append(time.perf_counter() - began)
    sizes = list(Receipt.objects.values_list("size", flat=True))
    print(f"distribution bench on SQLite: {n} reserve → handover → receipt cycles")
    print(f"  cycles/s: {n / elapsed:,.1f} wall, {n / cpu:,.1f} per CPU second (target >= 50); total {elapsed:.2f} s")
    print(
        f"  per cycle: median {statistics.median(durations) * 1000:.1f} ms, p95 "
        f"{sorted(durations)[int(n * 0.95) - 1] * 1000:.1f} ms"
    )
    steady = queries[1:]  # the first cycle also creates the year's number counters
    print(f"  queries per cycle: first {queries[0]}, then min {min(steady)}, max {max(steady)} (constant when equal)")
    print(
        f"  receipt render with a drawn signature: median {statistics.median(renders) * 1000:.1f} ms, "
        f"{len(content):,} bytes; stored receipts {min(sizes):,}–{max(sizes):,} bytes (target <= 60 KB)"
    )
    numbers = list(Receipt.objects.order_by("sequence").values_list("sequence", flat=True))
    print(f"  receipt numbers gapless: {numbers == list(range(1, n + 1))}")


if __name__ == "__main__":
    main()
