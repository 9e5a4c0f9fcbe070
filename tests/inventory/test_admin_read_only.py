"""The Django admin: devices and erasures are only read; searches find SIM cards; voucher codes stay masked.

Each test here was checked against a hand-made mutant of the code (issue 8): it fails on the
mutant and passes on the code as it is.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import timezone

from inventory.models import Device, Erasure
from tests.factories import DeviceFactory, LineItemFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db


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
