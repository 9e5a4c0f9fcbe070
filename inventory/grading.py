"""Suggested grade for a computer, from its specs, by a versioned rule table kept as data.

The technician sets the grade; the suggestion only says what the specs alone would give, and
lists the rules that produced it so that a surprising suggestion can be checked.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from inventory.enums import COMPUTER_KINDS, GRADE_ORDER

# Change the table, change the version: a suggestion states the version it was computed with.
GRADING_RULES = {
    "version": "2026.1",
    # One point per threshold reached (so 0–4 for each line).
    "thresholds": {
        "ram_gb": [4, 5, 8, 16],
        "flash_gb": [64, 128, 200, 500],  # SSD, NVMe and eMMC
        "hdd_gb": [160, 257],
        "cpu_mark": [2000, 3500, 5000, 7000],
    },
    "bonus": {"nvme": 1},
    # Caps, checked in order; each says the best grade a device that matches can get.
    "caps": [
        {
            "storage": "hdd",
            "cpu_mark_below": 2500,
            "at_best": "C",
            "why": gettext_noop("HDD with a CPU score under 2500"),
        },
        {
            "storage": "flash",
            "cpu_mark_below": 2500,
            "at_best": "B",
            "why": gettext_noop("SSD with a CPU score under 2500"),
        },
        {"storage": "hdd", "at_best": "B", "why": gettext_noop("HDD")},
        {"os_contains": "windows 10", "at_best": "B", "why": gettext_noop("Windows 10")},
    ],
    # Lowest total for each grade, best grade first.
    "bands": [(11, "PREMIUM"), (8, "A"), (6, "B"), (4, "C"), (0, "D")],
}

FLASH_TYPES = {"ssd", "nvme", "emmc"}


@dataclass(frozen=True)
class Specs:
    kind: str
    ram_gb: int | None = None
    storage_gb: int | None = None
    storage_type: str = ""
    cpu_mark: int | None = None
    os: str = ""

    @classmethod
    def of(cls, device) -> "Specs":
        """What a grade is suggested from, as the device (or any object with its fields) records it."""
        return cls(device.kind, device.ram_gb, device.storage_gb, device.storage_type, device.cpu_mark, device.os)


@dataclass
class GradeSuggestion:
    grade: str | None
    points: int
    rules_version: str
    reasons: list[str] = field(default_factory=list)


def _points(value: int | None, thresholds: list[int]) -> int:
    if value is None:
        return 0
    return sum(1 for threshold in thresholds if value >= threshold)


def _worse(a: str, b: str) -> str:
    return max(a, b, key=GRADE_ORDER.index)


def suggest_grade(specs: Specs, rules: dict = GRADING_RULES) -> GradeSuggestion:
    """Suggest a grade for a computer; phones and tablets get no suggestion."""
    version = rules["version"]
    if specs.kind not in COMPUTER_KINDS:
        return GradeSuggestion(None, 0, version, [_("Only computers get a suggested grade.")])
    thresholds = rules["thresholds"]
    reasons: list[str] = []
    total = 0

    ram = _points(specs.ram_gb, thresholds["ram_gb"])
    ram_gb = specs.ram_gb if specs.ram_gb is not None else "?"
    reasons.append(_("RAM %(gb)s GB: %(points)s pt") % {"gb": ram_gb, "points": ram})
    total += ram

    storage_type = (specs.storage_type or "").lower()
    storage_family = "hdd" if storage_type == "hdd" else "flash" if storage_type in FLASH_TYPES else None
    if storage_family is None:
        reasons.append(_("Storage type unknown: 0 pt"))
    else:
        key = "hdd_gb" if storage_family == "hdd" else "flash_gb"
        storage = _points(specs.storage_gb, thresholds[key])
        reasons.append(
            _("%(type)s %(gb)s GB: %(points)s pt")
            % {"type": storage_type.upper(), "gb": specs.storage_gb or "?", "points": storage}
        )
        total += storage
    if storage_type == "nvme":
        total += rules["bonus"]["nvme"]
        reasons.append(_("NVMe: +%(points)s pt") % {"points": rules["bonus"]["nvme"]})

    cpu = _points(specs.cpu_mark, thresholds["cpu_mark"])
    cpu_mark = specs.cpu_mark if specs.cpu_mark is not None else "?"
    reasons.append(_("CPU score %(mark)s: %(points)s pt") % {"mark": cpu_mark, "points": cpu})
    total += cpu

    grade = next(grade for floor, grade in rules["bands"] if total >= floor)
    reasons.append(_("Total %(points)s pt: %(grade)s") % {"points": total, "grade": grade})

    os_name = (specs.os or "").lower()
    for cap in rules["caps"]:
        if "storage" in cap and cap["storage"] != storage_family:
            continue
        if "cpu_mark_below" in cap and (specs.cpu_mark is None or specs.cpu_mark >= cap["cpu_mark_below"]):
            continue
        if "os_contains" in cap and cap["os_contains"] not in os_name:
            continue
        capped = _worse(grade, cap["at_best"])
        if capped != grade:
            reasons.append(_("%(why)s: at best %(grade)s") % {"why": _(cap["why"]), "grade": cap["at_best"]})
            grade = capped
    return GradeSuggestion(grade, total, version, reasons)
