"""Latin letters for a printer whose font has no others: ZPL's resident font prints Windows-1252 only.

Used by the ZPL renderer alone (the PDFs embed fonts for every script we accept): Łódź prints Lódz,
Олена Olena, محمد mhmd, ተስፋይ tesfay — readable, never a '?'. Accented letters the font has (é, ó, ü)
are kept, as a French name needs them.
"""

import unicodedata
from functools import lru_cache

_LATIN = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŋ": "Ng", "ŋ": "ng",
    "Ŧ": "T", "ŧ": "t", "ĸ": "k", "Ə": "E", "ə": "e", "Ɛ": "E", "ɛ": "e", "Ɔ": "O", "ɔ": "o",
    "ſ": "s", "Ŀ": "L", "ŀ": "l", "Ĳ": "IJ", "ĳ": "ij", "ʼ": "'", "ʻ": "'",
}  # fmt: skip
_CYRILLIC = dict(
    zip(
        "абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюяўђјљњћџѓќѕ",
        "a b v h g d e ye yo zh z y i yi y k l m n o p r s t u f kh ts ch sh shch ' y ' e yu ya u dj j lj nj "
        "c dz g k dz".split(" "),
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a v g d e z i th i k l m n x o p r s s t y f ch ps o".split(" "),
        strict=True,
    )
)
# Arabic, Persian and Pashto letters (vowels are not written; names read as consonants).
_ARABIC = dict(
    zip(
        "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيپچژگکیټډړږښګڼۍې",
        "' a a ' i ' a b h t th j h kh d dh r z s sh s d t z ' gh f q k l m n h w a y p ch zh g k y t d r zh "
        "x g n y e".split(" "),
        strict=True,
    )
)
# Ethiopic: rows of eight, one consonant with its vowel orders (U+1200 ha, hu, hi, ha, he, h, ho, hwa…).
_ETHIOPIC_CONSONANTS = (
    "h l h m s r s sh q qw q qw b v t ch h hw n ny ' k kw kh khw w ' z zh y d dd j g gw ng t ch p ts ts f p"
).split(" ")
_ETHIOPIC_VOWELS = ("e", "u", "i", "a", "e", "", "o", "wa")


def _ethiopic(ch: str) -> str | None:
    index = ord(ch) - 0x1200
    if 0 <= index < len(_ETHIOPIC_CONSONANTS) * 8:
        consonant = _ETHIOPIC_CONSONANTS[index // 8].replace("'", "")
        return consonant + _ETHIOPIC_VOWELS[index % 8]
    return None


def _printable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _one(ch: str) -> str:
    if _printable(ch):
        return ch
    # An accent the font lacks (ą, ş, ễ): the letter with the accents it has (ễ → ê, ą → a).
    decomposed = unicodedata.normalize("NFD", ch)
    for cut in range(len(decomposed) - 1, 0, -1):
        candidate = unicodedata.normalize("NFC", decomposed[:cut])
        if _printable(candidate):
            return candidate
    base = decomposed[0]
    lower = base.lower()
    for table in (_LATIN, _CYRILLIC, _GREEK, _ARABIC):
        if base in table:
            return table[base]
        if lower in table:
            return table[lower].capitalize()
    ethiopic = _ethiopic(base)
    if ethiopic is not None:
        return ethiopic
    if unicodedata.category(base) == "Nd":
        return str(unicodedata.digit(base, ""))
    return ""


@lru_cache(maxsize=4096)
def to_windows_1252(text: str) -> str:
    """`text` with every character the printer's font lacks replaced by Latin letters (or dropped)."""
    out = []
    previous = ""
    for ch in unicodedata.normalize("NFC", text):
        latin = _one(ch)
        # Arabic and Ethiopic have no capitals: a word's first letter takes one, as a Latin name would.
        if latin != ch and not previous.isalpha() and (ch in _ARABIC or _ethiopic(ch) is not None):
            latin = latin.capitalize()
        out.append(latin)
        previous = ch
    return "".join(out)
