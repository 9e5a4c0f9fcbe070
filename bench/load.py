"""Load benchmark (prints figures; not a test): gunicorn on PostgreSQL under 50 concurrent mediators.

    .venv/bin/python bench/load.py                     # 10 s per read against the bare view, then 2 x 60 s mixed
    .venv/bin/python bench/load.py --duration 15 --read-seconds 5 --think 0     # a shorter run
    .venv/bin/python bench/load.py --scale             # a page's cost at 10,000 and at 1,000,000 devices
    .venv/bin/python bench/load.py --duration 0 --read-seconds 10 --wrk-rounds 3 --no-locust   # the reads, wrk only

Needs PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres, a role that may
create databases) and the bench extra (pip install -e '.[bench]': locust). A scratch database (bagage_load
unless --database) is created, migrated and dropped at the end; gunicorn runs the production settings
(DEBUG=0, a SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0) with 4 workers, plus a bench-only
URLconf (bench/load_urls.py) that adds the bare raw-SQL view the reads are compared with.

Load mode: the demo (load_demo) plus 10,000 ready devices, 5,000 accepted referrals and their SIM cards,
bulk-created; mediators' tokens are issued through accounts.services.token_issue (the token endpoint is
throttled and the sign-in locks out). 50 locust users mix scans, device and referral lists, reservations,
releases and handovers signed on paper. First each read alone at full concurrency against the bare view
(targets: the scan at least 0.5 x its throughput, the device list 0.35 x, the referral list 0.3 x, each read's p95
<= 100 ms; the load average is printed with them: on a busy machine the figures say little), twice: with wrk
(apt-get install wrk), a load generator in C that leaves the two cores to the server, then with locust, which
runs in this Python process and takes a good part of a core from the server at these rates; then the mix
twice, with mediators pausing about --think seconds (1) between requests, then with no pause at all (the
server's capacity). Figures: throughput,
p50/p95/p99 per request type, errors; then the database: no device or SIM held twice, receipt numbers
gapless. Targets: no errors, p95 <= 100 ms for the reads.

Scale mode: single requests (median of --repeat) of the list, a filtered list, a search and a scan at
10,000 devices / 5,000 referrals, then again after bulk-loading 1,000,000 devices and 300,000 referrals
(COPY); target: each within 1.5x. EXPLAIN of each read's queries is printed at the large size.
"""

# Locust patches the standard library for gevent: it must be imported before anything opens a socket.
from gevent import monkey  # isort: skip

monkey.patch_all()

import argparse  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from _setup import parse_args, scratch_folder  # noqa: E402
from load_data import (  # noqa: E402
    SITE,
    bulk_load,
    database_url,
    issue_tokens,
    production_env,
    recreate_database,
)
from locust import FastHttpUser, between, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
READS = ("scan", "devices", "referrals")
# Each read's throughput at least this fraction of the bare view's, measured in the same run (issue 24).
READ_TARGETS = {"scan": 0.5, "devices": 0.35, "referrals": 0.3}
DRAIN_SECONDS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------------- setup


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())


def work_for_users(users: int) -> list[dict]:
    """Each user's own referrals, smartphones and SIM cards: no two users ever reserve the same thing."""
    from inventory.models import Device, LineItem
    from referrals.models import Referral

    referrals = list(
        Referral.objects.filter(status="accepted", site__code=SITE, beneficiary__last_name__startswith="Durand")
        .order_by("id")
        .values_list("id", flat=True)
    )
    phones = list(
        Device.objects.filter(status="ready", kind="smartphone", asset_tag__startswith="SDLD")
        .order_by("id")
        .values_list("asset_tag", flat=True)
    )
    sims = list(
        LineItem.objects.filter(status="available", site__code=SITE, iccid__startswith="893301")
        .order_by("id")
        .values_list("id", flat=True)
    )
    tags = list(Device.objects.filter(asset_tag__startswith="SDLD").values_list("asset_tag", flat=True)[:2000])
    return [
        {"referrals": referrals[n::users], "devices": phones[n::users], "sims": sims[n::users], "tags": tags}
        for n in range(users)
    ]


# ---------------------------------------------------------------------------------------------------- server


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int, scratch: Path):
        self.port = free_port()
        self.log = scratch / "gunicorn.log"
        env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "load_settings",
            "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT), env.get("PYTHONPATH", "")]),
            "BAGAGE_BIND": f"127.0.0.1:{self.port}",
            "BAGAGE_WORKERS": str(workers),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "config.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/bench/bare", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


# ---------------------------------------------------------------------------------------------------- load


