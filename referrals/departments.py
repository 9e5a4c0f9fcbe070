"""A postal code's département.

The impact report counts people per postal code in the database and folds the counts by département
here; anonymising a person keeps only a postal code of the same département (`anonymous_postal_code`),
so the statistic never changes.
"""

# Corsica shares the 20 prefix: 200xx–201xx are Corse-du-Sud (2A), 202xx–206xx Haute-Corse (2B).
CORSICA_SPLIT = "20200"
# Overseas départements and collectivities have three-digit numbers (971 Guadeloupe … 976 Mayotte, 98x).
OVERSEAS_PREFIXES = ("97", "98")


def department_of(postal_code: str) -> str:
    """The département of a French postal code: "93", "2A", "974"."""
    code = (postal_code or "").strip()
    if code.startswith(OVERSEAS_PREFIXES):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code < CORSICA_SPLIT else "2B"
    return code[:2]


def anonymous_postal_code(postal_code: str) -> str:
    """A postal code that names nothing but the same département (93200 → 93000, 20220 → 20200)."""
    department = department_of(postal_code)
    if department == "2A":
        return "20000"
    if department == "2B":
        return CORSICA_SPLIT
    return department.ljust(5, "0")
