"""The fonts every PDF embeds, and how a line of any script is drawn with them.

Three Noto families, regular and bold, committed under labels/fonts/ with their licence (OFL): Noto Sans
(Latin with its extensions, Vietnamese included, Greek, Cyrillic), Noto Sans Arabic (Arabic, Persian,
Pashto) and Noto Sans Ethiopic (Tigrinya, Amharic). reportlab embeds a subset of each, only the glyphs a
document uses. A line is cut into runs, each drawn with the first family that has its characters; the runs
are put in visual order (right-to-left runs reversed, as the Unicode bidirectional algorithm does for a
left-to-right paragraph) and Arabic runs are shaped by HarfBuzz (uharfbuzz), so that letters join.

`unprintable(text)` names the characters no family has: the validators refuse them at entry, so that what
a form accepts, the documents print.
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from reportlab.lib.abag import ABag
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeFragWord
from reportlab.pdfgen.canvas import Canvas as _Canvas

from labels.subsets import PRIVATE_TEXT, EmbeddedFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "BagageSans"
FONT_BOLD = "BagageSans-Bold"
# (font name, file) in order of preference: a character goes to the first family that has it.
_FILES = {
    False: (
        (FONT, "NotoSans-Regular.ttf"),
        ("BagageSans-Arabic", "NotoSansArabic-Regular.ttf"),
        ("BagageSans-Ethiopic", "NotoSansEthiopic-Regular.ttf"),
    ),
    True: (
        (FONT_BOLD, "NotoSans-Bold.ttf"),
        ("BagageSans-Arabic-Bold", "NotoSansArabic-Bold.ttf"),
        ("BagageSans-Ethiopic-Bold", "NotoSansEthiopic-Bold.ttf"),
    ),
}
# The fonts whose runs HarfBuzz shapes (joining letters); the others map one character to one glyph.
_SHAPED = {"BagageSans-Arabic", "BagageSans-Arabic-Bold"}
_RTL = {"R", "AL"}
_NUMBER = {"EN", "AN"}
# Unicode's control characters (category Cc) are exactly these: C0, DEL and C1.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _register() -> dict[str, frozenset[int]]:
    coverage = {}
    for fonts in _FILES.values():
        for name, filename in fonts:
            try:
                font = pdfmetrics.getFont(name)
            except KeyError:
                font = EmbeddedFont(name, str(FONT_DIR / filename))
                pdfmetrics.registerFont(font)
            coverage[name] = frozenset(font.face.charToGlyph)
    return coverage


_COVERAGE = _register()
# The fonts in which reportlab codes printable ASCII as itself, in the first subset (its "ASCII readable" mode).
_ASCII_READABLE = frozenset(
    name
    for fonts in _FILES.values()
    for name, _ in fonts
    if pdfmetrics.getFont(name)._asciiReadable and _COVERAGE[name].issuperset(range(32, 127))
)
# The two names documents set; the other fonts are reached through them, run by run.
FAMILY = {FONT: False, FONT_BOLD: True}


def normalise(text: str) -> str:
    """NFC (one code point per accented letter where Unicode has one) without control characters."""
    if not text.isascii():  # ASCII is NFC already
        text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub("", text)


def _covers(font: str, ch: str) -> bool:
    return ord(ch) in _COVERAGE[font]


def unprintable(text: str) -> str:
    """The characters of `text` (once each, in order) that no embedded font can draw."""
    missing: dict[str, None] = {}
    for ch in normalise(text):
        if ch in "\n\t" or unicodedata.category(ch) in ("Zs", "Cf"):
            continue
        if not any(_covers(name, ch) for name, _ in _FILES[False]):
            missing[ch] = None
    return "".join(missing)


def _levels(text: str) -> list[int]:
    """Embedding levels of a left-to-right paragraph: 0 left-to-right, 1 right-to-left, 2 numbers inside it."""
    classes = [unicodedata.bidirectional(ch) for ch in text]
    strong: list[str | None] = []  # the last strong direction before each character ("L", "R" or None)
    last = None
    for cls in classes:
        strong.append(last)
        if cls == "L":
            last = "L"
        elif cls in _RTL:
            last = "R"
    levels = [0] * len(text)
    for i, cls in enumerate(classes):
        if cls in _RTL:
            levels[i] = 1
        elif cls in _NUMBER and strong[i] == "R":
            levels[i] = 2
    # Neutrals between two right-to-left characters (numbers count as such there) are right-to-left.
    following: list[str | None] = [None] * len(text)
    nxt = None
    for i in range(len(text) - 1, -1, -1):
        following[i] = nxt
        cls = classes[i]
        if cls == "L":
            nxt = "L"
        elif cls in _RTL or (cls in _NUMBER and levels[i] == 2):
            nxt = "R"
    for i, cls in enumerate(classes):
        if cls == "NSM" and i:
            levels[i] = levels[i - 1]
        elif cls not in _RTL and cls != "L" and not levels[i]:
            if strong[i] == "R" and following[i] == "R":
                levels[i] = 1
    return levels


def _font_of(ch: str, current: str | None, fonts: tuple[tuple[str, str], ...]) -> str:
    neutral = unicodedata.bidirectional(ch) not in ("L", "R", "AL")
    if current and neutral and _covers(current, ch):
        return current
    for name, _ in fonts:
        if _covers(name, ch):
            return name
    return current or fonts[0][0]


@lru_cache(maxsize=8192)
def runs(text: str, bold: bool = False) -> tuple[tuple[str, str, bool], ...]:
    """(font, logical text, right-to-left) of each run, in the order they are drawn from left to right."""
    text = normalise(text).replace("\n", " ")
    if not text:
        return ()
    fonts = _FILES[bold]
    levels = _levels(text)
    chosen: list[str] = []
    current = None
    for ch in text:
        current = _font_of(ch, current, fonts)
        chosen.append(current)
    order = list(range(len(text)))
    top = max(levels)
    for level in range(top, 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    out: list[tuple[str, list[int], bool]] = []
    for index in order:
        rtl = levels[index] % 2 == 1
        font = chosen[index]
        if out and out[-1][0] == font and out[-1][2] == rtl:
            previous = out[-1][1][-1]
            if index == previous + (-1 if rtl else 1):
                out[-1][1].append(index)
                continue
        out.append((font, [index], rtl))
    return tuple((font, "".join(text[i] for i in sorted(indices)), rtl) for font, indices, rtl in out)


def _remember_private(text: str, shaped: str, font: str) -> None:
    data = shaped.__shapeData__
    clusters = sorted({d.cluster for d in data})
    ends = dict(zip(clusters, [*clusters[1:], len(text)], strict=True))
    per_cluster: dict[int, int] = {}
    for d in data:
        per_cluster[d.cluster] = per_cluster.get(d.cluster, 0) + 1
    face = pdfmetrics.getFont(font).face.name
    for ch, d in zip(shaped, data, strict=True):
        if 0xE000 <= ord(ch) < 0xF900 and per_cluster[d.cluster] == 1:
            PRIVATE_TEXT.setdefault((face, ord(ch)), text[d.cluster : ends[d.cluster]])


@lru_cache(maxsize=8192)
def _shaped(text: str, font: str, size: float, rtl: bool) -> tuple[str, float]:
    """What to draw for one run, and its width in points."""
    if font in _SHAPED and rtl:
        # Kerning and the ligatures every reader expects; no discretionary ligature (Noto Sans Arabic's would
        # add vowel marks to a name).
        word = [pdfmetrics.stringWidth(text, font, size), (ABag(fontName=font, fontSize=size), text)]
        shaped = shapeFragWord(word, features={"kern": True, "liga": True}, force=True)[1][1]
        data = getattr(shaped, "__shapeData__", None)
        if data is not None:
            _remember_private(text, shaped, font)
            return shaped, sum(d.x_advance for d in data) * size / 1000
        return shaped, pdfmetrics.stringWidth(text, font, size)
    drawn = text[::-1] if rtl else text
    return drawn, pdfmetrics.stringWidth(drawn, font, size)


@lru_cache(maxsize=16384)
def string_width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` drawn in the family at `size` points (or dots: any unit of the size)."""
    return sum(_shaped(run, font, size, rtl)[1] for font, run, rtl in runs(text, bold))


