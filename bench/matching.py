"""Matching benchmark through the database (prints figures; not a test): a network-wide plan, end to end.

    .venv/bin/python bench/matching.py [--referrals 10000] [--devices 10000] [--items 8000] [--sites 8]

On a scratch SQLite database: accepted referrals waiting, ready devices, SIM cards and vouchers over the
sites (the contested instance of bench/matching_solver.py, rows written with bulk_create). Then timed, in
wall-clock and in this process's CPU time (the machine may be shared): loading the planner's inputs
(planning_inputs), solving with both exact solvers, writing the plan (proposal_create end to end), and the
served priority against the greedy baseline of the same inputs.

Targets (issue 11): <= 2 s end to end, solver alone <= 0.2 s, served priority >= greedy's.
"""

import argparse
import datetime as dt
import time

from _setup import django_on_scratch_sqlite, parse_args, surname, with_identity_keys
from matching_solver import TODAY, instance

SITE_CODES = ("LI", "SD", "PA", "AN", "LY", "GR", "MA", "MR", "NA", "TO", "BO", "ST")
PHONES = ("smartphone", "tablet")


class Timer:
    """Wall-clock and CPU seconds of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.3f} s (CPU {self.cpu:.3f} s)"


def populate(args):
    """Write the instance's rows straight to the database; return the coordinator who plans."""
    from django.utils import timezone
    from stdnum import luhn

    from accounts.services import user_create
    from inventory.models import Device, LineItem, Offer
    from referrals.models import Beneficiary, Membership, Organisation, Referral
    from sites.models import Site

    needs, stock, lines = instance(args.referrals, args.devices, args.items, args.sites)
    sites = {
        f"S{n}": Site.objects.create(code=code, name=f"Site {code}", city=code, postal_code="75011")
        for n, code in enumerate(SITE_CODES[: args.sites])
    }
    coordinator = user_create(username="camille", password=None, role="coordinator", site=sites["S0"])
    staff = user_create(username="karim", password=None, role="warehouse", site=sites["S0"])
    social = user_create(username="sophie", password=None, role="social_worker")
    organisation = Organisation.objects.create(
        name="CCAS",
        kind="ccas",
        siret="21350238800100",
        postal_code="93200",
        department="93",
        authorisation="validated",
    )
    Membership.objects.create(user=social, organisation=organisation)
    now = timezone.now()
    people = Beneficiary.objects.bulk_create(
        with_identity_keys(
            [
                Beneficiary(
                    first_name="Amina",
                    last_name=surname("T", n),
                    phone=f"+33756{n:06d}",
                    postal_code="93200",
                    birth_year=1980,
                    eligibility=["rsa"],
                    consent_given_at=now,
                    consent_recorded_by=social,
                    consent_version_id="2026-01",
                    phone_key=f"+33756{n:06d}",
                )
                for n in range(len(needs))
            ]
        ),
        batch_size=2000,
    )
    Referral.objects.bulk_create(
        [
            Referral(
                beneficiary=person,
                organisation=organisation,
                social_worker=social,
                site=sites[need.site],
                device_kinds=list(need.device_kinds),
                connectivity=need.connectivity,
                reason="administrative",
                urgency="high" if need.urgent else "normal",
                urgency_justification="bench" if need.urgent else "",
                status="accepted",
                submitted_at=now - dt.timedelta(days=need.waited_days),
            )
            for person, need in zip(people, needs, strict=True)
        ],
        batch_size=2000,
    )

    def luhn_code(prefix: str, n: int) -> str:
        body = f"{prefix}{n:012d}"
        return body + luhn.calc_check_digit(body)

    Device.objects.bulk_create(
        [
            Device(
                asset_tag=f"{sites[d.site].code}{'TE' if d.kind in PHONES else 'PC'}26-{n:05d}",
                kind=d.kind,
                brand="Samsung" if d.kind in PHONES else "Lenovo",
                model="Bench",
                imei=luhn_code("35", n) if d.kind in PHONES else None,
                serial_number=None if d.kind in PHONES else f"SN{n:07d}",
                grade=d.grade,
                status="ready",
                site=sites[d.site],
                created_by=staff,
            )
            for n, d in enumerate(stock)
        ],
        batch_size=2000,
    )
    offers = {
        kind: Offer.objects.create(operator="SFR", name=name, kind=kind, validity_days=30, price=5, created_by=staff)
        for kind, name in (("sim", "La Carte"), ("topup", "Recharge 10 €"))
    }
    shift = timezone.localdate() - TODAY  # the instance's dates, moved to today
    LineItem.objects.bulk_create(
        [
            LineItem(
                offer=offers[item.kind],
                site=sites[item.site],
                iccid=luhn_code("893301", n) if item.kind == "sim" else None,
                voucher_code=None if item.kind == "sim" else f"{n:012d}",
                expires_on=item.expires_on + shift,
                created_by=staff,
            )
            for n, item in enumerate(lines)
        ],
        batch_size=2000,
    )
    return coordinator


