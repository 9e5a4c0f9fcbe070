"""What a social worker types in the referral form, all of it valid: tests change one field at a time."""

FORM = {
    "first_name": "Amina",
    "last_name": "Diallo",
    "phone": "06 12 34 56 78",
    "postal_code": "93200",
    "birth_year": "1984",
    "language": "fr",
    "eligibility": ["rsa"],
    "device_kinds": ["smartphone"],
    "connectivity": "sim",
    "reason": "administrative",
    "urgency": "normal",
    "site": "SD",
    "consent": "on",
}