def make_user_class(tokens: list[str], work: list[dict], only: str | None, think: float = 0):
    """A locust user class: a mediator with a token and its own referrals, devices and SIM cards, who pauses
    `think` seconds on average between two requests (0: none, the server's capacity is what is measured).
    What a mediator holds and has used up lives in its `work` entry, so a second run goes on from the first."""
    counter = iter(range(10**9))

    class Mediator(FastHttpUser):
        wait_time = between(think / 2, think * 3 / 2) if think else constant(0)

        def on_start(self):
            n = next(counter)
            self.mine = work[n % len(work)]
            self.headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}", "Content-Type": "application/json"}
            self.free_referrals = self.mine.setdefault("free_referrals", list(self.mine["referrals"]))
            self.free_devices = self.mine.setdefault("free_devices", list(self.mine["devices"]))
            self.free_sims = self.mine.setdefault("free_sims", list(self.mine["sims"]))
            self.held: list[tuple[int, int, str, int]] = self.mine.setdefault("held", [])

        def get(self, path, name):
            self.client.get(path, headers=self.headers, name=name)

        @task(5 if only is None else (1 if only == "scan" else 0))
        def scan(self):
            self.get(f"/api/v1/scan/{random.choice(self.mine['tags'])}", "scan")

        @task(4 if only is None else (1 if only == "devices" else 0))
        def devices(self):
            self.get("/api/v1/devices?page_size=50", "devices")

        @task(3 if only is None else (1 if only == "referrals" else 0))
        def referrals(self):
            self.get("/api/v1/referrals", "referrals")

        @task(1 if only == "bare" else 0)
        def bare(self):
            self.client.get("/bench/bare", name="bare")

        @task(3 if only is None else 0)
        def cycle(self):
            if len(self.held) < 2 and self.free_referrals and self.free_devices and self.free_sims:
                referral, device, sim = self.free_referrals.pop(), self.free_devices.pop(), self.free_sims.pop()
                body = f'{{"referral": {referral}, "device": "{device}", "line_item": {sim}}}'
                with self.client.post(
                    "/api/v1/allocations", data=body, headers=self.headers, name="reserve", catch_response=True
                ) as answer:
                    if answer.status_code == 201:
                        self.held.append((answer.json()["id"], referral, device, sim))
                        answer.success()
                    else:
                        answer.failure(f"{answer.status_code} {answer.text[:200]}")
                return
            if not self.held:
                return
            allocation, referral, device, sim = self.held.pop(0)
            if random.random() < 0.5:
                self.client.post(
                    f"/api/v1/allocations/{allocation}/release",
                    data='{"note": "load"}',
                    headers=self.headers,
                    name="release",
                )
                # Back in stock and waiting: they may be reserved again.
                self.free_referrals.insert(0, referral)
                self.free_devices.insert(0, device)
                self.free_sims.insert(0, sim)
            else:
                body = '{"signed_on_paper": true, "checklist": {"device_starts": true, "sim_tested": true}}'
                self.client.post(
                    f"/api/v1/allocations/{allocation}/handover", data=body, headers=self.headers, name="handover"
                )

    return Mediator


def run_locust(host: str, user_class, users: int, seconds: float, *, ramp: float = 1) -> Environment:
    """`users` clients for `seconds`, all started within `ramp` seconds; counted once all have started (locust's
    --reset-stats): a client's first request opens its connection, and would be counted with the others'."""
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users / ramp)
    gevent.sleep(ramp)
    env.stats.reset_all()
    gevent.sleep(seconds)
    runner.quit()
    # The requests the clients left in flight are still queued in gunicorn: let them drain, or the next run's
    # first requests would wait behind them.
    gevent.sleep(DRAIN_SECONDS)
    return env


def ms(entry, percentile: float) -> int:
    return entry.get_response_time_percentile(percentile) if entry.num_requests else 0


def print_stats(env: Environment, seconds: float, title: str) -> dict[str, float]:
    total = env.stats.total
    print(f"\n{title}")
    print(f"  {'request':<10} {'count':>7} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}")
    rates = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        rates[name] = entry.num_requests / seconds
        print(
            f"  {name:<10} {entry.num_requests:>7} {rates[name]:>8.1f} {ms(entry, 0.5):>7} {ms(entry, 0.95):>7} "
            f"{ms(entry, 0.99):>7} {entry.num_failures:>7}"
        )
    print(
        f"  {'all':<10} {total.num_requests:>7} {total.num_requests / seconds:>8.1f} {ms(total, 0.5):>7} "
        f"{ms(total, 0.95):>7} {ms(total, 0.99):>7} {total.num_failures:>7}"
    )
    for error in list(env.stats.errors.values())[:10]:
        print(f"  error x{error.occurrences}: {error.method} {error.name}: {str(error.error)[:300]}")
    return rates


