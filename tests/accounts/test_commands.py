import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_create_user_for_staff_with_a_site():
    SiteFactory(code="LY")
    call_command("create_user", "nadia", "--role", "mediator", "--site", "ly", "--password", "Long-enough-pw-42")
    user = User.objects.get(username="nadia")
    assert user.role == "mediator" and user.site.code == "LY"
    assert user.check_password("Long-enough-pw-42")


def test_create_user_for_a_social_worker_of_an_organisation():
    organisation = OrganisationFactory()
    call_command(
        "create_user",
        "paul",
        "--role",
        "social_worker",
        "--organisation",
        organisation.siret,
        "--password",
        "Long-enough-pw-42",
    )
    assert User.objects.get(username="paul").membership.organisation == organisation


def test_create_user_refuses_a_social_worker_without_organisation():
    with pytest.raises(CommandError, match="structure orientatrice"):
        call_command("create_user", "paul", "--role", "social_worker", "--password", "Long-enough-pw-42")
    assert not User.objects.filter(username="paul").exists()


def test_create_user_refuses_an_unknown_site():
    with pytest.raises(CommandError, match="No site"):
        call_command("create_user", "x", "--role", "warehouse", "--site", "ZZ", "--password", "Long-enough-pw-42")


def test_load_demo_is_safe_to_run_twice(settings, tmp_path):
    from distribution.models import Allocation
    from notifications.models import Message

    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    # The demo's earlier messages were delivered into var/demo-outbox; those the day's appointments queued wait for
    # the worker: the pages show both.
    statuses = set(Message.objects.values_list("status", flat=True))
    assert {"sent", "queued"} <= statuses
    sent = Message.objects.filter(status="sent")
    outbox = tmp_path / "demo-outbox"
    assert len(list((outbox / "mail").glob("*.eml"))) == sent.filter(channel="email").count() > 0
    assert len(list((outbox / "sms").glob("*.json"))) == sent.filter(channel="sms").count() > 0
    counts = (User.objects.count(), Allocation.objects.filter(pickup_at__isnull=False).count())
    call_command("load_demo")
    assert (User.objects.count(), Allocation.objects.filter(pickup_at__isnull=False).count()) == counts
    # A day of appointments at the demo mediator's site (today's, or its next opening day's).
    days = {a.pickup_at.date() for a in Allocation.objects.filter(pickup_at__isnull=False, site__code="SD")}
    assert counts[1] >= 5 and len(days) == 1
    assert set(User.objects.values_list("role", flat=True)) == {
        "warehouse",
        "mediator",
        "social_worker",
        "coordinator",
    }
    social_workers = User.objects.filter(role="social_worker")
    assert social_workers.values("membership__organisation").distinct().count() >= 2


def test_create_user_with_admin_opens_the_django_admin():
    from django.test import Client

    SiteFactory(code="PA")
    call_command(
        "create_user", "boss", "--role", "coordinator", "--site", "PA", "--admin", "--password", "Long-enough-pw-42"
    )
    client = Client()
    assert client.login(username="boss", password="Long-enough-pw-42")
    assert client.get("/admin/inventory/device/").status_code == 200


def test_createsuperuser_asks_for_a_role():
    assert "role" in User.REQUIRED_FIELDS
