"""The referral life cycle as one table of the shared `Transition` type.

`submitted → accepted | rejected | needs_info → allocated → handed_over`, `cancelled`, and
`expired` (no answer for too long) or `no_show` (a kit held twice and never collected).
Who may ask for the manual transitions is in `policies.py`; the `service_only` ones run only
through their service function (`referral_allocate`…), which distribution calls.
"""

from common.workflows import Transition, Workflow
from referrals.enums import ReferralStatus

S = ReferralStatus


REFERRAL_WORKFLOW = Workflow(
    "referral",
    (
        # A mediator's decisions (the reason is shown to the social worker).
        Transition("accept", (S.SUBMITTED,), S.ACCEPTED),
        Transition("reject", (S.SUBMITTED, S.NEEDS_INFO), S.REJECTED, needs_note=True),
        Transition("ask_info", (S.SUBMITTED,), S.NEEDS_INFO, needs_note=True),
        # The referring social worker's.
        Transition("answer", (S.NEEDS_INFO,), S.SUBMITTED, needs_note=True),
        Transition("cancel", (S.SUBMITTED, S.NEEDS_INFO, S.ACCEPTED), S.CANCELLED),
        # Distribution's: a kit reserved, released, handed over, never collected.
        Transition("allocate", (S.ACCEPTED,), S.ALLOCATED, service_only=True),
        Transition("release", (S.ALLOCATED,), S.ACCEPTED, service_only=True),
        Transition("hand_over", (S.ALLOCATED,), S.HANDED_OVER, service_only=True),
        Transition("no_show", (S.ALLOCATED,), S.NO_SHOW, service_only=True),
        # The daily command's: no answer for BAGAGE_REFERRAL_EXPIRY_DAYS.
        Transition("expire", (S.SUBMITTED, S.NEEDS_INFO), S.EXPIRED, service_only=True),
    ),
)

# The decisions a mediator sends (API `decision`) and the transition each runs.
DECISIONS = {"accept": "accept", "reject": "reject", "needs_info": "ask_info"}
