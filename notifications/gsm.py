"""How many SMS a text costs: GSM 03.38 (7-bit) fits 160 characters in one, anything else is UCS-2 (70)."""

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ!\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Characters of the extension table: two septets each.
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def sms_length(text: str) -> int:
    """The length the network counts: septets for GSM-7, UTF-16 code units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def sms_parts(text: str) -> int:
    """The number of SMS the text is sent as (concatenated parts carry a 7-septet / 3-character header)."""
    length = sms_length(text)
    single, part = (160, 153) if is_gsm7(text) else (70, 67)
    if length <= single:
        return 1
    return -(-length // part)
