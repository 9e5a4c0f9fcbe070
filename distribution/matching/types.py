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


# --- Input checks, shared by the planner and the greedy baseline ---

GRADE_ORDER = {grade: index for index, grade in enumerate(GRADES)}


def check_parameters(urgent_bonus_days, device_move_cost, item_move_cost) -> None:
    # The lexicographic weights' proof needs whole, non-negative numbers.
    for name, value in (
        ("urgent_bonus_days", urgent_bonus_days),
        ("device_move_cost", device_move_cost),
        ("item_move_cost", item_move_cost),
    ):
        if not _is_count(value):
            raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_instance(needs, devices, items) -> None:
    for need in needs:
        if need.connectivity not in CONNECTIVITY_NEEDS:
            raise ValueError(f"referral {need.referral_id}: connectivity must be one of {CONNECTIVITY_NEEDS}")
        if not _is_count(need.waited_days):
            raise ValueError(f"referral {need.referral_id}: waited_days must be a whole number >= 0")
    for device in devices:
        if device.grade not in GRADE_ORDER:
            raise ValueError(f"device {device.device_id}: grade must be one of {GRADES}")
    for item in items:
        if item.kind not in ITEM_KINDS:
            raise ValueError(f"line item {item.item_id}: kind must be one of {ITEM_KINDS}")
    for label, ids in (
        ("referral", [n.referral_id for n in needs]),
        ("device", [d.device_id for d in devices]),
        ("line item", [i.item_id for i in items]),
    ):
        if len(set(ids)) != len(ids):
            raise ValueError(f"the same {label} is listed twice")