def check_database() -> None:
    from django.db.models import Count

    from distribution.models import Allocation, Receipt

    held = Allocation.objects.filter(status="held")
    twice_devices = held.exclude(device=None).values("device").annotate(n=Count("id")).filter(n__gt=1).count()
    twice_items = held.exclude(line_item=None).values("line_item").annotate(n=Count("id")).filter(n__gt=1).count()
    from inventory.models import Device

    handed_twice = (
        Allocation.objects.filter(status="handed_over")
        .exclude(device=None)
        .values("device")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    print("\ndatabase after the load")
    print(f"  devices held by two kits: {twice_devices}; SIM cards or vouchers held by two kits: {twice_items}")
    print(f"  devices handed over twice: {handed_twice}")
    reserved_without_kit = Device.objects.filter(status="reserved").exclude(allocations__status="held").count()
    print(f"  devices 'reserved' with no held kit: {reserved_without_kit}")
    gapless = True
    for year in Receipt.objects.order_by("year").values_list("year", flat=True).distinct():
        numbers = list(Receipt.objects.filter(year=year).order_by("sequence").values_list("sequence", flat=True))
        ok = numbers == list(range(1, len(numbers) + 1))
        gapless &= ok
        print(f"  receipts {year}: {len(numbers)}, numbered 1..{len(numbers)} without a gap: {ok}")
    by_status = Allocation.objects.values_list("status").annotate(n=Count("id")).order_by("status")
    print("  allocations: " + ", ".join(f"{status} {n}" for status, n in by_status))
    if twice_devices or twice_items or handed_twice or reserved_without_kit or not gapless:
        print("  FAILED: the database is inconsistent")


# wrk's script: each request takes the next token (and, for the scan, the next asset tag) in turn; at the end one
# line of figures for the bench to read (latencies in microseconds).
WRK_SCRIPT = """
local paths = {%(paths)s}
local tokens = {%(tokens)s}
local n = 0
request = function()
  n = n + 1
  local headers = {}
  if #tokens > 0 then headers["Authorization"] = "Bearer " .. tokens[n %% #tokens + 1] end
  return wrk.format("GET", paths[n %% #paths + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BAGAGE-WRK %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""


def read_paths(name: str, work: list[dict]) -> list[str]:
    return {
        "bare": ["/bench/bare"],
        "scan": [f"/api/v1/scan/{tag}" for tag in work[0]["tags"]],
        "devices": ["/api/v1/devices?page_size=50"],
        "referrals": ["/api/v1/referrals"],
    }[name]


def run_wrk(url: str, name: str, tokens: list[str], work: list[dict], users: int, seconds: float, scratch: Path):
    """The read alone under wrk, a load generator in C: `users` connections on two threads, warmed up a second
    first. Returns (requests/s, p50 ms, p95 ms, errors)."""
    quoted = lambda values: ", ".join(f'"{value}"' for value in values)  # noqa: E731
    script = scratch / f"wrk-{name}.lua"
    script.write_text(
        WRK_SCRIPT % {"paths": quoted(read_paths(name, work)), "tokens": quoted(tokens if name != "bare" else [])}
    )
    command = ["wrk", "-t2", f"-c{users}", "-s", str(script), url]
    subprocess.run([*command[:-1], "-d1s", url], check=True, capture_output=True)
    answer = subprocess.run([*command[:-1], f"-d{seconds:g}s", url], check=True, capture_output=True, text=True)
    line = next(line for line in answer.stdout.splitlines() if line.startswith("BAGAGE-WRK "))
    requests, duration, errors, p50, p95, _p99 = (int(value) for value in line.split()[1:])
    return requests / (duration / 1e6), round(p50 / 1000), round(p95 / 1000), errors


def print_alone(alone: dict, generator: str, args) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\neach read alone ({generator}), {args.users} clients for {args.read_seconds:.0f} s each, {args.workers} "
        f"workers, load average {load} (targets: the ratio to the bare view, p95 <= 100 ms)"
    )
    for name, (rate, p50, p95, errors) in alone.items():
        ratio = rate / alone["bare"][0] if alone["bare"][0] else float("nan")
        target = READ_TARGETS.get(name)
        verdict = "" if target is None else f"  (target >= {target:.2f} x: {ratio >= target}; p95: {p95 <= 100})"
        print(
            f"  {name:<10} {rate:>8.1f} req/s  p50 {p50} ms  p95 {p95} ms  errors {errors}  {ratio:.2f} x bare{verdict}"
        )


def load_mode(args, server: Gunicorn, scratch: Path) -> None:
    tokens = issue_tokens(args.users)
    work = work_for_users(args.users)
    if args.read_seconds:
        # First with wrk when the machine has it: locust is Python and, on a machine of two cores, takes from the
        # server a good part of a core at a few hundred requests a second, its own latency counted in every figure.
        # Then with locust as well, as the mix below is run (and as before wrk was used).
        if shutil.which("wrk"):
            # --wrk-rounds: each round measures every read again (with the bare view), printed on its own, so that
            # a machine whose speed drifts shows it rather than hiding it in a mean.
            for round_ in range(args.wrk_rounds):
                alone = {}
                for name in ("bare", *READS):
                    alone[name] = run_wrk(server.url, name, tokens, work, args.users, args.read_seconds, scratch)
                label = f", round {round_ + 1} of {args.wrk_rounds}" if args.wrk_rounds > 1 else ""
                print_alone(alone, f"wrk, two threads{label}", args)
        else:
            print("\neach read alone with wrk: skipped, wrk is not installed (apt-get install wrk)")
        if not args.no_locust:
            alone = {}
            for name in ("bare", *READS):
                env = run_locust(server.url, make_user_class(tokens, work, name), args.users, args.read_seconds)
                entry = env.stats.get(name, "GET")
                alone[name] = (
                    entry.num_requests / args.read_seconds,
                    ms(entry, 0.5),
                    ms(entry, 0.95),
                    entry.num_failures,
                )
            print_alone(alone, "locust, in this process", args)
    # Twice: mediators who pause about --think seconds between two requests (50 people each acting every second
    # are busier than any reception desk), then without a pause (the server's capacity: each client waits only
    # for its answer, so with the CPUs saturated a request waits behind the others, p50 ~ clients / throughput).
    # --duration 0: the reads alone only.
    for think in ((args.think, 0) if args.think else (0,)) if args.duration > 0 else ():
        # Paced mediators start over a few pauses, as people do, not all in the same instant.
        user_class = make_user_class(tokens, work, None, think)
        env = run_locust(server.url, user_class, args.users, args.duration, ramp=max(1, 3 * think))
        pace = f"pausing {think / 2:g}-{think * 3 / 2:g} s between requests" if think else "without a pause"
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        title = f"mixed load: {args.users} mediators for {args.duration:.0f} s, {pace}, load average {load}"
        print_stats(env, args.duration, title)
        reads_ok = all(ms(entry, 0.95) <= 100 for (name, _m), entry in env.stats.entries.items() if name in READS)
        print(f"  target: zero errors ({env.stats.total.num_failures == 0}), p95 <= 100 ms for the reads ({reads_ok})")
    check_database()


# ---------------------------------------------------------------------------------------------------- scale


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--duration", type=float, default=60, help="seconds of mixed load (default 60; 0: the reads alone only)"
    )
    parser.add_argument("--read-seconds", type=float, default=10, help="seconds per read alone (0: skip)")
    parser.add_argument("--wrk-rounds", type=int, default=1, help="rounds of the reads alone under wrk (default 1)")
    parser.add_argument("--no-locust", action="store_true", help="the reads alone under wrk only, not locust too")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a mediator's requests, first run (0: one run)"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--referrals", type=int, default=5_000)
    parser.add_argument("--database", default="bagage_load")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--scale", action="store_true", help="time single reads at 10,000 and 1,000,000 devices")
    parser.add_argument("--big-devices", type=int, default=1_000_000)
    parser.add_argument("--big-referrals", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=30, help="single requests per read in scale mode")
    args = parse_args(
        parser,
        duration=5,
        read_seconds=1,
        users=5,
        think=0,
        devices=500,
        referrals=200,
        big_devices=20_000,
        big_referrals=5_000,
        repeat=3,
    )

    scratch = scratch_folder("bagage-load-")
    url = database_url(args.database)
    recreate_database(args.database)
    server = None
    try:
        env = production_env(url, scratch)
        began = time.perf_counter()
        setup_django(env)
        bulk_load(args.devices, args.referrals)
        from django.db import connection as setup_connection

        with setup_connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load (PostgreSQL 13 and later vacuum after inserts too):
            # without statistics the planner takes 5,000 referrals for a handful and reads them all in every
            # duplicate check; without the visibility map a list's count reads the table rather than an index.
            cursor.execute("VACUUM ANALYZE")
        print(
            f"setup: demo + {args.devices:,} devices + {args.referrals:,} referrals and SIM cards "
            f"in {time.perf_counter() - began:.1f} s (database {args.database})"
        )
        from django.db import connection

        connection.close()
        server = Gunicorn(env, args.workers, scratch)
        print(f"gunicorn: {args.workers} workers at {server.url}, production settings")
        if args.scale:
            from scale import scale_mode  # noqa: PLC0415

            scale_mode(args, server)
        else:
            load_mode(args, server, scratch)
    finally:
        if server is not None:
            server.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_database(args.database, drop_only=True)


if __name__ == "__main__":
    main()
