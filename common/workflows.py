"""Every life cycle (device, referral, SIM card or voucher) is one table of the same `Transition` type.

A transition names the states it leaves from, the state it leads to and the guards that must
pass. Transitions marked `service_only` are never asked for by a person through a "move to"
form or endpoint: only the service function of that name runs them (`device_reserve`,
`line_item_hand_over`…), so that nothing is reserved or handed over without the allocation or
the receipt behind it. Who may ask for the others is the domain's policy (`policies.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from common.exceptions import InvalidTransition

# A guard takes the object and returns why it may not move, or None when it may.
Guard = Callable[[Any], str | None]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    guards: tuple[Guard, ...] = ()
    service_only: bool = False
    # The person must say why (the other side reads it: a rejection, a question).
    needs_note: bool = False

    def problems(self, obj: Any) -> list[str]:
        return [problem for guard in self.guards if (problem := guard(obj))]


@dataclass(frozen=True)
class Workflow:
    """A life cycle: its transitions, looked up the same way for every kind of object."""

    name: str
    transitions: tuple[Transition, ...]
    by_name: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {t.name: t for t in self.transitions})

    def get(self, name: str) -> Transition:
        return self.by_name[name]

    def open_from(self, source: str, *, service_only: bool = False) -> list[Transition]:
        """Transitions that may leave `source`: the manual ones, or (with service_only) the services'."""
        return [t for t in self.transitions if source in t.sources and t.service_only == service_only]

    def manual_to(self, source: str, target: str) -> Transition | None:
        """The manual transition from `source` to `target`, if the table has one."""
        return next((t for t in self.open_from(source) if t.target == target), None)


def advance(
    obj: Any, transition: Transition, *, refused: Callable[[], str], blocked: Callable[[list[str]], str]
) -> str:
    """Move a locked object along `transition`, or refuse; return the state it left.

    `refused()` words the refusal when the object is not in a source state, `blocked(problems)`
    when a guard fails. The caller then records the step: its history row, which moves the stored
    row in the same statement (`common.moves.Move.record`); a nightly batch updates its rows and
    writes their history rows in bulk instead, in one transaction.
    """
    source = obj.status
    if source not in transition.sources:
        raise InvalidTransition(refused(), from_status=source, transition=transition.name)
    problems = transition.problems(obj)
    if problems:
        raise InvalidTransition(blocked(problems), from_status=source, transition=transition.name, missing=problems)
    obj.status = transition.target
    return source
