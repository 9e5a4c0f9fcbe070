"""The font subsets a PDF embeds, built and formatted once per process, and what their ToUnicode maps say.

reportlab builds, for every PDF, a subset of each font it uses (a font program of ~20 KB, then deflated),
its widths and its ToUnicode map, and formats them with the font's dictionaries: most of what an A4
document costs to save. A site's documents embed the same subsets again and again (the same printed words,
the same alphabet), so EmbeddedFont keeps them, formatted, and writes reportlab's own objects byte for byte.
"""

from functools import lru_cache

from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

# The subsets a process keeps, formatted: a site's receipts embed the same few, again and again.
SUBSET_CACHE_SIZE = 256

# Glyphs that HarfBuzz reaches only through shaping (a Pashto letter's joined form) have no code point of their own:
# reportlab gives them one in the private-use area. The text they stand for is kept here, by font face and that
# code point, so that each PDF's ToUnicode map says what a reader copying the text (or a search) should get.
PRIVATE_TEXT: dict[tuple[bytes, int], str] = {}
_make_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    face = fontname.split("+", 1)[-1].encode("latin-1")
    if not any((face, code) in PRIVATE_TEXT for code in subset):
        return _make_to_unicode(fontname, subset)
    lines = _make_to_unicode(fontname, subset).split("\n")
    for index, code in enumerate(subset):
        text = PRIVATE_TEXT.get((face, code))
        if text:
            utf16 = text.encode("utf-16-be").hex().upper()
            lines[lines.index(f"<{index:02X}> <{code:04X}>")] = f"<{index:02X}> <{utf16}>"
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def _private_texts(base_name: str, subset: list[int]) -> tuple[tuple[int, str | None], ...]:
    """What the ToUnicode map of this subset says of its private-use code points (see above)."""
    face = base_name.split("+", 1)[-1].encode("latin-1")
    return tuple((code, PRIVATE_TEXT.get((face, code))) for code in subset if 0xE000 <= code < 0xF900)


class _Formatted(pdfdoc.PDFObject):
    """A PDF object already formatted: the same bytes in every document."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


class _FormattedStream(_Formatted):
    __RefOnly__ = 1  # a stream stands at the top level of the file, as reportlab's own


class EmbeddedFont(TTFont):
    """reportlab's TrueType font, each subset of which is built, compressed and formatted once per process.

    The objects written are reportlab's own (`TTFont.addObjects`, `TTFontFace.addSubsetObjects`), byte for
    byte, in the same order; only their formatting is remembered, in documents that are compressed and not
    encrypted (where the formatted bytes depend on nothing but the document's object numbers, filled in).
    """

    def addObjects(self, doc) -> None:  # noqa: N802 (reportlab's name)
        if not doc.compression or type(doc.encrypt) is not pdfdoc.NoEncryption:
            super().addObjects(doc)
            return
        face = self.face
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            font_file, widths, to_unicode = _subset_objects(
                self, tuple(subset), base_name, _private_texts(base_name, subset)
            )

            to_unicode_ref = doc.Reference(_FormattedStream(to_unicode), "toUnicodeCMap:" + base_name)
            font_file_ref = doc.Reference(_FormattedStream(font_file), f"fontFile:{face.filename}({base_name})")
            descriptor_ref = doc.Reference(
                _descriptor(self, base_name).filled(FontFile2=font_file_ref), "fontDescriptor:" + base_name
            )
            pdf_font = _font_dict(self, n, internal_name, base_name, widths, len(subset)).filled(
                ToUnicode=to_unicode_ref, FontDescriptor=descriptor_ref
            )
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]


class _Slot(pdfdoc.PDFObject):
    """Where a template takes a reference from the document it is written in."""

    def __init__(self, name: str) -> None:
        self.name = name

    def format(self, document) -> bytes:
        return b"\x00" + self.name.encode() + b"\x00"


class _Template:
    """A PDF object formatted once, but for the references it holds: their numbers are each document's."""

    def __init__(self, pdf_object: pdfdoc.PDFObject, comment: str | None = None) -> None:
        pieces = pdf_object.format(pdfdoc.DummyDoc()).split(b"\x00")
        self.parts = pieces[0::2]
        self.slots = tuple(name.decode() for name in pieces[1::2])
        self.comment = comment

    def filled(self, **references: pdfdoc.PDFObjectReference) -> "_Filled":
        return _Filled(self, tuple(references[slot] for slot in self.slots))


class _Filled(pdfdoc.PDFObject):
    __RefOnly__ = 1  # a font or a font descriptor stands at the top level of the file

    def __init__(self, template: _Template, references: tuple[pdfdoc.PDFObjectReference, ...]) -> None:
        self.template = template
        self.references = references
        if template.comment is not None:
            self.__Comment__ = template.comment

    def format(self, document) -> bytes:
        parts = self.template.parts
        out = [parts[0]]
        for reference, part in zip(self.references, parts[1:], strict=True):
            out += (reference.format(document), part)
        return b"".join(out)


@lru_cache(maxsize=64)
def _descriptor(font: EmbeddedFont, base_name: str) -> _Template:
    """TTFontFace.addSubsetObjects' font descriptor, the font program's reference left to fill."""
    face = font.face
    return _Template(
        pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(base_name),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": _Slot("FontFile2"),
                "MissingWidth": face.defaultWidth,
            }
        )
    )


@lru_cache(maxsize=SUBSET_CACHE_SIZE)
def _font_dict(font: EmbeddedFont, n: int, internal_name: str, base_name: str, widths: bytes, length: int) -> _Template:
    """TTFont.addObjects' font dictionary, the references to its ToUnicode map and descriptor left to fill."""
    pdf_font = pdfdoc.PDFTrueTypeFont()
    pdf_font.Name = internal_name
    pdf_font.BaseFont = base_name
    pdf_font.FirstChar = 0
    pdf_font.LastChar = length - 1
    pdf_font.Widths = _Formatted(widths)
    pdf_font.ToUnicode = _Slot("ToUnicode")
    pdf_font.FontDescriptor = _Slot("FontDescriptor")
    return _Template(pdf_font, comment=f"Font {font.fontName} subset {n}")


@lru_cache(maxsize=SUBSET_CACHE_SIZE)
def _subset_objects(
    font: EmbeddedFont, subset: tuple[int, ...], base_name: str, private: tuple[tuple[int, str | None], ...]
) -> tuple[bytes, bytes, bytes]:
    """The subset's font program (a compressed stream), its widths (an array) and its ToUnicode map (a compressed
    stream), formatted as reportlab formats them. `private` is in the key: what the ToUnicode map says of the
    glyphs only shaping reaches."""
    document = pdfdoc.DummyDoc()
    face = font.face
    font_file = pdfdoc.PDFStream(content=face.makeSubset(list(subset)), filters=[pdfdoc.PDFZCompress])
    font_file.dictionary["Length1"] = len(font_file.content)
    widths = pdfdoc.PDFArray([face.getCharWidth(code) for code in subset])
    to_unicode = pdfdoc.PDFStream(
        content=ttfonts.makeToUnicodeCMap(base_name, list(subset)), filters=[pdfdoc.PDFZCompress]
    )
    return font_file.format(document), widths.format(document), to_unicode.format(document)
