"""Rules of the stock that a refactor could break without any other test noticing.

Each test here was checked against a hand-made mutant of the code (issue 8): it fails on the
mutant and passes on the code as it is. Expected values are written out, never computed with
the code under test.
"""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import timezone

from inventory.enums import DeviceStatus
from inventory.grading import Specs, suggest_grade
from inventory.models import Device, DeviceEvent, Erasure, LineItem
from tests.factories import DeviceFactory, LineItemFactory, OfferFactory, SiteFactory, UserFactory, valid_imei
from tests.labels.reader import scan_pdf

pytestmark = pytest.mark.django_db


# --- the `ready` guard: a phone needs an IMEI that passes Luhn -----------------------------------


def refurbished_phone(user, **fields) -> Device:
    """A refurbished phone that meets every other guard of `ready`: a grade and a passed erasure."""
    device = DeviceFactory(status=DeviceStatus.REFURBISHED, grade="B", created_by=user, **fields)
    DeviceEvent.objects.create(
        device=device,
        by=user,
        kind="registered",
        to_status="received",
        site=device.site,
        at=timezone.now() - dt.timedelta(days=2),
    )
    Erasure.objects.create(
        device=device,
        method="nist_purge",
        tool="Blancco",
        operator=user,
        result="passed",
        finished_at=timezone.now() - dt.timedelta(hours=1),
    )
    return device


def make_ready(api, device):
    return api.post(f"devices/{device.asset_tag}/transitions", {"to": "ready"})


def test_a_phone_with_a_valid_imei_becomes_ready(warehouse_api, warehouse_user):
    device = refurbished_phone(warehouse_user, imei="356938035643809")  # a textbook valid IMEI
    response = make_ready(warehouse_api, device)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ready"


def test_a_phone_whose_imei_fails_luhn_never_becomes_ready(warehouse_api, warehouse_user):
    device = refurbished_phone(warehouse_user)
    # 15 digits, last one wrong; written past the API's cleaning, as an old import or a bug might.
    Device.objects.filter(pk=device.pk).update(imei="356938035643808")
    response = make_ready(warehouse_api, device)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["missing"] == ["a phone needs a valid IMEI"]
    device.refresh_from_db()
    assert device.status == DeviceStatus.REFURBISHED


def test_a_phone_with_only_a_serial_number_never_becomes_ready(warehouse_api, warehouse_user):
    device = refurbished_phone(warehouse_user)
    Device.objects.filter(pk=device.pk).update(imei=None, serial_number="R58N12ABCDE")
    response = make_ready(warehouse_api, device)
    assert response.status_code == 409
    assert response.json()["missing"] == ["a phone needs a valid IMEI"]
    device.refresh_from_db()
    assert device.status == DeviceStatus.REFURBISHED


def test_a_phone_whose_imei_is_a_serial_number_never_becomes_ready(warehouse_api, warehouse_user):
    device = refurbished_phone(warehouse_user)
    Device.objects.filter(pk=device.pk).update(imei="R58N12ABCDE1234", serial_number="R58N12ABCDE1234")
    response = make_ready(warehouse_api, device)
    assert response.status_code == 409
    assert response.json()["missing"] == ["a phone needs a valid IMEI"]


# --- grading: every band and threshold edge, written out ---------------------------------------


