"""Matching planner benchmark: both exact solvers and the greedy baseline on a network-sized instance.

Prints figures; it is not a test. Pure Python, no database:

    .venv/bin/python bench/matching_solver.py [--referrals 10000] [--devices 10000] [--items 8000] [--sites 8]

Target (issue 11): the solver alone <= 0.2 s; the model build well under 1 s.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _setup import parse_args  # noqa: E402

from distribution.matching import GRADES, DeviceStock, ItemStock, Need, greedy_plan, plan  # noqa: E402
from distribution.matching.network import Scoring, build_network  # noqa: E402
from distribution.matching.planner import _bounds  # noqa: E402
from distribution.matching.solvers import solve_flow, solve_highs  # noqa: E402

KINDS = ("laptop", "desktop", "tablet", "smartphone")
TODAY = date(2026, 11, 26)
HOLD_UNTIL = TODAY + timedelta(days=14)


def instance(referrals: int, devices: int, items: int, sites: int, seed: int = 11):
    """Build a contested network: laptops and SIMs are wanted more than they are stocked, tablets less."""
    rng = random.Random(seed)
    codes = [f"S{n}" for n in range(sites)]
    wanted = (0.45, 0.1, 0.15, 0.3)  # laptop, desktop, tablet, smartphone
    stocked = (0.2, 0.1, 0.15, 0.55)
    needs = []
    for n in range(referrals):
        roll = rng.random()
        if roll < 0.15:
            kinds = ()
        elif roll < 0.6:
            kinds = tuple(rng.choices(KINDS, wanted))
        else:
            first = rng.choices(KINDS, wanted)[0]
            kinds = (first, rng.choice([kind for kind in KINDS if kind != first]))
        connectivity = rng.choices(("none", "sim", "topup"), (0.4, 0.4, 0.2) if kinds else (0, 0.6, 0.4))[0]
        site = rng.choices(codes, [1 + n for n in range(sites)])[0]  # busier sites, uneven stock
        needs.append(Need(n, site, kinds, connectivity, rng.randrange(0, 366), rng.random() < 0.1))
    stock = [
        DeviceStock(n, rng.choices(KINDS, stocked)[0], rng.choice(codes), rng.choices(GRADES, (1, 3, 4, 2, 1))[0])
        for n in range(devices)
    ]
    lines = [
        ItemStock(
            n,
            rng.choices(("sim", "topup"), (0.55, 0.45))[0],
            rng.choice(codes),
            TODAY + timedelta(days=rng.randrange(-30, 365)),
        )
        for n in range(items)
    ]
    return needs, stock, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=8_000)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parse_args(parser, referrals=300, devices=300, items=200, sites=4, repeat=1)
    needs, devices, items = instance(args.referrals, args.devices, args.items, args.sites)
    print(f"instance: {len(needs)} referrals, {len(devices)} devices, {len(items)} line items, {args.sites} sites")

    # Phases timed apart, in wall-clock and in this process's CPU time: on a shared machine the CPU time is
    # what the code costs, the wall-clock what a user would wait.
    usable = [item for item in items if item.expires_on >= HOLD_UNTIL]
    scoring = Scoring(needs, usable, urgent_bonus_days=30, device_move_cost=2, item_move_cost=1)
    solve = {"flow": lambda net: solve_flow(net, *_bounds(needs, devices, usable, scoring)), "highs": solve_highs}
    for solver in ("flow", "highs"):
        figures = {"build": [], "build cpu": [], "solve": [], "solve cpu": []}
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            net = build_network(
                needs,
                devices,
                usable,
                Scoring(needs, usable, urgent_bonus_days=30, device_move_cost=2, item_move_cost=1),
            )
            figures["build"].append(time.perf_counter() - wall)
            figures["build cpu"].append(time.process_time() - cpu)
            wall, cpu = time.perf_counter(), time.process_time()
            solve[solver](net)
            figures["solve"].append(time.perf_counter() - wall)
            figures["solve cpu"].append(time.process_time() - cpu)
        print(
            f"{solver:>6}: "
            + ", ".join(f"{name} {statistics.median(v):.3f} s (best {min(v):.3f})" for name, v in figures.items())
            + f"  [median of {args.repeat}]"
        )
    print(f"model: {net.num_nodes} nodes, {net.num_arcs} arcs ({len(net.classes)} referral classes)")

    results = {}
    for solver in ("flow", "highs"):
        started = time.perf_counter()
        result = plan(needs, devices, items, hold_until=HOLD_UNTIL, solver=solver)
        results[solver] = result
        print(
            f"{solver:>6} plan: {time.perf_counter() - started:.3f} s end to end (decode and reasons included); "
            f"served {result.served}, priority days {result.served_priority}, "
            f"moves {result.device_moves} devices + {result.item_moves} items, objective {result.objective}"
        )
    started = time.perf_counter()
    greedy = greedy_plan(needs, devices, items, hold_until=HOLD_UNTIL)
    elapsed = time.perf_counter() - started
    print(
        f"greedy: {elapsed:.3f} s; served {greedy.served}, priority days {greedy.served_priority}, "
        f"moves {greedy.device_moves} devices + {greedy.item_moves} items, objective {greedy.objective}"
    )
    best = results["flow"]
    assert best.objective == results["highs"].objective, "the two solvers disagree"
    gain = best.served_priority - greedy.served_priority
    print(
        f"optimal vs greedy: +{best.served - greedy.served} referrals served, +{gain} priority days "
        f"({100 * gain / max(greedy.served_priority, 1):.1f} %), {best.moves - greedy.moves:+d} moves"
    )


if __name__ == "__main__":
    main()