def solver_alone_cpu(needs, devices, items, until, bonus, repeat: int = 3) -> dict[str, float]:
    """The solvers' CPU time alone on the planner's model, as bench/matching_solver.py measures it."""
    import statistics

    from distribution.matching.network import Scoring, build_network
    from distribution.matching.planner import _bounds
    from distribution.matching.solvers import solve_flow, solve_highs

    usable = [item for item in items if item.expires_on >= until]
    figures = {}
    for name in ("flow", "highs"):
        times = []
        for _ in range(repeat):
            scoring = Scoring(needs, usable, urgent_bonus_days=bonus, device_move_cost=2, item_move_cost=1)
            net = build_network(needs, devices, usable, scoring)
            bounds = _bounds(needs, devices, usable, scoring)
            with Timer() as timer:
                solve_flow(net, *bounds) if name == "flow" else solve_highs(net)
            times.append(timer.cpu)
        figures[name] = statistics.median(times)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=8_000)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--profile", action="store_true", help="cProfile proposal_create and print the top functions")
    args = parse_args(parser, referrals=300, devices=300, items=200, sites=4)
    if args.sites > len(SITE_CODES):
        parser.error(f"at most {len(SITE_CODES)} sites")
    django_on_scratch_sqlite()

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from distribution.matching import greedy_plan, plan
    from distribution.models import Proposal
    from distribution.selectors import hold_until
    from distribution.services.matching import planning_inputs, proposal_create

    with Timer() as populating:
        coordinator = populate(args)
    print(
        f"database: {args.referrals} accepted referrals, {args.devices} ready devices, {args.items} SIM cards and "
        f"vouchers over {args.sites} sites (written in {populating.wall:.1f} s)"
    )
    today, until = timezone.localdate(), hold_until()
    bonus = settings.BAGAGE_URGENT_BONUS_DAYS

    with Timer() as loading, CaptureQueriesContext(connection) as queries:
        needs, devices, items = planning_inputs(coordinator, None, today)
    print(f"load inputs (planning_inputs): {loading}, {len(queries)} queries")

    results = {}
    for solver in ("flow", "highs"):
        with Timer() as solving:
            results[solver] = plan(needs, devices, items, hold_until=until, urgent_bonus_days=bonus, solver=solver)
        result = results[solver]
        print(
            f"plan, {solver:>5}: {solving} in all; model build {result.build_seconds:.3f} s, "
            f"solver alone {result.solve_seconds:.3f} s; served {result.served} ({result.served_priority} priority), "
            f"{result.device_moves} devices and {result.item_moves} SIMs moved"
            + (f"; {'; '.join(result.notes)}" if result.notes else "")
        )
    assert results["flow"].objective == results["highs"].objective, "the two exact solvers disagree"
    solver_cpu = solver_alone_cpu(needs, devices, items, until, bonus)
    print(
        "solver alone, CPU (median of 3, model built apart): "
        + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in solver_cpu.items())
    )

    with Timer() as greedy_timer:
        greedy = greedy_plan(needs, devices, items, hold_until=until, urgent_bonus_days=bonus)
    print(
        f"greedy baseline: {greedy_timer}; served {greedy.served} ({greedy.served_priority} priority), "
        f"{greedy.device_moves} devices and {greedy.item_moves} SIMs moved"
    )

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    with Timer() as end_to_end, CaptureQueriesContext(connection) as queries:
        proposal = proposal_create(user=coordinator, site=None)
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    written = proposal.lines.count()
    print(f"proposal_create end to end (load + plan + write {written} lines): {end_to_end}, {len(queries)} queries")
    assert Proposal.objects.count() == 1 and written == results["flow"].served

    optimal = proposal.served_priority
    gain = optimal - greedy.served_priority
    print(
        f"served priority: plan {optimal} vs greedy {greedy.served_priority} "
        f"({gain:+d}, {gain / max(greedy.served_priority, 1):+.1%}); "
        f"served {written} vs {greedy.served} people"
    )
    solver_alone = min(results["flow"].solve_seconds, solver_cpu["flow"])
    print(
        "targets: end to end <= 2 s: "
        + ("met" if end_to_end.wall <= 2 else f"MISSED ({end_to_end.wall:.2f} s; CPU {end_to_end.cpu:.2f} s)")
        + "; solver alone <= 0.2 s: "
        + ("met" if solver_alone <= 0.2 else f"MISSED ({solver_alone:.3f} s)")
        + " (wall-clock or CPU, whichever is less)"
        + "; served priority >= greedy's: "
        + ("met" if optimal >= greedy.served_priority else "MISSED")
    )


if __name__ == "__main__":
    main()
