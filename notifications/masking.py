"""Addresses as lists show them: enough to recognise, not to copy."""


def mask_email(address: str) -> str:
    """ "marie.dupont@ccas.fr" → "m•••t@ccas.fr"."""
    local, _at, domain = address.partition("@")
    if not domain:
        return "•••"
    shown = local[0] + "•••" + (local[-1] if len(local) > 2 else "")
    return f"{shown}@{domain}"


def mask_phone(number: str) -> str:
    """ "+33612345678" → "+33 6•• ••• •78": the country, the first digit and the last two."""
    digits = number.lstrip("+")
    if len(digits) < 6:
        return "•••"
    country = "33" if digits.startswith("33") else digits[:2]
    rest = digits[len(country) :]
    return f"+{country} {rest[0]}{'•' * (len(rest) - 3)}{rest[-2:]}"


def mask(channel: str, address: str) -> str:
    return mask_email(address) if channel == "email" else mask_phone(address)