@pytest.mark.parametrize(
    ("specs", "points", "grade"),
    [
        # No cap applies to these (SSD, CPU >= 2500, not Windows 10): the band alone decides.
        # RAM 4 (1) + SSD 64 (1) + CPU 2000 (1) = 3
        (Specs("laptop", 4, 64, "ssd", 2000, "Linux Mint"), 3, "D"),
        # RAM 5 (2) + SSD 64 (1) + CPU 2000 (1) = 4
        (Specs("laptop", 5, 64, "ssd", 2000, "Linux Mint"), 4, "C"),
        # RAM 5 (2) + SSD 128 (2) + CPU 2500 (1) = 5
        (Specs("laptop", 5, 128, "ssd", 2500, "Linux Mint"), 5, "C"),
        # RAM 8 (3) + SSD 128 (2) + CPU 2500 (1) = 6
        (Specs("laptop", 8, 128, "ssd", 2500, "Linux Mint"), 6, "B"),
        # RAM 8 (3) + SSD 128 (2) + CPU 3500 (2) = 7
        (Specs("laptop", 8, 128, "ssd", 3500, "Linux Mint"), 7, "B"),
        # RAM 8 (3) + SSD 128 (2) + CPU 5000 (3) = 8
        (Specs("laptop", 8, 128, "ssd", 5000, "Linux Mint"), 8, "A"),
        # RAM 8 (3) + SSD 256 (3) + CPU 7000 (4) = 10
        (Specs("laptop", 8, 256, "ssd", 7000, "Windows 11"), 10, "A"),
        # RAM 16 (4) + SSD 256 (3) + CPU 7000 (4) = 11
        (Specs("laptop", 16, 256, "ssd", 7000, "Windows 11"), 11, "PREMIUM"),
    ],
)
def test_each_grade_band_starts_exactly_at_its_floor(specs, points, grade):
    suggestion = suggest_grade(specs)
    assert (suggestion.points, suggestion.grade) == (points, grade)


@pytest.mark.parametrize(
    ("ram_gb", "points"),
    [(3, 0), (4, 1), (5, 2), (7, 2), (8, 3), (15, 3), (16, 4), (64, 4)],
)
def test_ram_thresholds(ram_gb, points):
    # Unknown storage and CPU count nothing: the total is the RAM's points alone.
    assert suggest_grade(Specs("desktop", ram_gb=ram_gb)).points == points


@pytest.mark.parametrize(
    ("storage_type", "storage_gb", "points"),
    [
        ("hdd", 159, 0),
        ("hdd", 160, 1),
        ("hdd", 256, 1),
        ("hdd", 257, 2),
        ("hdd", 2000, 2),
        ("ssd", 63, 0),
        ("ssd", 64, 1),
        ("ssd", 127, 1),
        ("ssd", 128, 2),
        ("ssd", 199, 2),
        ("ssd", 200, 3),
        ("ssd", 499, 3),
        ("ssd", 500, 4),
        ("emmc", 64, 1),
        ("nvme", 128, 3),  # 2 for the size, 1 for NVMe
    ],
)
def test_storage_thresholds(storage_type, storage_gb, points):
    assert suggest_grade(Specs("laptop", storage_gb=storage_gb, storage_type=storage_type)).points == points


@pytest.mark.parametrize(
    ("cpu_mark", "points"),
    [(1999, 0), (2000, 1), (3499, 1), (3500, 2), (4999, 2), (5000, 3), (6999, 3), (7000, 4)],
)
def test_cpu_thresholds(cpu_mark, points):
    assert suggest_grade(Specs("laptop", cpu_mark=cpu_mark)).points == points


# --- the admin: devices and erasures only read --------------------------------------------------


