import base64
import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from tests.conftest import ApiClient
from tests.factories import (
    DeviceFactory,
    LineItemFactory,
    OfferFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
    valid_imei,
)


def signature_b64(width: int = 400, height: int = 150) -> str:
    """A stroke drawn on a transparent pad, as the handover page's canvas sends it."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 100), (120, 30), (220, 110), (380, 40)], fill=(10, 20, 90, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def ready_phone(site, user, **fields):
    """A ready smartphone with its history and a passed erasure, as the workshop leaves it (graded B unless told)."""
    return DeviceFactory(ready=True, site=site, created_by=user, **fields)


@pytest.fixture
def world(db):
    """Saint-Denis: a mediator, an accepted referral for a smartphone and a SIM, a ready phone, SIMs."""
    sd, ly = SiteFactory(code="SD"), SiteFactory(code="LY")
    mediator = UserFactory(mediator=True, site=sd, username="lea", first_name="Léa", last_name="Martin")
    warehouse = UserFactory(warehouse=True, site=sd)
    organisation = OrganisationFactory(name="CCAS de Saint-Denis")
    social_worker = UserFactory(social_worker=True, organisation=organisation, username="sophie")
    referral = ReferralFactory(social_worker=social_worker, site=sd, status="accepted", connectivity="sim")
    offer = OfferFactory(created_by=warehouse)
    today = timezone.localdate()
    sims = [
        LineItemFactory(offer=offer, site=sd, expires_on=today + dt.timedelta(days=days))
        for days in (400, 200, 5)  # the last expires before the hold ends
    ]
    phone = ready_phone(sd, warehouse, imei=valid_imei(4242))
    return {
        "sd": sd,
        "ly": ly,
        "mediator": mediator,
        "warehouse": warehouse,
        "social_worker": social_worker,
        "organisation": organisation,
        "referral": referral,
        "offer": offer,
        "sims": sims,
        "phone": phone,
        "api": ApiClient(mediator),
    }
