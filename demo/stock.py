"""Demo stock: donors, batches, ~300 devices in every status, offers and SIM/voucher stock.

Everything goes through the services, so the demo devices have a real history. Deterministic
(a seeded random), and loaded once: a second run finds the demo batches and stops.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from accounts.models import User
from inventory import services
from inventory.enums import DeviceStatus
from inventory.grading import Specs, suggest_grade
from inventory.models import Batch
from sites.models import Site

S = DeviceStatus
DEMO_REFERENCE = "DEMO-"

DONORS = [
    ("Société Générale Solidarités", "company"),
    ("Mairie de Saint-Denis", "public_body"),
    ("Emmaüs Connect (dons croisés)", "association"),
    ("Cabinet Durand & Associés", "company"),
    ("Particuliers — collecte de quartier", "individual"),
]
PHONES = [
    ("Samsung", "Galaxy A52"),
    ("Samsung", "Galaxy S10"),
    ("Apple", "iPhone 11"),
    ("Apple", "iPhone SE 2020"),
    ("Xiaomi", "Redmi Note 10"),
    ("Google", "Pixel 4a"),
    ("Motorola", "Moto G8"),
]
LAPTOPS = [
    ("Lenovo", "ThinkPad T480"),
    ("Dell", "Latitude 5490"),
    ("HP", "EliteBook 840 G5"),
    ("Lenovo", "ThinkPad X270"),
    ("Dell", "Latitude E7450"),
    ("HP", "ProBook 450 G3"),
]
DESKTOPS = [("Dell", "OptiPlex 7050"), ("HP", "EliteDesk 800 G3"), ("Lenovo", "ThinkCentre M710q")]
TABLETS = [("Samsung", "Galaxy Tab A7"), ("Apple", "iPad 7"), ("Lenovo", "Tab M10")]
FEATURE_PHONES = [("Nokia", "105"), ("Doro", "6040")]

# How many devices end in each status: most are ready, every status has some.
TARGETS = [
    (S.RECEIVED, 30),
    (S.DIAGNOSED, 25),
    (S.WIPED, 20),
    (S.REFURBISHED, 25),
    # Reserved, handed over and returned devices come from distribution, through real allocations.
    (S.READY, 170),
    (S.PARTS, 15),
    (S.RECYCLED, 10),
]
# The path from received to each status: statuses to move to, "erase" and "grade" steps.
PATHS = {
    S.RECEIVED: [],
    S.DIAGNOSED: ["diagnosed"],
    S.WIPED: ["diagnosed", "erase", "wiped"],
    S.REFURBISHED: ["diagnosed", "erase", "wiped", "refurbished"],
}
PATHS[S.READY] = PATHS[S.REFURBISHED] + ["grade", "ready"]
PATHS[S.PARTS] = ["diagnosed", "parts"]
PATHS[S.RECYCLED] = ["recycled"]

OFFERS = [
    # operator, name, kind, data GB, validity days, unlimited calls, price
    ("Orange", "Mobicarte 20 Go", "sim", "20", 30, True, "9.99"),
    ("SFR", "La Carte 10 Go", "sim", "10", 30, True, "5.00"),
    ("SFR", "Recharge 15 €", "topup", "30", 30, True, "15.00"),
    ("Bouygues Telecom", "Recharge 10 €", "topup", "15", 30, False, "10.00"),
    ("Bouygues Telecom", "Clé 4G prépayée", "hotspot", "50", 60, False, "29.90"),
]


def demo_imei(rng: random.Random) -> str:
    body = "35" + "".join(str(rng.randrange(10)) for _ in range(12))
    return body + luhn.calc_check_digit(body)


def demo_iccid(rng: random.Random) -> str:
    body = "893310" + "".join(str(rng.randrange(10)) for _ in range(12))
    return body + luhn.calc_check_digit(body)


def device_fields(rng: random.Random, n: int) -> dict:
    roll = rng.random()
    if roll < 0.45:
        brand, model = rng.choice(PHONES)
        return dict(
            kind="smartphone",
            brand=brand,
            model=model,
            imei=demo_imei(rng),
            ram_gb=rng.choice([3, 4, 6]),
            storage_gb=rng.choice([32, 64, 128]),
            storage_type="emmc",
            battery_health_pct=rng.randrange(72, 100),
            os="Android 13" if brand != "Apple" else "iOS 17",
        )
    if roll < 0.48:
        brand, model = rng.choice(FEATURE_PHONES)
        return dict(kind="feature_phone", brand=brand, model=model, imei=demo_imei(rng))
    if roll < 0.58:
        brand, model = rng.choice(TABLETS)
        return dict(
            kind="tablet",
            brand=brand,
            model=model,
            serial_number=f"TB{n:06d}{rng.randrange(100):02d}",
            ram_gb=rng.choice([2, 3, 4]),
            storage_gb=rng.choice([32, 64]),
            storage_type="emmc",
        )
    laptop = roll < 0.90
    brand, model = rng.choice(LAPTOPS if laptop else DESKTOPS)
    storage_type = rng.choice(["ssd", "ssd", "nvme", "hdd"])
    return dict(
        kind="laptop" if laptop else "desktop",
        brand=brand,
        model=model,
        serial_number=f"{brand[:2].upper()}{n:06d}{rng.randrange(1000):03d}",
        ram_gb=rng.choice([4, 8, 8, 16]),
        storage_gb=rng.choice([128, 256, 512]) if storage_type != "hdd" else 500,
        storage_type=storage_type,
        cpu=rng.choice(["Intel Core i5-8250U", "Intel Core i5-7300U", "Intel Core i7-8650U", "Intel Core i3-6100U"]),
        cpu_mark=rng.choice([2300, 3400, 5900, 6500, 8100]),
        os=rng.choice(["Windows 11", "Windows 10", "Linux Mint 22", "Emmabuntüs"]),
        battery_health_pct=rng.randrange(55, 100) if laptop else None,
    )


def _grade(rng: random.Random, device) -> str:
    suggestion = suggest_grade(Specs.of(device))
    return suggestion.grade or rng.choice(["PREMIUM", "A", "A", "B", "B", "C"])


def load_stock(sites: dict[str, Site], users: list[User]) -> dict[str, int]:
    if Batch.objects.filter(donor_reference__startswith=DEMO_REFERENCE).exists():
        return {"devices": 0, "line_items": 0}
    warehouse = next(u for u in users if u.role == "warehouse")
    rng = random.Random(2026)
    today = timezone.localdate()
    with transaction.atomic():
        donors = [services.donor_create(user=warehouse, name=name, kind=kind) for name, kind in DONORS]
        statuses = [status for status, count in TARGETS for _ in range(count)]
        rng.shuffle(statuses)
        batches = []
        for i, site_code in enumerate(["SD", "SD", "SD", "LI", "PA", "AN", "LY", "GR", "MA", "SD"]):
            batches.append(
                services.batch_create(
                    user=warehouse,
                    donor=donors[i % len(donors)],
                    site=sites[site_code],
                    received_on=today - dt.timedelta(days=90 - i * 8),
                    donor_reference=f"{DEMO_REFERENCE}{i + 1:03d}",
                    expected_count=len(statuses) // 10,
                )
            )
        for n, status in enumerate(statuses):
            batch = batches[n % len(batches)]
            device = services.device_register(
                user=warehouse,
                site=batch.site,
                batch=batch,
                location=f"{chr(65 + n % 6)}-{n % 20 + 1:02d}",
                **device_fields(rng, n),
            )
            for step in PATHS[status]:
                if step == "erase":
                    method = "nist_purge" if device.kind in ("laptop", "desktop") else "factory_reset"
                    services.erasure_record(
                        user=warehouse,
                        device=device,
                        method=method,
                        tool="Blancco Drive Eraser" if method == "nist_purge" else "Réinitialisation usine",
                        result="passed",
                        finished_at=timezone.now(),
                        certificate_ref=f"CERT-{n:05d}",
                    )
                elif step == "grade":
                    device = services.device_update(
                        user=warehouse, device=device, changes={"grade": _grade(rng, device)}
                    )
                else:
                    device = services.device_transition(user=warehouse, device=device, to=step, note="demo")
        offers = [
            services.offer_create(
                user=warehouse,
                operator=op,
                name=name,
                kind=kind,
                data_gb=Decimal(data),
                validity_days=days,
                unlimited_calls=calls,
                price=Decimal(price),
            )
            for op, name, kind, data, days, calls, price in OFFERS
        ]
        item_count = 0
        for offer in offers:
            for site_code in ("SD", "LI", "PA", "LY", "MA"):
                items = []
                for k in range(8 if offer.kind != "hotspot" else 2):
                    # One in four expires within 30 days: the ones to hand over first.
                    days = rng.randrange(5, 30) if k % 4 == 0 else rng.randrange(90, 400)
                    entry = {"expires_on": today + dt.timedelta(days=days)}
                    if offer.kind == "topup":
                        entry["voucher_code"] = "".join(str(rng.randrange(10)) for _ in range(14))
                    else:
                        entry["iccid"] = demo_iccid(rng)
                    items.append(entry)
                item_count += len(
                    services.line_items_add(user=warehouse, offer=offer, site=sites[site_code], items=items)
                )
    return {"devices": len(statuses), "line_items": item_count}