@lru_cache(maxsize=8192)
def _pieces(text: str, size: float, bold: bool) -> tuple[float, tuple[tuple[str, float, str], ...]]:
    """The width of `text` and, run by run from left to right, what to draw, its width and its font."""
    pieces = tuple(_shaped(run, font, size, rtl) + (font,) for font, run, rtl in runs(text, bold))
    return sum(width for _, width, _ in pieces), pieces


def font_name(bold: bool = False) -> str:
    return FONT_BOLD if bold else FONT


class Canvas(_Canvas):
    """A reportlab canvas whose strings in FONT or FONT_BOLD are drawn run by run, in any script we cover.

    It starts in FONT, so that no PDF names a font it does not embed (reportlab's default is Helvetica).
    """

    def __init__(self, *args, **kwargs) -> None:
        if not kwargs.get("initialFontName"):  # platypus passes None
            kwargs["initialFontName"] = FONT
        super().__init__(*args, **kwargs)
        self._operators: dict[tuple[str, float, str], str] = {}

    def stringWidth(self, text, fontName=None, fontSize=None):  # noqa: N802 (reportlab's name)
        name = fontName or self._fontname
        size = fontSize or self._fontsize
        if name in FAMILY:
            return string_width(text, size, FAMILY[name])
        return super().stringWidth(text, name, size)

    def drawString(self, x, y, text, *args, **kwargs):  # noqa: N802
        self._draw_runs(x, y, text, 0.0, args, kwargs, super().drawString)

    def drawRightString(self, x, y, text, *args, **kwargs):  # noqa: N802
        self._draw_runs(x, y, text, 1.0, args, kwargs, super().drawRightString)

    def drawCentredString(self, x, y, text, *args, **kwargs):  # noqa: N802
        self._draw_runs(x, y, text, 0.5, args, kwargs, super().drawCentredString)

    def _draw_runs(self, x, y, text, align, args, kwargs, fallback) -> None:
        name, size = self._fontname, self._fontsize
        if name not in FAMILY or args or kwargs:
            fallback(x, y, text, *args, **kwargs)
            return
        total, pieces = _pieces(text, size, FAMILY[name])
        x -= align * total
        for drawn, width, font in pieces:
            if isinstance(drawn, ShapedStr) or not self.bottomup:
                textobject = self.beginText(x, y)
                textobject.setFont(font, size)
                textobject.textOut(drawn)
                self.drawText(textobject)
            else:
                self._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {self._text_operators(font, size, drawn)} ET")
            x += width

    def _text_operators(self, font: str, size: float, text: str) -> str:
        """What reportlab's text object writes for `text` in `font` (not shaped), without building one.

        The same run is drawn again on the other copy, and again on every page: within a document its
        characters have their codes already (reportlab gives them out as they first come), so it is
        written the same.
        """
        key = (font, size, text)
        operators = self._operators.get(key)
        if operators is None:
            ttf = pdfmetrics.getFont(font)
            doc = self._doc
            if font in _ASCII_READABLE and text.isascii() and text.isprintable():
                # reportlab gives printable ASCII its own codes in the first subset: no need to ask it.
                if doc not in ttf.state:
                    ttf.splitString("", doc)
                chunks = [(0, text.encode("ascii"))]
            else:
                chunks = ttf.splitString(text, doc)
            parts = []
            current = -1
            for subset, chunk in chunks:
                if subset != current:
                    parts.append(f"{ttf.getSubsetInternalName(subset, doc)} {fp_str(size)} Tf {fp_str(size * 1.2)} TL")
                    current = subset
                parts.append(f"({self._escape(chunk)}) Tj")
            operators = self._operators[key] = " ".join(parts)
        return operators
