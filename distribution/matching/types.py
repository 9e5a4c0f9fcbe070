"""What the planner takes in and gives back: plain frozen dataclasses, no ORM."""

from dataclasses import dataclass, field
from datetime import date

# Best first, as French refurbishers grade.
GRADES = ("PREMIUM", "A", "B", "C", "D")
CONNECTIVITY_NEEDS = ("none", "sim", "topup")
ITEM_KINDS = ("sim", "topup")
DEFAULT_URGENT_BONUS_DAYS = 30


@dataclass(frozen=True)
class Need:
    """An accepted referral waiting for a kit: what it accepts, where, and how long it has waited."""

    referral_id: int | str
    site: str
    device_kinds: tuple[str, ...] = ()
    connectivity: str = "none"
    waited_days: int = 0
    urgent: bool = False

    def priority_days(self, urgent_bonus_days: int = DEFAULT_URGENT_BONUS_DAYS) -> int:
        """Return the days waited, plus the bonus when the need is urgent."""
        return self.waited_days + (urgent_bonus_days if self.urgent else 0)


@dataclass(frozen=True)
class DeviceStock:
    """A device ready to allocate."""

    device_id: int | str
    kind: str
    site: str
    grade: str


@dataclass(frozen=True)
class ItemStock:
    """A SIM card (kind "sim") or a top-up voucher (kind "topup") ready to allocate."""

    item_id: int | str
    kind: str
    site: str
    expires_on: date


@dataclass(frozen=True)
class PlanLine:
    """One referral served: the device and/or line item it gets, and why (data to translate, plus English)."""

    referral_id: int | str
    device_id: int | str | None
    item_id: int | str | None
    transfer_from: str | None
    item_transfer_from: str | None
    why: dict
    text: str


@dataclass(frozen=True)
class Unserved:
    """A referral the plan leaves waiting, with a reason code and its data."""

    referral_id: int | str
    code: str
    why: dict
    text: str


@dataclass
class Plan:
    """An allocation plan and its figures.

    ``objective`` is the lexicographic vector the planner optimises, in order:
    (sum of served weights = priority days + 1, move cost, tie-break score); see ``planner``.
    """

    lines: list[PlanLine]
    unserved: list[Unserved]
    served_priority: int
    objective: tuple[int, int, int]
    device_moves: int
    item_moves: int
    solver: str
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def moves(self) -> int:
        return self.device_moves + self.item_moves

    @property
    def served(self) -> int:
        return len(self.lines)
