"""Two exact solvers for the same network: OR-Tools' min-cost flow and HiGHS (through SciPy).

Both return the flow on every arc of a lexicographically optimal solution:
maximise L1 (served weight), then minimise L2 (move cost), then maximise L3 (tie-break score).

``flow`` (the default) folds the three levels into one integer cost, with weights that make the sum strictly
lexicographic. Let B2 and B3 be upper bounds of L2 and L3 over every feasible flow (all are >= 0), and

    W2 = B3 + 1,    W1 = W2 * B2 + B3 + 1,    cost = -W1 * L1 + W2 * L2 - L3.

If flow x has a greater L1 than flow y, then L1(x) - L1(y) >= 1 (integers), so
cost(x) - cost(y) <= -W1 + W2 * B2 + B3 < 0: x is cheaper whatever its moves and tie-breaks.
If L1 ties and L2(x) < L2(y), then cost(x) - cost(y) <= -W2 + B3 < 0. If both tie, L3 decides.
B2 = device move cost × min(device referrals, devices) + item move cost × min(item referrals, items),
B3 = Σ over device referrals of 4 × priority rank + min(item referrals, items) × the highest FEFO points.
OR-Tools scales costs by (nodes + 1) inside its cost-scaling algorithm, so the weighted costs must stay
below 2**62 / (nodes + 1): the bound is checked, and ``WeightsTooLarge`` raised, never a silent overflow.
With real data (priorities under a few years of days) the weights are around 1e11, far from the limit.

``highs`` solves the levels one after the other (three LPs, each keeping the previous optimum as a
constraint), so it has no magnitude limit. The network matrix is totally unimodular, and the
set of optimal solutions of a level is a face of an integral polytope, hence integral too: the dual
simplex returns a vertex of that face, an integral flow, so LPs suffice (as MILPs the same three solves
take about 30 s instead of 1 s). Should a float tolerance ever leave a fractional value, the level is
solved again as a MILP.
"""

import numpy as np

from distribution.matching.network import Network

INT_LIMIT = 2**62


class WeightsTooLarge(ValueError):
    """The lexicographic weights would overflow OR-Tools' 64-bit scaled costs."""


def lexicographic_weights(net: Network, b2: int, b3: int) -> tuple[int, int]:
    """Return (W1, W2) as proven in the module docstring."""
    w2 = b3 + 1
    w1 = w2 * b2 + b3 + 1
    return w1, w2


def solve_flow(net: Network, b2: int, b3: int) -> np.ndarray:
    """Solve with OR-Tools ``SimpleMinCostFlow`` on the weighted single objective."""
    from ortools.graph.python import min_cost_flow

    w1, w2 = lexicographic_weights(net, b2, b3)
    largest = w1 * int(net.l1.max(initial=0)) + w2 * int(net.l2.max(initial=0)) + int(net.l3.max(initial=0))
    if largest * (net.num_nodes + 1) >= INT_LIMIT or largest * max(net.supply, 1) >= INT_LIMIT:
        raise WeightsTooLarge(f"weighted costs up to {largest} overflow 64 bits on {net.num_nodes} nodes")
    cost = -w1 * net.l1 + w2 * net.l2 - net.l3
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(net.tail, net.head, net.cap, cost)
    supplies = np.zeros(net.num_nodes, dtype=np.int64)
    supplies[net.source] = net.supply
    supplies[net.sink] = -net.supply
    solver.set_nodes_supplies(np.arange(net.num_nodes, dtype=np.int32), supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return np.asarray(solver.flows(arcs), dtype=np.int64)


def solve_highs(net: Network) -> np.ndarray:
    """Solve with HiGHS through ``scipy.optimize.linprog``, one level after the other."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    # Conservation at every node but the source and the sink, which are free: no bypass needed.
    arcs = np.flatnonzero((net.tail != net.source) | (net.head != net.sink))
    tail, head = net.tail[arcs], net.head[arcs]
    count = len(arcs)
    flows = np.zeros(net.num_arcs, dtype=np.int64)
    if count == 0:
        return flows
    rows = np.concatenate([head, tail])
    cols = np.concatenate([np.arange(count), np.arange(count)])
    data = np.concatenate([np.ones(count), -np.ones(count)])
    matrix = sparse.csr_array((data, (rows, cols)), shape=(net.num_nodes, count))
    internal = np.setdiff1d(np.arange(net.num_nodes), [net.source, net.sink])
    matrix = matrix[internal]
    bounds = np.column_stack([np.zeros(count), net.cap[arcs].astype(float)])
    integrality = np.ones(count)
    l1, l2, l3 = (level[arcs].astype(float) for level in (net.l1, net.l2, net.l3))

    def run(objective):
        # The LP relaxation's vertices are integral (see the module docstring): solve it as an LP, and
        # fall back to HiGHS' MILP only if a float tolerance ever left a fractional value.
        result = linprog(objective, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs-ds")
        if result.status != 0:
            raise RuntimeError(f"HiGHS: {result.message}")
        if np.abs(result.x - np.rint(result.x)).max(initial=0) > 1e-6:
            rows = [LinearConstraint(a_eq, b_eq, b_eq)]
            if a_ub is not None:
                rows.append(LinearConstraint(a_ub, -np.inf, b_ub))
            result = milp(objective, constraints=rows, bounds=Bounds(*np.array(bounds).T), integrality=integrality)
            if not result.success:
                raise RuntimeError(f"HiGHS: {result.message}")
        return np.rint(result.x)

    a_eq, b_eq = matrix, np.zeros(matrix.shape[0])
    a_ub = b_ub = None
    x = run(-l1)
    best1 = float(l1 @ x)
    a_ub, b_ub = sparse.csr_array(-l1[None, :]), np.array([-best1])
    x = run(l2)
    best2 = float(l2 @ x)
    a_ub, b_ub = sparse.vstack([a_ub, sparse.csr_array(l2[None, :])]).tocsr(), np.array([-best1, best2])
    x = run(-l3)
    flows[arcs] = x.astype(np.int64)
    return flows
