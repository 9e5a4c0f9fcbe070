"""The matching planner: an optimal allocation plan for every waiting referral (pure Python, no ORM)."""

from distribution.matching.explain import evaluate
from distribution.matching.greedy import greedy_plan
from distribution.matching.planner import SOLVERS, plan
from distribution.matching.types import GRADES, DeviceStock, ItemStock, Need, Plan, PlanLine, Unserved

__all__ = ["GRADES", "SOLVERS", "DeviceStock", "ItemStock", "Need", "Plan", "PlanLine", "Unserved"]
__all__ += ["evaluate", "greedy_plan", "plan"]
