"""The suggested grade: every band and every threshold edge, written out, never computed.

Each test here was checked against a hand-made mutant of the code (issue 8): it fails on the
mutant and passes on the code as it is.
"""

import pytest

from inventory.grading import Specs, suggest_grade

pytestmark = pytest.mark.django_db


# --- grading: every band and threshold edge, written out ---------------------------------------


@pytest.mark.parametrize(
    ("specs", "points", "grade"),
    [
        # No cap applies to these (SSD, CPU >= 2500, not Windows 10): the band alone decides.
        # RAM 4 (1) + SSD 64 (1) + CPU 2000 (1) = 3
        (Specs("laptop", 4, 64, "ssd", 2000, "Linux Mint"), 3, "D"),
        # RAM 5 (2) + SSD 64 (1) + CPU 2000 (1) = 4
        (Specs("laptop", 5, 64, "ssd", 2000, "Linux Mint"), 4, "C"),
        # RAM 5 (2) + SSD 128 (2) + CPU 2500 (1) = 5
        (Specs("laptop", 5, 128, "ssd", 2500, "Linux Mint"), 5, "C"),
        # RAM 8 (3) + SSD 128 (2) + CPU 2500 (1) = 6
        (Specs("laptop", 8, 128, "ssd", 2500, "Linux Mint"), 6, "B"),
        # RAM 8 (3) + SSD 128 (2) + CPU 3500 (2) = 7
        (Specs("laptop", 8, 128, "ssd", 3500, "Linux Mint"), 7, "B"),
        # RAM 8 (3) + SSD 128 (2) + CPU 5000 (3) = 8
        (Specs("laptop", 8, 128, "ssd", 5000, "Linux Mint"), 8, "A"),
        # RAM 8 (3) + SSD 256 (3) + CPU 7000 (4) = 10
        (Specs("laptop", 8, 256, "ssd", 7000, "Windows 11"), 10, "A"),
        # RAM 16 (4) + SSD 256 (3) + CPU 7000 (4) = 11
        (Specs("laptop", 16, 256, "ssd", 7000, "Windows 11"), 11, "PREMIUM"),
    ],
)
def test_each_grade_band_starts_exactly_at_its_floor(specs, points, grade):
    suggestion = suggest_grade(specs)
    assert (suggestion.points, suggestion.grade) == (points, grade)


@pytest.mark.parametrize(
    ("ram_gb", "points"),
    [(3, 0), (4, 1), (5, 2), (7, 2), (8, 3), (15, 3), (16, 4), (64, 4)],
)
def test_ram_thresholds(ram_gb, points):
    # Unknown storage and CPU count nothing: the total is the RAM's points alone.
    assert suggest_grade(Specs("desktop", ram_gb=ram_gb)).points == points


@pytest.mark.parametrize(
    ("storage_type", "storage_gb", "points"),
    [
        ("hdd", 159, 0),
        ("hdd", 160, 1),
        ("hdd", 256, 1),
        ("hdd", 257, 2),
        ("hdd", 2000, 2),
        ("ssd", 63, 0),
        ("ssd", 64, 1),
        ("ssd", 127, 1),
        ("ssd", 128, 2),
        ("ssd", 199, 2),
        ("ssd", 200, 3),
        ("ssd", 499, 3),
        ("ssd", 500, 4),
        ("emmc", 64, 1),
        ("nvme", 128, 3),  # 2 for the size, 1 for NVMe
    ],
)
def test_storage_thresholds(storage_type, storage_gb, points):
    assert suggest_grade(Specs("laptop", storage_gb=storage_gb, storage_type=storage_type)).points == points


@pytest.mark.parametrize(
    ("cpu_mark", "points"),
    [(1999, 0), (2000, 1), (3499, 1), (3500, 2), (4999, 2), (5000, 3), (6999, 3), (7000, 4)],
)
def test_cpu_thresholds(cpu_mark, points):
    assert suggest_grade(Specs("laptop", cpu_mark=cpu_mark)).points == points
