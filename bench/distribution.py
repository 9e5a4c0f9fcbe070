"""Distribution benchmark (prints figures; not a test): reserve → handover → receipt cycles on SQLite.

    .venv/bin/python bench/distribution.py [--cycles 1000] [--profile] [--show-queries [CYCLE]]

Figures, each against its target (issue 24): cycles per second on SQLite (>= 100), queries per
cycle (<= 20, and constant: min equals max), receipt render time and its share of a cycle, size
with a drawn signature (<= 60 KB); with --postgres, one client's rate and four clients' at four
sites (>= 1.6x one client). Every cycle is timed as a server runs it, without Django's query log (which formats
each statement and, on SQLite, runs one more query to quote its parameters); the first cycles, untimed, count the
queries. The load average it ran at comes last: compare figures at a similar one.

    .venv/bin/python bench/distribution.py --postgres postgres://postgres@127.0.0.1:5432/bagage_x
"""

import argparse
import base64
import datetime as dt
import io
import os
import statistics
import time

from _setup import accepted_referrals, django_on_scratch_postgres, django_on_scratch_sqlite, parse_args


def signature(n: int = 0) -> str:
    """A pad's drawing, different for each n: every handover brings its own signature, as at the desk."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    wobble = [(n * 7 + k * 13) % 40 for k in range(4)]
    points = [(20, 100 - wobble[0]), (120, 30 + wobble[1]), (220, 110 - wobble[2]), (380, 40 + wobble[3])]
    ImageDraw.Draw(image).line(points, fill=(10, 20, 90, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


class database_clock:  # noqa: N801 (a context manager, named as used)
    """The time a connection spends in the database and its driver: every statement and every commit, timed around
    the driver's own call (inside Django's query log, which formats the statement afterwards)."""

    def __init__(self, connection) -> None:
        self.connection, self.seconds = connection, 0.0

    def _timed(self, call, *args):
        began = time.perf_counter()
        try:
            return call(*args)
        finally:
            self.seconds += time.perf_counter() - began

    def __enter__(self):
        self._wrapper = lambda execute, sql, params, many, context: self._timed(execute, sql, params, many, context)
        self._commit = self.connection._commit
        self.connection._commit = lambda: self._timed(self._commit)
        self._wrapping = self.connection.execute_wrapper(self._wrapper)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._wrapping.__exit__(*exc)
        del self.connection._commit  # the class's method again


def kit_cycle(mediator, referral, device, png: str) -> None:
    """One kit's cycle at the desk: the mediator reserves it, then hands it over; the handover issues the receipt."""
    from distribution.services import allocation_reserve, handover_record

    allocation = allocation_reserve(user=mediator, referral=referral.pk, device=device.asset_tag)
    handover_record(
        user=mediator,
        allocation=allocation.pk,
        checklist={"device_starts": True, "sim_tested": True},
        signature_png=png,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile the cycles and print the top functions")
    parser.add_argument(
        "--show-queries",
        nargs="?",
        const=2,
        type=int,
        metavar="CYCLE",
        help="print the SQL of a counted cycle, each statement with its time (the second unless told)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on PostgreSQL (a scratch database named after the URL's + _bench) and add four clients at four sites",
    )
    args = parse_args(parser, cycles=20)
    if args.postgres:
        django_on_scratch_postgres(args.postgres)
    else:
        django_on_scratch_sqlite()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from stdnum import luhn

    from accounts.services import user_create
    from distribution.models import Receipt
    from inventory.models import Device, LineItem, Offer
    from referrals.models import Membership, Organisation
    from sites.models import Site

    n = args.cycles
    staff = user_create(username="karim", password=None, role="warehouse")
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
    offer = Offer.objects.create(
        operator="SFR", name="La Carte", kind="sim", validity_days=30, price=5, created_by=staff
    )

    def imei(i: int) -> str:
        body = f"35{i:012d}"
        return body + luhn.calc_check_digit(body)

    def iccid(i: int) -> str:
        body = f"893301{i:012d}"
        return body + luhn.calc_check_digit(body)

    def site_with_kits(number: int, count: int):
        """A site, its mediator, `count` accepted referrals, ready phones and SIM cards: (mediator, pairs)."""
        code = "S" + "ABCDEFGHIJ"[number]
        site = Site.objects.create(code=code, name=f"Site {code}", city="Saint-Denis", postal_code="93200")
        mediator = user_create(
            username=f"lea{number}", password=None, role="mediator", site=site, first_name="Léa", last_name="M"
        )
        base = number * 100_000
        referrals = accepted_referrals(
            [f"+337{base + i:08d}" for i in range(count)],
            site=site,
            organisation=organisation,
            social=social,
            connectivity="sim",
            offset=base,
        )
        devices = Device.objects.bulk_create(
            [
                Device(
                    asset_tag=f"{code}TE26-{i:05d}",
                    kind="smartphone",
                    brand="Samsung",
                    model="Galaxy A52",
                    imei=imei(base + i),
                    grade="B",
                    status="ready",
                    site=site,
                    created_by=staff,
                )
                for i in range(count)
            ]
        )
        LineItem.objects.bulk_create(
            [
                LineItem(
                    offer=offer,
                    site=site,
                    iccid=iccid(base + i),
                    expires_on=dt.date.today() + dt.timedelta(days=365),
                    created_by=staff,
                )
                for i in range(count)
            ]
        )
        return mediator, list(zip(referrals, devices, strict=True))

    mediator, kits = site_with_kits(0, n)
    pngs = [signature(i) for i in range(n)]
    # What a running server has done before its first request: import the URLconf (a kit's message links to its
    # referral's page). Not part of any cycle.
    from django.urls import get_resolver

    assert get_resolver().url_patterns

    # The queries are counted on the first cycles, logged as Django's test tools log them; the timed cycles run
    # unlogged, as on a server: the log formats every statement, and on SQLite runs one more to quote its parameters.
    counted = max(2, min(20, n // 10))
    queries, database = [], []
    for (referral, device), png in zip(kits[:counted], pngs, strict=False):
        with CaptureQueriesContext(connection) as captured, database_clock(connection) as clock:
            kit_cycle(mediator, referral, device, png)
        queries.append(len(captured))
        database.append(clock.seconds)
        if len(queries) == args.show_queries:
            for number, query in enumerate(captured.captured_queries, 1):
                print(f"{number:3} {query['time']}s {query['sql'][:300]}")
    timed = kits[counted:]
    durations = []
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    cpu_start = time.process_time()
    for (referral, device), png in zip(timed, pngs[counted:], strict=True):
        began = time.perf_counter()
        kit_cycle(mediator, referral, device, png)
        durations.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    if args.profile:
        import pstats

        profiler.disable()
        if os.environ.get("BENCH_PROFILE_FILE"):
            profiler.dump_stats(os.environ["BENCH_PROFILE_FILE"])
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "tottime")).print_stats(
            int(os.environ.get("BENCH_TOP", "25"))
        )

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
    rate = len(timed) / elapsed
    print(
        f"distribution bench on {connection.vendor}: {n} reserve → handover → receipt cycles, {len(timed)} timed "
        f"(the first {counted} counted their queries)"
    )
    print(
        f"  cycles/s, one client: {rate:,.1f} wall (target >= 100 on SQLite), {len(timed) / cpu:,.1f} per CPU "
        f"second; total {elapsed:.2f} s"
    )
    print(
        f"  per cycle: median {statistics.median(durations) * 1000:.1f} ms, p95 "
        f"{sorted(durations)[int(len(durations) * 0.95) - 1] * 1000:.1f} ms"
    )
    steady = queries[1:]  # the first cycle also creates the year's number counters
    print(
        f"  queries per cycle (the first {counted}): first {queries[0]}, then min {min(steady)}, max {max(steady)} "
        f"(target <= 20, constant when equal)"
    )
    in_database = statistics.median(database[1:])
    print(
        f"  the database's share: its statements take {in_database * 1000:.1f} ms of a cycle (median of the counted "
        f"cycles), {in_database / statistics.median(durations):.0%} of a cycle's median; the rest is Python"
    )
    render = statistics.median(renders)
    print(
        f"  receipt render with a drawn signature: median {render * 1000:.1f} ms, "
        f"{render / statistics.median(durations):.0%} of a cycle's median; "
        f"{len(content):,} bytes; stored receipts {min(sizes):,}–{max(sizes):,} bytes (target <= 60 KB)"
    )
    numbers = list(Receipt.objects.order_by("sequence").values_list("sequence", flat=True))
    print(f"  receipt numbers gapless: {numbers == list(range(1, n + 1))}")
    if args.postgres:
        four_clients(site_with_kits, pngs=pngs, n=n, one_client=rate)
    print(f"  load average while it ran: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")


def four_clients(site_with_kits, *, pngs: list[str], n: int, one_client: float) -> None:
    """Four mediators at four sites, each in its own process and connection: kits at once, as a morning's desks.

    Processes, not threads: a cycle is mostly Python (the ORM, the receipt's PDF), which threads would run one at a
    time behind the interpreter's lock, measuring that lock rather than the database's row locks.
    """
    import multiprocessing

    from django.db import connections

    from distribution.models import Receipt

    per_client = max(n // 4, 1)
    clients = [site_with_kits(number, per_client) for number in range(1, 5)]
    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    start_line = context.Barrier(len(clients) + 1)
    failures = context.Queue()
    processes = [
        context.Process(target=_client, args=(mediator, kits, pngs, start_line, failures)) for mediator, kits in clients
    ]
    for process in processes:
        process.start()
    start_line.wait()
    began = time.perf_counter()
    for process in processes:
        process.join()
    rate = per_client * len(clients) / (time.perf_counter() - began)
    failed = [failures.get() for _ in range(failures.qsize())] if not failures.empty() else []
    numbers = list(Receipt.objects.order_by("sequence").values_list("sequence", flat=True))
    print(
        f"  four clients at four sites (four processes): {rate:,.1f} cycles/s, {rate / one_client:.2f}× one client "
        f"(target >= 1.6×); failures {len(failed)} {failed[:1]}; receipt numbers gapless: "
        f"{numbers == list(range(1, len(numbers) + 1))}"
    )


def _client(mediator, kits, pngs: list[str], start_line, failures) -> None:
    from django.db import connections

    try:
        start_line.wait()
        for (referral, device), png in zip(kits, pngs, strict=False):
            kit_cycle(mediator, referral, device, png)
    except Exception as exc:  # reported by the parent
        failures.put(repr(exc))
    finally:
        connections.close_all()


if __name__ == "__main__":
    main()