@pytest.fixture
def superuser_client():
    superuser = UserFactory(coordinator=True, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    return client, superuser


class FormFields(HTMLParser):
    """Every field a browser would submit from the page's forms, as (name, value) pairs."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.editable: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None
        self._chosen: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                self.editable.add(name)
                return
            if kind not in ("submit", "button", "image", "reset", "file"):
                self.fields.append((name, attributes.get("value") or ""))
                if kind != "hidden":
                    self.editable.add(name)
        elif tag == "select" and name:
            self._select, self._chosen, self._first_option = name, None, None
            self.editable.add(name)
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in attributes:
                self._chosen = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
            self.editable.add(name)

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields.pop()
            self.fields.append((name, value + data))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = self._chosen if self._chosen is not None else self._first_option or ""
            self.fields.append((self._select, chosen))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def fields_of(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


def post_page_as_shown(client, url: str, overrides: dict[str, str]):
    """Submit whatever the page offers, as a person would, with a few fields changed."""
    page = fields_of(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in page.fields:
        data.setdefault(name, []).append(value)
    for name, value in overrides.items():
        data[name] = [value]
    data["_save"] = ["Save"]
    return client.post(url, data)


def test_the_device_admin_page_offers_nothing_to_edit(superuser_client):
    client, _ = superuser_client
    device = DeviceFactory(grade="B")
    response = client.get(f"/admin/inventory/device/{device.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert device.asset_tag in html
    # Only the search box of the admin's sidebar and the log-out button's token may be fields.
    assert fields_of(html).editable <= {"q"}
    assert 'name="_save"' not in html


def test_submitting_the_device_admin_page_changes_nothing(superuser_client):
    client, _ = superuser_client
    device = DeviceFactory(grade="B", status="refurbished")
    post_page_as_shown(
        client,
        f"/admin/inventory/device/{device.pk}/change/",
        {"grade": "PREMIUM", "status": "ready", "brand": "Changed"},
    )
    device.refresh_from_db()
    assert (device.grade, device.status, device.brand) == ("B", "refurbished", "Samsung")


def test_submitting_the_erasure_admin_page_changes_nothing(superuser_client):
    client, superuser = superuser_client
    device = DeviceFactory()
    erasure = Erasure.objects.create(
        device=device,
        method="nist_purge",
        tool="Blancco",
        operator=superuser,
        result="failed",
        finished_at=timezone.now(),
    )
    url = f"/admin/inventory/erasure/{erasure.pk}/change/"
    assert fields_of(client.get(url).content.decode()).editable <= {"q"}
    post_page_as_shown(client, url, {"result": "passed", "tool": "Changed"})
    erasure.refresh_from_db()
    assert (erasure.result, erasure.tool) == ("failed", "Blancco")


@pytest.mark.parametrize("model", [Device, Erasure])
def test_devices_and_erasures_cannot_be_added_changed_or_deleted_in_the_admin(superuser_client, model):
    _, superuser = superuser_client
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


# --- the admin's searches and the voucher codes it never shows ----------------------------------


def admin_search(client, model: str, q: str) -> list:
    """The rows the admin's change list finds for `q` (the page echoes `q` in its search box)."""
    response = client.get(f"/admin/inventory/{model}/", {"q": q})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_the_line_item_admin_finds_a_sim_by_its_iccid_and_only_it(superuser_client):
    client, _ = superuser_client
    wanted, other = LineItemFactory(), LineItemFactory()
    assert admin_search(client, "lineitem", wanted.iccid) == [wanted]
    assert other.pk != wanted.pk


def test_the_line_item_admin_finds_a_sim_by_its_phone_number(superuser_client):
    client, _ = superuser_client
    wanted, other = LineItemFactory(msisdn="+33700000042"), LineItemFactory(msisdn="+33700000099")
    assert admin_search(client, "lineitem", "+33700000042") == [wanted]
    assert admin_search(client, "lineitem", "+33700000099") == [other]


def test_the_line_item_history_admin_finds_events_by_iccid(superuser_client):
    client, superuser = superuser_client
    wanted, other = LineItemFactory(), LineItemFactory()
    for item in (wanted, other):
        item.events.create(by=superuser, from_status="", to_status="available")
    assert [event.item for event in admin_search(client, "lineitemevent", wanted.iccid)] == [wanted]


VOUCHER = "7391-5528-0046-2817"


@pytest.fixture
def voucher():
    offer = OfferFactory(kind="topup", name="Recharge 10 €")
    return LineItemFactory(offer=offer, iccid=None, voucher_code=VOUCHER)


def assert_voucher_hidden(html: str):
    digits = VOUCHER.replace("-", "")
    assert VOUCHER not in html and digits not in html
    # Not even most of it: only the last four characters may show.
    assert "5528" not in html and "0046" not in html


def test_the_line_item_admin_list_never_shows_a_voucher_code_whole(superuser_client, voucher):
    client, _ = superuser_client
    html = client.get("/admin/inventory/lineitem/").content.decode()
    assert "••••2817" in html  # the voucher is listed, masked
    assert_voucher_hidden(html)


def test_the_line_item_admin_page_never_shows_a_voucher_code_whole(superuser_client, voucher):
    client, _ = superuser_client
    response = client.get(f"/admin/inventory/lineitem/{voucher.pk}/change/")
    assert response.status_code == 200
    assert_voucher_hidden(response.content.decode())
    history = client.get(f"/admin/inventory/lineitem/{voucher.pk}/history/")
    assert history.status_code == 200
    assert_voucher_hidden(history.content.decode())


def test_saving_the_line_item_admin_page_keeps_the_voucher_code(superuser_client, voucher):
    client, _ = superuser_client
    post_page_as_shown(client, f"/admin/inventory/lineitem/{voucher.pk}/change/", {"msisdn": ""})
    voucher.refresh_from_db()
    assert voucher.voucher_code == VOUCHER


# --- lists: newest first, constant queries ------------------------------------------------------


def test_the_device_list_puts_the_newest_first(warehouse_api):
    # Registered in an order that neither the asset tag nor the model sorts back to.
    DeviceFactory(asset_tag="SDTE26-0002", model="B")
    DeviceFactory(asset_tag="SDTE26-0003", model="A")
    DeviceFactory(asset_tag="SDTE26-0001", model="C")
    tags = [d["asset_tag"] for d in warehouse_api.get("devices").json()["items"]]
    assert tags == ["SDTE26-0001", "SDTE26-0003", "SDTE26-0002"]


def offers_with_items(count: int) -> list:
    sites = [SiteFactory(code=code) for code in ("SD", "LY", "PA")]
    offers = []
    for n in range(count):
        offer = OfferFactory(name=f"Offer {n:03d}")
        LineItemFactory(offer=offer, site=sites[n % 3])
        offers.append(offer)
    return offers


@pytest.mark.parametrize("rows", [3, 30])
def test_the_offer_list_costs_a_constant_number_of_queries(warehouse_api, django_assert_max_num_queries, rows):
    offers_with_items(rows)
    warehouse_api.get("me")  # the token's last use is written once, not on every request
    with django_assert_max_num_queries(4):
        response = warehouse_api.get("offers")
    assert len(response.json()) == rows
    assert {offer["available"] for offer in response.json()} == {1}


@pytest.mark.parametrize("rows", [3, 30])
def test_the_item_list_costs_a_constant_number_of_queries(warehouse_api, django_assert_max_num_queries, rows):
    offer = OfferFactory()
    sites = [SiteFactory(code=code) for code in ("SD", "LY", "PA")]
    for n in range(rows):
        LineItemFactory(offer=offer, site=sites[n % 3], expires_on=dt.date(2027, 1, 1) + dt.timedelta(days=n))
    voucher_offer = OfferFactory(kind="topup")
    for n in range(rows):
        LineItemFactory(offer=voucher_offer, iccid=None, voucher_code=f"V{n:08d}", site=sites[n % 3])
    warehouse_api.get("me")
    for current in (offer, voucher_offer):
        with django_assert_max_num_queries(5):
            response = warehouse_api.get(f"offers/{current.pk}/items", {"page_size": 50})
        items = response.json()["items"]
        assert len(items) == rows
        assert {item["site"] for item in items} == {"SD", "LY", "PA"}
    assert LineItem.objects.count() == 2 * rows


# --- the QR code of a device label --------------------------------------------------------------


def test_a_device_labels_qr_code_is_the_devices_own_page(warehouse_api, settings):
    settings.BAGAGE_PUBLIC_URL = "https://bagage.example.org/"
    device = DeviceFactory(asset_tag="SDTE26-0042", imei=valid_imei(42))
    response = warehouse_api.get(f"devices/{device.asset_tag}/label.pdf", {"stock": "zebra_4x2"})
    assert response.status_code == 200
    found = scan_pdf(response.content, 203)
    assert [s.text for s in found if s.format == "QRCode"] == ["https://bagage.example.org/devices/SDTE26-0042/"]
    assert [s.text for s in found if s.format == "Code128"] == ["SDTE26-0042"]
