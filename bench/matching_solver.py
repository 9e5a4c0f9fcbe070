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

from distribution.matching import GRADES, DeviceStock, ItemStock, Need, greedy_plan, plan  # noqa: E402

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
    args = parser.parse_args()
    needs, devices, items = instance(args.referrals, args.devices, args.items, args.sites)
    print(f"instance: {len(needs)} referrals, {len(devices)} devices, {len(items)} line items, {args.sites} sites")

    results = {}
    for solver in ("flow", "highs"):
        builds, solves, totals = [], [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = plan(needs, devices, items, hold_until=HOLD_UNTIL, solver=solver)
            totals.append(time.perf_counter() - started)
            builds.append(result.build_seconds)
            solves.append(result.solve_seconds)
        results[solver] = result
        print(
            f"{solver:>6}: build {statistics.median(builds):.3f} s (best {min(builds):.3f}), "
            f"solve {statistics.median(solves):.3f} s (best {min(solves):.3f}), "
            f"whole plan {statistics.median(totals):.3f} s (median of {args.repeat}); "
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
    from distribution.matching.network import Scoring, build_network

    usable = [item for item in items if item.expires_on >= HOLD_UNTIL]
    scoring = Scoring(needs, usable, urgent_bonus_days=30, device_move_cost=2, item_move_cost=1)
    net = build_network(needs, devices, usable, scoring)
    print(f"model: {net.num_nodes} nodes, {net.num_arcs} arcs ({len(net.classes)} classes)")


if __name__ == "__main__":
    main()
