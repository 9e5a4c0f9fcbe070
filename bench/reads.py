"""The hot reads in one process (prints figures; not a test): what one request costs, against the bare view.

    .venv/bin/python bench/reads.py                    # 10,000 devices, 5,000 referrals, 400 requests per read
    .venv/bin/python bench/reads.py --profile devices  # and cProfile one read (scan, devices, referrals, …)
    .venv/bin/python bench/reads.py --explain referrals  # and the plans of one read's queries

bench/load.py measures the reads under 50 connections and 4 gunicorn workers, which on a shared machine says as
much about the neighbours as about Bagage. Here each read is called through Django's WSGI handler in a loop, in
one process, on PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; a scratch
database `bagage_reads_bench` is created and dropped), with the production settings (DEBUG off, every
middleware), the bench's URLconf (bench/load_urls.py: the bare raw-SQL view) and the same data and tokens as
bench/load.py: milliseconds per request (wall time, and this process's CPU time, which a busy machine disturbs
less) and queries per request of the bare view, the scan, the device list and the referral list (a mediator's
and the coordinator's), each with its ratio to the bare view. The API's rate
limits are counted as in production (one upsert per request).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The project first: bench/labels.py and bench/reports.py must not hide the apps of those names.
sys.path[:0] = [str(ROOT), str(BENCH)]

from _setup import parse_args, scratch_folder  # noqa: E402
from load_data import bulk_load, database_url, issue_tokens, production_env, recreate_database  # noqa: E402


def environ(path: str, token: str | None) -> dict:
    route, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if token:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env


def call(handler, path: str, token: str | None) -> bytes:
    status = []
    body = b"".join(handler(environ(path, token), lambda s, h, exc_info=None: status.append(s)))
    if not status[0].startswith("200"):
        raise SystemExit(f"{path}: {status[0]} {body[:300]!r}")
    return body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="timed requests per read (default 400)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over every read; the best is kept (default 5)")
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--referrals", type=int, default=5_000)
    parser.add_argument("--database", default="bagage_reads_bench")
    parser.add_argument("--profile", help="cProfile this read after timing (bare, scan, devices, referrals, …)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--explain", help="EXPLAIN ANALYZE this read's queries after timing (scan, devices, …)")
    args = parse_args(parser, requests=20, rounds=1, devices=300, referrals=100)

    recreate_database(args.database)
    scratch = scratch_folder("bagage-reads-")
    os.environ.update(production_env(database_url(args.database), scratch))
    os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"
    import django
    from django.core.management import call_command

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        bulk_load(args.devices, args.referrals)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum does after a bulk load (bench/load.py says why)
        from accounts.services import token_issue
        from demo.accounts import DEMO_PASSWORD
        from inventory.models import Device

        mediator = issue_tokens(1)[0]
        coordinator = token_issue(username="coordinator", password=DEMO_PASSWORD, label="reads").secret
        tags = list(Device.objects.filter(asset_tag__startswith="SDLD").values_list("asset_tag", flat=True)[:500])
        reads = {
            "bare": (lambda n: "/bench/bare", None),
            "scan": (lambda n: f"/api/v1/scan/{tags[n % len(tags)]}", mediator),
            "devices": (lambda n: "/api/v1/devices?page_size=50", mediator),
            "referrals": (lambda n: "/api/v1/referrals", mediator),
            "referrals_coordinator": (lambda n: "/api/v1/referrals", coordinator),
        }
        handler = get_wsgi_application()
        queries = {}

        statements = {}

        def counting(execute, sql, params, many, context):
            queries[current] = queries.get(current, 0) + 1
            statements.setdefault(current, []).append((sql, params))
            return execute(sql, params, many, context)

        best = {name: float("inf") for name in reads}
        cpu = {name: float("inf") for name in reads}
        for name, (path, token) in reads.items():  # warm up, and count the queries of one request
            for n in range(20):
                call(handler, path(n), token)
            current = name
            with connection.execute_wrapper(counting):
                call(handler, path(0), token)
        current = None
        for _round in range(args.rounds):
            for name, (path, token) in reads.items():
                times = []
                cpu_began = time.process_time()
                for n in range(args.requests):
                    began = time.perf_counter()
                    call(handler, path(n), token)
                    times.append(time.perf_counter() - began)
                best[name] = min(best[name], statistics.mean(times) * 1000)
                cpu[name] = min(cpu[name], (time.process_time() - cpu_began) / args.requests * 1000)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"one process, WSGI handler, PostgreSQL, {args.devices:,} devices, {args.referrals:,} referrals; "
            f"mean of {args.requests} requests, best of {args.rounds} rounds; load average {load}"
        )
        print("  (CPU: this process's own time per request, without PostgreSQL's: steadier on a busy machine)")
        print(f"  {'read':<22} {'ms/request':>10} {'bare/read':>10} {'CPU ms':>8} {'bare/read':>10} {'queries':>8}")
        for name in reads:
            ratio, cpu_ratio = best["bare"] / best[name], cpu["bare"] / cpu[name]
            print(
                f"  {name:<22} {best[name]:>10.2f} {ratio:>9.2f}x {cpu[name]:>8.2f} {cpu_ratio:>9.2f}x "
                f"{queries.get(name, 0):>8}"
            )
        if args.explain:
            for sql, params in statements[args.explain]:
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                    plan = "\n    ".join(row[0] for row in cursor.fetchall())
                print(f"\n  {sql[:300]}{' …' if len(sql) > 300 else ''}\n    {plan}")
        if args.profile:
            path, token = reads[args.profile]
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(args.requests):
                call(handler, path(n), token)
            profiler.disable()
            if os.environ.get("BENCH_PROFILE_FILE"):
                profiler.dump_stats(os.environ["BENCH_PROFILE_FILE"])
            stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
    finally:
        connection.close()
        if not args.keep:
            recreate_database(args.database, drop_only=True)


if __name__ == "__main__":
    main()
