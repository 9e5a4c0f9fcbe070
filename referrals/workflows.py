"""The referral life cycle as one table: transition, allowed sources, target, who may run it.

`actor` says who asks for it: "mediator" (mediators and coordinators deciding), "social_worker"
(the referring organisation), "system" (expiry), or the distribution service that must run it
("allocation", "handover"), so that a referral is never allocated without a reserved kit.
"""

from dataclasses import dataclass

from referrals.enums import ReferralStatus

S = ReferralStatus


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actor: str
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("accept", (S.SUBMITTED,), S.ACCEPTED, "mediator"),
    Transition("reject", (S.SUBMITTED, S.NEEDS_INFO), S.REJECTED, "mediator", needs_reason=True),
    Transition("ask_info", (S.SUBMITTED,), S.NEEDS_INFO, "mediator", needs_reason=True),
    Transition("answer", (S.NEEDS_INFO,), S.SUBMITTED, "social_worker", needs_reason=True),
    Transition("cancel", (S.SUBMITTED, S.NEEDS_INFO, S.ACCEPTED), S.CANCELLED, "social_worker"),
    Transition("allocate", (S.ACCEPTED,), S.ALLOCATED, "allocation"),
    Transition("release", (S.ALLOCATED,), S.ACCEPTED, "allocation"),
    Transition("hand_over", (S.ALLOCATED,), S.HANDED_OVER, "handover"),
    # No answer for too long (a setting), or a no-show after the hold.
    Transition("expire", (S.SUBMITTED, S.NEEDS_INFO), S.EXPIRED, "system"),
    Transition("no_show", (S.ALLOCATED,), S.EXPIRED, "allocation"),
)

BY_NAME = {transition.name: transition for transition in TRANSITIONS}
DECISIONS = {"accept": "accept", "reject": "reject", "needs_info": "ask_info"}


def allowed(source: str, actor: str) -> list[str]:
    return [t.name for t in TRANSITIONS if source in t.sources and t.actor == actor]
