"""Receipt benchmark: 200 handover receipts (two copies each, a 400 × 150 signature), one at a time.

Prints figures; it is not a test. Needs no database:

    .venv/bin/python bench/receipts.py [--renders 200]

Target (issue 8): a receipt well under 20 ms, and at most 60 KB with its signature.
Wall time counts whatever else the machine runs; CPU time is the renderer's own.
"""

import argparse
import datetime as dt
import io
import math
import statistics
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _setup import parse_args  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from labels.certificate import CertificateData, CertificateDevice, render_certificate  # noqa: E402
from labels.notice import NoticeData, render_notice  # noqa: E402
from labels.receipt import ReceiptConnectivity, ReceiptData, ReceiptDevice, render_receipt  # noqa: E402


def signature_png(width: int = 400, height: int = 150) -> bytes:
    """A pen stroke on a transparent background, as a signature pad sends it."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + t * (width - 40) / 200, height / 2 + math.sin(t / 9) * height / 3) for t in range(201)]
    draw.line(points, fill=(10, 20, 90, 255), width=3, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def receipt(n: int, signature: bytes | None) -> ReceiptData:
    return ReceiptData(
        number=f"R-2026-{n:06d}",
        issued_at=dt.datetime(2026, 11, 26, 14, 30, tzinfo=dt.UTC),
        charity="Bagage Solidaire",
        site_name="SD Saint-Denis",
        site_address="12 rue de la République\n93200 Saint-Denis",
        mediator="Camille Martin",
        beneficiary="Amina Traoré",
        device=ReceiptDevice(
            kind="smartphone",
            brand="Samsung",
            model="Galaxy A52",
            asset_tag=f"SDTE26-{n:04d}",
            imei="356938035643809",
            grade="A",
            erased_on=dt.date(2026, 11, 20),
            erasure_method="NIST 800-88 Purge",
        ),
        connectivity=ReceiptConnectivity(
            operator="SFR",
            offer="La Carte 10 Go",
            iccid="8933150319000000042",
            valid_until=dt.date(2027, 6, 30),
            voucher_code="7391-4420-1187",
        ),
        accessories=("Chargeur", "Coque"),
        contribution_eur=Decimal("10.00"),
        payment="cash",
        warranty_months=6,
        warranty_until=dt.date(2027, 5, 26),
        warranty_terms="En cas de panne sous garantie, rapportez l'appareil au site : il est réparé ou échangé.",
        notice_version="2026-09",
        notice_where="https://bagage.example.org/notice",
        signature_png=signature,
        signed_on_paper=signature is None,
    )


def measure(label: str, datas: list, render) -> None:
    render(datas[0])  # warm imports and font metrics
    walls, sizes = [], []
    cpu_started = time.process_time()
    for data in datas:
        started = time.perf_counter()
        content = render(data)
        walls.append(time.perf_counter() - started)
        sizes.append(len(content))
    cpu = (time.process_time() - cpu_started) / len(datas)
    walls.sort()
    print(
        f"{label:<42} wall median {statistics.median(walls) * 1000:6.2f} ms, "
        f"p95 {walls[int(len(walls) * 0.95) - 1] * 1000:6.2f} ms, CPU {cpu * 1000:6.2f} ms; "
        f"{statistics.mean(sizes):8,.0f} bytes"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=200)
    args = parse_args(parser, renders=10)
    n = args.renders
    signature = signature_png()
    print(f"Bagage receipt benchmark — {n} renders each; signature PNG {len(signature):,} bytes (400 × 150)")
    signed = [receipt(i, signature) for i in range(1, n + 1)]
    measure("receipt, two copies, drawn signature", signed, render_receipt)
    measure("receipt, two copies, signed on paper", [receipt(i, None) for i in range(1, n + 1)], render_receipt)
    measure("top-up receipt (no device), signature", [replace(r, device=None) for r in signed], render_receipt)
    measure("duplicate, two copies, signature", signed, lambda data: render_receipt(data, duplicate=True))

    notice = NoticeData(
        title="Vos données chez Bagage Solidaire",
        version="Version 3 – septembre 2026",
        charity="Bagage Solidaire",
        contact="dpo@bagage.example.org",
        sections=tuple((f"Section {i}", "Un paragraphe en langage clair, de quelques lignes. " * 4) for i in range(5)),
        footer="bagage.example.org/notice",
    )
    measure("information notice", [notice] * n, render_notice)
    devices = tuple(
        CertificateDevice(
            asset_tag=f"SDPC26-{i:04d}",
            kind="laptop",
            brand="Lenovo",
            model="ThinkPad T480s",
            serial=f"PF{i:06d}",
            erasure_method="NIST 800-88 Purge",
            erasure_tool="Blancco Drive Eraser 7",
            erased_on=dt.date(2026, 11, 20),
            result="passed",
            certificate_ref=f"BL-2026-{i:05d}",
            outcome="reused",
        )
        for i in range(1, 121)
    )
    certificate = CertificateData(
        charity="Bagage Solidaire",
        charity_address="12 rue de la République\n93200 Saint-Denis",
        donor="Entreprise Exemple SAS",
        batch_reference="LOT-2026-0017",
        batch_date=dt.date(2026, 10, 14),
        issued_at=dt.datetime(2026, 11, 26, 15, tzinfo=dt.UTC),
        devices=devices,
    )
    measure("donor certificate, 120 devices", [certificate] * max(1, n // 10), render_certificate)


if __name__ == "__main__":
    main()
