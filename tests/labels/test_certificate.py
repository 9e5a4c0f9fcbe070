import datetime as dt
import re
import time

import pypdfium2 as pdfium
import pytest

from labels.certificate import CertificateData, CertificateDevice, CertificateError, render_certificate

OUTCOMES = ("reused", "parts", "recycled", "in_progress")


def device(n: int) -> CertificateDevice:
    wiped = n % 10 != 9
    return CertificateDevice(
        asset_tag=f"SDPC26-{n:04d}",
        kind="laptop" if n % 3 else "smartphone",
        brand="Lenovo",
        model="ThinkPad T480s" if n % 7 else "ThinkPad X1 Carbon Gen 11 Intel Evo vPro Édition Spéciale",
        serial=f"PF{n:06d}",
        imei="" if n % 3 else f"35693803564{n:04d}",
        erasure_method="NIST 800-88 Purge" if wiped else "",
        erasure_tool="Blancco Drive Eraser 7" if wiped else "",
        erased_on=dt.date(2026, 11, 1) + dt.timedelta(days=n % 20) if wiped else None,
        result=("failed" if n % 17 == 0 else "passed") if wiped else "",
        certificate_ref=f"BL-2026-{n:05d}" if wiped else "",
        outcome=OUTCOMES[n % 4],
    )


def certificate(count: int = 120, **overrides) -> CertificateData:
    fields = {
        "charity": "Bagage Solidaire",
        "charity_address": "12 rue de la République\n93200 Saint-Denis",
        "donor": "Entreprise Exemple SAS",
        "batch_reference": "LOT-2026-0017",
        "batch_date": dt.date(2026, 10, 14),
        "issued_at": dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC),
        "devices": tuple(device(n) for n in range(1, count + 1)),
        "statement": "Nous certifions que les données des appareils ci-dessous ont été effacées comme indiqué.",
    }
    return CertificateData(**(fields | overrides))


def pages(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    # Cells wrap: compare words, not line breaks.
    return [" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]


def test_120_devices_fill_several_pages_with_the_header_row_on_each():
    texts = pages(render_certificate(certificate(120)))
    assert len(texts) >= 3
    for text in texts:
        for header in (
            "N° d'inventaire",
            "Marque / modèle",
            "N° de série / IMEI",
            "Méthode",
            "Réf. certificat",
            "Devenir",
        ):
            assert header in text
    tags = re.findall(r"SDPC26-\d{4}", "".join(texts))
    assert sorted(tags) == [f"SDPC26-{n:04d}" for n in range(1, 121)]


def test_the_certificate_names_the_donor_the_batch_and_each_devices_erasure_and_outcome():
    text = "".join(pages(render_certificate(certificate(10))))
    for expected in (
        "Entreprise Exemple SAS",
        "LOT-2026-0017",
        "14/10/2026",
        "Blancco Drive Eraser 7",
        "BL-2026-00001",
        "PF000003",
        "356938035640003",
        "réemployé",
        "pièces",
        "recyclé",
        "en cours",
        "pas encore effacé",
        "10 appareils",
    ):
        assert expected in text, expected


def test_the_english_certificate_speaks_english():
    texts = pages(render_certificate(certificate(60, language="en", statement="")))
    assert all("Asset tag" in text and "Outcome" in text for text in texts)
    assert "reused" in texts[0] and "Devenir" not in "".join(texts)


def test_the_same_batch_renders_to_the_same_bytes():
    assert render_certificate(certificate(30)) == render_certificate(certificate(30))


def test_an_unknown_outcome_is_refused():
    bad = CertificateDevice(asset_tag="SDPC26-0001", kind="laptop", brand="HP", model="", outcome="sold")
    with pytest.raises(CertificateError):
        render_certificate(certificate(devices=(bad,)))


def test_a_certificate_of_120_devices_renders_in_well_under_a_second_of_cpu():
    data = certificate(120)
    started = time.process_time()
    render_certificate(data)
    assert time.process_time() - started < 0.5
