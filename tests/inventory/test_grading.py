import pytest
from django.utils import translation

from inventory.grading import GRADING_RULES, Specs, suggest_grade


@pytest.mark.parametrize(
    ("specs", "grade", "points"),
    [
        # RAM 16 (4) + NVMe 512 (4 +1) + CPU 9000 (4) = 13
        (Specs("laptop", 16, 512, "nvme", 9000, "Windows 11"), "PREMIUM", 13),
        # RAM 8 (3) + SSD 256 (3) + CPU 6000 (3) = 9
        (Specs("laptop", 8, 256, "ssd", 6000, "Windows 11"), "A", 9),
        # same with Windows 10: at best B
        (Specs("laptop", 8, 256, "ssd", 6000, "Windows 10 Pro"), "B", 9),
        # RAM 8 (3) + HDD 500 (2) + CPU 6000 (3) = 8 → A, but any HDD → at best B
        (Specs("desktop", 8, 500, "hdd", 6000, "Linux Mint"), "B", 8),
        # HDD with CPU < 2500 → at best C: RAM 16 (4) + HDD 1000 (2) + CPU 2400 (1) = 7 → B → C
        (Specs("desktop", 16, 1000, "hdd", 2400, ""), "C", 7),
        # SSD with CPU < 2500 → at best B: RAM 16 (4) + SSD 512 (4) + CPU 2400 (1) = 9 → A → B
        (Specs("laptop", 16, 512, "ssd", 2400, ""), "B", 9),
        # RAM 4 (1) + SSD 64 (1) + CPU 1500 (0) = 2 → D
        (Specs("laptop", 4, 64, "ssd", 1500, ""), "D", 2),
        # RAM 5 (2) + SSD 128 (2) + CPU 3000 (1) = 5 → C
        (Specs("laptop", 5, 128, "emmc", 3000, ""), "C", 5),
        # 6 → B: RAM 8 (3) + SSD 128 (2) + CPU 2500 (1)
        (Specs("laptop", 8, 128, "ssd", 2500, ""), "B", 6),
        # unknown specs count nothing
        (Specs("laptop"), "D", 0),
    ],
)
def test_suggested_grade_follows_the_rule_table(specs, grade, points):
    suggestion = suggest_grade(specs)
    assert (suggestion.grade, suggestion.points) == (grade, points)
    assert suggestion.rules_version == GRADING_RULES["version"]
    assert any(reason.startswith("Total") for reason in suggestion.reasons)


def test_a_cap_says_why_it_applied():
    with translation.override("en"):
        reasons = suggest_grade(Specs("laptop", 8, 256, "ssd", 6000, "Windows 10")).reasons
    assert reasons[-1] == "Windows 10: at best B"


def test_the_reasons_speak_french_first():
    with translation.override("fr"):
        # RAM 16 (4) + HDD 500 (2) + CPU 2400 (1) = 7, B, capped to C
        reasons = suggest_grade(Specs("laptop", 16, 500, "hdd", 2400, "")).reasons
    assert reasons[0] == "RAM 16 Go : 4 pt"
    assert reasons[-1] == "Disque dur avec un score processeur sous 2500 : au mieux C"


def test_phones_get_no_suggestion():
    assert suggest_grade(Specs("smartphone", 4, 64)).grade is None
