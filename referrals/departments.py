"""A postal code that names only its département (the département itself: common.validators.department_of).

The impact report counts people per postal code in the database and folds the counts by département;
anonymising a person keeps only a postal code of the same département (`anonymous_postal_code`),
so the statistic never changes.
"""

from common.validators import CORSICA_SPLIT, department_of


def anonymous_postal_code(postal_code: str) -> str:
    """A postal code that names nothing but the same département (93200 → 93000, 20220 → 20200)."""
    department = department_of(postal_code)
    if department == "2A":
        return "20000"
    if department == "2B":
        return CORSICA_SPLIT
    return department.ljust(5, "0")
