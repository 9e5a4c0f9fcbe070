"""Names in every script the referral form's languages use, and how to read them back from a PDF."""

import ctypes
import os
import shutil
import subprocess

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

NAMES = {
    "latin": ("Łucja Şükrü", "Nguyễn-Dąbrowska"),
    "cyrillic": ("Олена", "Коваленко"),
    "arabic": ("محمد", "الأحمد"),
    "persian": ("زهرا", "احمدی"),
    "pashto": ("ملالۍ", "یوسفزۍ"),
    "greek": ("Γιώργος", "Παπαδόπουλος"),
    "ethiopic": ("ተስፋይ", "ገብረመድህን"),
}


def page_lines(content: bytes, page_index: int = 0) -> list[str]:
    """pypdfium2's text of a page, line by line."""
    return pdfium.PdfDocument(content)[page_index].get_textpage().get_text_range().split("\r\n")


def visual_lines(content: bytes, page_index: int = 0) -> list[str]:
    """Each line's characters from left to right as drawn (by their origins), spaces left out.

    pdfium reorders a right-to-left line when it extracts text; this reads where each glyph stands on the
    page instead, to compare with what the Unicode bidirectional algorithm says a reader must see.
    """
    text_page = pdfium.PdfDocument(content)[page_index].get_textpage()
    rows: dict[int, list[tuple[float, str]]] = {}
    x, y = ctypes.c_double(), ctypes.c_double()
    for index in range(text_page.count_chars()):
        char = text_page.get_text_range(index, 1)
        if not char.strip():
            continue
        pdfium_c.FPDFText_GetCharOrigin(text_page.raw, index, ctypes.byref(x), ctypes.byref(y))
        rows.setdefault(round(y.value * 2), []).append((x.value, char))
    return ["".join(char for _, char in sorted(row)) for _, row in sorted(rows.items(), reverse=True)]


def pdffonts(content: bytes, tmp_path) -> list[dict]:
    """poppler's pdffonts, one dict per font the PDF names (type, emb, sub, uni)."""
    if not shutil.which("pdffonts"):
        if os.environ.get("CI"):
            raise AssertionError("pdffonts (poppler-utils) is missing: .ci/run installs it")
        pytest.skip("pdffonts (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = []
    for line in out[2:]:
        parts = line.split()
        # name type [type…] encoding emb sub uni object-id generation
        fonts.append({"name": parts[0], "type": parts[1], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts
