"""Pickup appointments: slots cut from the opening hours, places kept by the database, the API and the pages."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from distribution.appointments import site_slots
from distribution.models import Allocation, AllocationEvent, PickupSlot
from distribution.services import allocation_appointment_set, allocation_release, allocation_reserve, handover_record
from notifications.models import Message
from notifications.rendering import render_email
from sites.slots import day_slots
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone, signature_b64
from tests.factories import PASSWORD, ReferralFactory, UserFactory, valid_imei

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def site(world):
    sd = world["sd"]
    sd.opening_hours = "Mo-Su 09:00-12:00,14:00-17:00"
    sd.pickup_slot_minutes = 30
    sd.pickup_slot_capacity = 2
    sd.save()
    world["social_worker"].email = "sophie.durand@ccas-sd.example.org"
    world["social_worker"].save()
    return sd


def another_referral(world, n: int):
    """A second accepted referral at the site, with a phone of its own (no SIM asked)."""
    referral = ReferralFactory(
        social_worker=world["social_worker"], site=world["sd"], status="accepted", connectivity="none"
    )
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(7000 + n))
    return referral


def test_slots_are_cut_from_the_opening_hours(site):
    day = tomorrow()
    starts = [timezone.localtime(s.starts_at).strftime("%H:%M") for s in day_slots(site, day)]
    assert starts == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"] + [
        "14:00",
        "14:30",
        "15:00",
        "15:30",
        "16:00",
        "16:30",
    ]
    site.pickup_slot_minutes = 50  # 11:30 would end after noon: not offered
    assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in day_slots(site, day)][:4] == [
        "09:00",
        "09:50",
        "10:40",
        "14:00",
    ]
    site.opening_hours = ""
    assert day_slots(site, day) == []


def test_a_kit_reserved_with_an_appointment_takes_a_place_and_says_so(world, site):
    when = at(tomorrow(), 10)
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=when)
    assert allocation.pickup_at == when
    assert PickupSlot.objects.get(site=site, starts_at=when).booked == 1
    event = AllocationEvent.objects.filter(allocation=allocation).last()
    assert (event.by, event.note) == (world["mediator"], f"appointment {when.isoformat()}")
    email = Message.objects.get(channel="email", kind="kit_ready")
    assert email.context["pickup_at"] == when.isoformat()


@pytest.mark.parametrize(
    "when, code",
    [
        (lambda: at(tomorrow(), 13), "outside_opening_hours"),
        (lambda: at(tomorrow(), 20), "outside_opening_hours"),
        (lambda: at(tomorrow(), 10, 10), "not_a_slot_start"),
        (lambda: at(timezone.localdate() - dt.timedelta(days=1), 10), "pickup_in_past"),
        (lambda: at(timezone.localdate() + dt.timedelta(days=30), 10), "pickup_after_hold"),
    ],
)
def test_a_time_that_is_no_slot_is_refused_with_its_code_and_nothing_changes(world, site, when, code):
    api = ApiClient(world["mediator"])
    answer = api.post("allocations", {"referral": world["referral"].pk, "pickup_at": when().isoformat()})
    assert answer.status_code == 422, answer.json()
    assert (answer.json()["code"], answer.json()["field"]) == (code, "pickup_at")
    assert not Allocation.objects.exists() and not PickupSlot.objects.exists() and not Message.objects.exists()


def test_a_time_without_offset_is_refused(world, site):
    api = ApiClient(world["mediator"])
    answer = api.post("allocations", {"referral": world["referral"].pk, "pickup_at": "2030-01-02T10:00:00"})
    assert answer.status_code == 422 and not Allocation.objects.exists()


def test_a_full_slot_answers_409_slot_full_and_keeps_the_stock(world, site):
    site.pickup_slot_capacity = 1
    site.save()
    when = at(tomorrow(), 10)
    allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=when)
    second = another_referral(world, 1)
    answer = ApiClient(world["mediator"]).post("allocations", {"referral": second.pk, "pickup_at": when.isoformat()})
    assert answer.status_code == 409 and answer.json()["code"] == "slot_full"
    assert Allocation.objects.count() == 1
    assert PickupSlot.objects.get().booked == 1
    second.refresh_from_db()
    assert second.status == "accepted"


def test_releasing_or_handing_over_frees_the_place(world, site):
    when = at(tomorrow(), 10)
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=when)
    allocation_release(user=world["mediator"], allocation=allocation)
    assert PickupSlot.objects.get().booked == 0
    world["referral"].refresh_from_db()
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=when)
    assert PickupSlot.objects.get().booked == 1
    handover_record(user=world["mediator"], allocation=allocation, signature_png=signature_b64())
    assert PickupSlot.objects.get().booked == 0


def test_moving_an_appointment_frees_the_old_place_takes_the_new_and_tells_again(world, site):
    first, then = at(tomorrow(), 10), at(tomorrow(), 14, 30)
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=first)
    api = ApiClient(world["mediator"])
    answer = api.patch(f"allocations/{allocation.pk}", {"pickup_at": then.isoformat()})
    assert answer.status_code == 200, answer.json()
    assert dt.datetime.fromisoformat(answer.json()["pickup_at"]) == then
    assert dict(PickupSlot.objects.values_list("starts_at", "booked")) == {first: 0, then: 1}
    ready = Message.objects.filter(kind="kit_ready", channel="email").order_by("id")
    assert [m.context["pickup_at"] for m in ready] == [first.isoformat(), then.isoformat()]
    assert api.patch(f"allocations/{allocation.pk}", {"pickup_at": None}).json()["pickup_at"] is None
    assert PickupSlot.objects.get(starts_at=then).booked == 0
    notes = list(AllocationEvent.objects.filter(allocation=allocation).values_list("note", "by"))[-2:]
    assert notes == [
        (f"appointment {then.isoformat()}", world["mediator"].pk),
        ("appointment cleared", world["mediator"].pk),
    ]
    # One calendar event for the kit: booked (version 0), moved (1, the new time), cancelled (2, the last time).
    calendars = [render_email("kit_ready", m.context, "fr").attachments[0][1].decode() for m in ready.all()]
    assert len({line for ics in calendars for line in ics.splitlines() if line.startswith("UID:")}) == 1
    assert [(c.count("SEQUENCE:0\r\n"), c.count("SEQUENCE:1\r\n"), c.count("SEQUENCE:2\r\n")) for c in calendars] == [
        (1, 0, 0),
        (0, 1, 0),
        (0, 0, 1),
    ]
    assert "METHOD:CANCEL" in calendars[2] and "METHOD:PUBLISH" in calendars[1]
    assert then.astimezone(dt.UTC).strftime("DTSTART:%Y%m%dT%H%M%SZ") in calendars[2]


def test_a_move_to_a_full_slot_changes_nothing(world, site):
    site.pickup_slot_capacity = 1
    site.save()
    first, full = at(tomorrow(), 10), at(tomorrow(), 11)
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=first)
    allocation_reserve(user=world["mediator"], referral=another_referral(world, 2), pickup_at=full)
    answer = ApiClient(world["mediator"]).patch(f"allocations/{allocation.pk}", {"pickup_at": full.isoformat()})
    assert answer.status_code == 409 and answer.json()["code"] == "slot_full"
    allocation.refresh_from_db()
    assert allocation.pickup_at == first
    assert dict(PickupSlot.objects.values_list("starts_at", "booked")) == {first: 1, full: 1}


def test_the_appointment_is_scoped_as_the_kit_is(world, site):
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"])
    stranger = UserFactory(mediator=True, site=world["ly"])
    answer = ApiClient(stranger).patch(f"allocations/{allocation.pk}", {"pickup_at": at(tomorrow(), 10).isoformat()})
    assert answer.status_code == 404
    answer = ApiClient(world["social_worker"]).patch(
        f"allocations/{allocation.pk}", {"pickup_at": at(tomorrow(), 10).isoformat()}
    )
    assert answer.status_code in (403, 404)
    assert Allocation.objects.get().pickup_at is None and not PickupSlot.objects.exists()


def test_a_days_pickups_in_time_order_in_constant_queries(world, site, django_assert_max_num_queries):
    api = ApiClient(world["mediator"])
    day = tomorrow()
    for n, hour in enumerate([16, 9, 14, 11]):
        referral = world["referral"] if n == 0 else another_referral(world, 10 + n)
        allocation_reserve(user=world["mediator"], referral=referral, pickup_at=at(day, hour))
    with django_assert_max_num_queries(6):
        answer = api.get("allocations", {"pickup_on": day.isoformat()})
    hours = [timezone.localtime(dt.datetime.fromisoformat(a["pickup_at"])).hour for a in answer.json()["items"]]
    assert hours == [9, 11, 14, 16]
    assert api.get("allocations", {"pickup_on": timezone.localdate().isoformat()}).json()["items"] == []
    assert api.get("allocations", {"pickup_on": "2026-02-30"}).status_code == 422


def test_the_free_slots_list_leaves_out_the_full_ones(world, site):
    site.pickup_slot_capacity = 1
    site.save()
    when = at(tomorrow(), 9)
    allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=when)
    api = ApiClient(world["mediator"])
    answer = api.get("sites/SD/slots", {"from": tomorrow().isoformat(), "days": 1})
    assert answer.status_code == 200
    starts = [dt.datetime.fromisoformat(s["starts_at"]) for s in answer.json()]
    assert when not in starts and at(tomorrow(), 9, 30) in starts and len(starts) == 11
    every = api.get("sites/SD/slots", {"from": tomorrow().isoformat(), "days": 1, "all": "true"}).json()
    assert every[0]["free"] == 0 and every[0]["booked"] == 1
    assert api.get("sites/ZZ/slots").status_code == 404
    assert ApiClient(world["social_worker"]).get("sites/SD/slots").status_code == 403
    assert len(site_slots(site, days=31)) <= 60


def test_the_reservation_page_offers_free_slots_none_chosen(world, site):
    client = Client()
    client.login(username=world["mediator"].username, password=PASSWORD)
    page = client.get(reverse("web:kit_reserve", args=[world["referral"].pk])).content.decode()
    assert 'name="pickup_at"' in page
    assert '<option value="" selected>' in page
    when = at(tomorrow(), 10)
    assert f'value="{when.isoformat()}"' in page
    choice = page.split('name="choice" id="choice-1" value="')[1].split('"')[0]
    answer = client.post(
        reverse("web:kit_reserve", args=[world["referral"].pk]), {"choice": choice, "pickup_at": when.isoformat()}
    )
    assert answer.status_code == 302
    assert Allocation.objects.get().pickup_at == when


def test_a_slot_taken_meanwhile_is_told_beside_the_field(world, site):
    site.pickup_slot_capacity = 1
    site.save()
    client = Client()
    client.login(username=world["mediator"].username, password=PASSWORD)
    url = reverse("web:kit_reserve", args=[world["referral"].pk])
    page = client.get(url).content.decode()
    choice = page.split('name="choice" id="choice-1" value="')[1].split('"')[0]
    when = at(tomorrow(), 10)
    allocation_reserve(user=world["mediator"], referral=another_referral(world, 3), pickup_at=when)
    answer = client.post(url, {"choice": choice, "pickup_at": when.isoformat()})
    assert answer.status_code == 200
    assert not Allocation.objects.filter(referral=world["referral"]).exists()
    assert "pickup_at" in answer.context["form"].errors


def test_the_kit_page_moves_and_clears_the_appointment(world, site):
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=at(tomorrow(), 10))
    client = Client()
    client.login(username=world["mediator"].username, password=PASSWORD)
    page = client.get(reverse("web:kit", args=[allocation.pk])).content.decode()
    assert 'data-testid="appointment"' in page and "10:00" in page
    url = reverse("web:kit_appointment", args=[allocation.pk])
    client.post(url, {"pickup_at": at(tomorrow(), 15).isoformat()})
    allocation.refresh_from_db()
    assert allocation.pickup_at == at(tomorrow(), 15)
    client.post(url, {"pickup_at": at(tomorrow(), 15, 10).isoformat()})  # not offered: refused, nothing changes
    allocation.refresh_from_db()
    assert allocation.pickup_at == at(tomorrow(), 15)
    client.post(url, {"pickup_at": ""})
    allocation.refresh_from_db()
    assert allocation.pickup_at is None
    assert PickupSlot.objects.filter(booked__gt=0).count() == 0


def test_todays_appointments_on_the_home_and_the_shelf_in_time_order(world, site):
    today = timezone.localdate()
    hours = [16, 9, 14]
    morning = at(today, 0)
    for n, hour in enumerate(hours):
        referral = world["referral"] if n == 0 else another_referral(world, 20 + n)
        allocation = allocation_reserve(user=world["mediator"], referral=referral)
        allocation_appointment_set(
            user=world["mediator"], allocation=allocation, pickup_at=at(today, hour), now=morning
        )
    client = Client()
    client.login(username=world["mediator"].username, password=PASSWORD)
    for page in (reverse("web:home"), reverse("web:kits")):
        answer = client.get(page)
        rows = [row["kit"].pickup_at for row in answer.context["appointments"]]
        assert rows == [at(today, 9), at(today, 14), at(today, 16)], page
        assert answer.content.decode().count('data-testid="appointment-row"') == 3


def test_the_social_worker_sees_the_appointment_date_time_site_and_address(world, site):
    site.address = "3 rue du Landy"
    site.save()
    allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=at(tomorrow(), 10))
    client = Client()
    client.login(username=world["social_worker"].username, password=PASSWORD)
    page = client.get(reverse("web:referral", args=[world["referral"].pk])).content.decode()
    box = page.split('data-testid="appointment-box"')[1].split("</section>")[0]
    assert "10:00" in box and site.name in box and "3 rue du Landy" in box and site.postal_code in box
    assert str(tomorrow().day) in box


def test_the_reminder_goes_the_day_before_the_appointment_once(world, site):
    from distribution.messaging import reminders_queue
    from tests.notifications.conftest import consenting

    consenting(world["referral"])
    when = at(timezone.localdate() + dt.timedelta(days=3), 10)
    allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=when)
    Message.objects.all().delete()
    assert reminders_queue(today=when.date() - dt.timedelta(days=2)) == 0
    assert reminders_queue(today=when.date()) == 0
    assert reminders_queue(today=when.date() - dt.timedelta(days=1)) == 1
    assert reminders_queue(today=when.date() - dt.timedelta(days=1)) == 0
    assert Message.objects.get().kind == "pickup_reminder"


def test_slot_settings_are_edited_with_the_site(world, site):
    from common.exceptions import ValidationFailed
    from sites.services import site_update

    coordinator = UserFactory(coordinator=True)
    site_update(user=coordinator, site=site, pickup_slot_minutes=20, pickup_slot_capacity=3)
    site.refresh_from_db()
    assert (site.pickup_slot_minutes, site.pickup_slot_capacity) == (20, 3)
    with pytest.raises(ValidationFailed) as refused:
        site_update(user=coordinator, site=site, pickup_slot_capacity=0)
    assert refused.value.extra["field"] == "pickup_slot_capacity"


def test_releasing_a_kit_cancels_its_appointment_in_the_social_workers_calendar(world, site):
    from tests.notifications.conftest import consenting

    consenting(world["referral"])
    when = at(tomorrow(), 10)
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=when)
    allocation_release(user=world["mediator"], allocation=allocation, note="écran fêlé")
    released = Message.objects.get(kind="kit_released")
    assert (released.channel, released.recipient) == ("email", "sophie.durand@ccas-sd.example.org")
    assert not Message.objects.filter(channel="sms").exclude(kind="kit_ready").exists(), "the notice promises no SMS"
    email = render_email("kit_released", released.context, "fr")
    assert email.subject.endswith("le kit n’est plus réservé")
    assert f"Le kit {allocation.number} réservé pour" in email.text and "libéré par le lieu d’accueil" in email.text
    assert "est annulé" in email.text and "10:00" in email.text
    ready = render_email("kit_ready", Message.objects.get(kind="kit_ready", channel="email").context, "fr")
    booked, cancelled = (mail.attachments[0][1].decode() for mail in (ready, email))
    uid = next(line for line in booked.splitlines() if line.startswith("UID:"))
    assert uid in cancelled.splitlines() and "METHOD:CANCEL" in cancelled and "SEQUENCE:1\r\n" in cancelled
    assert "SEQUENCE:0\r\n" in booked


def test_releasing_a_kit_whose_appointment_has_passed_sends_no_calendar_file(world, site):
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=at(tomorrow(), 10))
    Allocation.objects.filter(pk=allocation.pk).update(pickup_at=timezone.now() - dt.timedelta(hours=1))
    allocation_release(user=world["mediator"], allocation=allocation.pk)
    email = render_email("kit_released", Message.objects.get(kind="kit_released").context, "fr")
    assert not email.attachments and "rendez-vous" not in email.text


def test_the_calendar_part_names_its_itip_method_and_the_event_its_organizer(world, site, settings, tmp_path):
    """RFC 6047: the e-mail part repeats the file's METHOD; RFC 5546: PUBLISH and CANCEL carry an ORGANIZER, the
    only sender whose cancellation a calendar applies."""
    import email

    from notifications.services import message_deliver

    settings.EMAIL_BACKEND = "notifications.mail.FolderEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.DEFAULT_FROM_EMAIL = "bagage@asso.example.org"
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"], pickup_at=at(tomorrow(), 10))
    allocation_release(user=world["mediator"], allocation=allocation)
    for kind in ("kit_ready", "kit_released"):
        assert message_deliver(message_id=Message.objects.get(kind=kind, channel="email").pk) == "sent"
    methods = []
    for path in tmp_path.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert part.get_filename() == "rendez-vous.ics"
        assert b"ORGANIZER;CN=Bagage:mailto:bagage@asso.example.org\r\n" in part.get_payload(decode=True)
        methods.append(part.get_param("method"))
    assert sorted(methods) == ["CANCEL", "PUBLISH"]
