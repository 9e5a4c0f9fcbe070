"""The export buttons of the device and referral lists lead, with the page's filters, to a file the session opens."""

import re

import pytest
from django.test import Client

from tests.factories import DeviceFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def links(html: str, dataset: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(rf'href="(/api/v1/exports/{dataset}\.[^"]+)"', html)]


def test_the_device_list_exports_what_it_shows(warehouse_user):
    DeviceFactory(asset_tag="SDTE26-0001", ready=True)
    DeviceFactory(asset_tag="SDTE26-0002", status="received")
    client = signed_in(warehouse_user)
    html = client.get("/devices/", {"status": "ready"}).content.decode()
    csv_link, xlsx_link = links(html, "devices")
    assert csv_link.startswith("/api/v1/exports/devices.csv?status=ready") and "sep=%3B" in csv_link
    assert xlsx_link.startswith("/api/v1/exports/devices.xlsx?status=ready")
    response = client.get(csv_link)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("N° d’inventaire;Type;")  # a person's file, in French (the site's language)
    assert "SDTE26-0001" in text and "SDTE26-0002" not in text
    machine = b"".join(client.get(csv_link + "&format=codes").streaming_content).decode("utf-8-sig")
    assert machine.splitlines()[0].startswith("asset_tag;kind;")


def test_the_referral_list_offers_exports_to_staff_only(mediator_user, social_worker_user):
    ReferralFactory(social_worker=social_worker_user)
    assert len(links(signed_in(mediator_user).get("/referrals/").content.decode(), "referrals")) == 2
    assert links(signed_in(social_worker_user).get("/referrals/").content.decode(), "referrals") == []
