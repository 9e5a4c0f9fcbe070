"""The allocation (kit) life cycle as one table of the shared `Transition` type.

A kit is reserved `held` for BAGAGE_HOLD_DAYS, then `handed_over` with a receipt, `released` by a
mediator (back to stock), or `expired` when nobody came by its hold date (the `expire_holds`
command). Every transition runs only through its service function (`handover_record`,
`allocation_release`, `holds_expire`): each has stock and the referral moving with it.
"""

from common.workflows import Transition, Workflow
from distribution.enums import AllocationStatus

S = AllocationStatus

ALLOCATION_WORKFLOW = Workflow(
    "allocation",
    (
        Transition("hand_over", (S.HELD,), S.HANDED_OVER, service_only=True),
        Transition("release", (S.HELD,), S.RELEASED, service_only=True),
        # Past its hold date, never collected.
        Transition("expire", (S.HELD,), S.EXPIRED, service_only=True),
    ),
)
