"""SMS texts: the person's language where a template exists, one SMS where possible, nothing beyond the first name."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.gsm import is_gsm7, sms_length, sms_parts
from notifications.rendering import render_email, render_sms

KIT = {
    "first_name": "Amina",
    "site": {
        "name": "Saint-Denis",
        "address": "12 rue de la République, 93200 Saint-Denis",
        "opening_hours": "Mo-Fr 09:00-12:30,14:00-17:30; Sa 10:00-12:00",
    },
    "hold_until": "2026-12-17",
    "pickup_at": "",
}


def test_gsm7_counts_160_septets_ucs2_70_characters():
    assert sms_parts("a" * 160) == 1 and sms_parts("a" * 161) == 2
    assert sms_length("€") == 2  # the extension table costs two septets
    assert not is_gsm7("ç") and sms_parts("ç" * 70) == 1 and sms_parts("ç" * 71) == 2
    assert is_gsm7("à é è ù ì ò Ç É")


@pytest.mark.parametrize("kind", ["kit_ready", "hold_reminder", "pickup_reminder"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_sms_fits_in_one_gsm7_message(kind, language):
    pickup = timezone.make_aware(dt.datetime(2026, 12, 10, 14, 30)).isoformat()
    text = render_sms(kind, {**KIT, "pickup_at": pickup if kind != "hold_reminder" else ""}, language)
    assert is_gsm7(text), text
    assert sms_parts(text) == 1, (len(text), text)
    assert text.startswith("Bonjour Amina" if language == "fr" else "Hello Amina")


def test_the_persons_language_or_french():
    assert render_sms("kit_ready", KIT, "en").startswith("Hello")
    assert render_sms("kit_ready", KIT, "uk").startswith("Bonjour")  # no Ukrainian template yet: French


def test_a_long_address_drops_the_hours_rather_than_send_two():
    long_site = {**KIT["site"], "address": "Maison des solidarités, 145 avenue du Président Wilson, 93200 Saint-Denis"}
    text = render_sms("kit_ready", {**KIT, "site": long_site}, "fr")
    assert sms_parts(text) == 1
    assert "Mo-Fr" not in text


def test_kit_ready_email_carries_the_appointment_as_ics():
    pickup = timezone.make_aware(dt.datetime(2026, 12, 10, 14, 30))
    email = render_email(
        "kit_ready",
        {**KIT, "person": "Amina D.", "referral_id": 7, "kit": "A-2026-000007", "pickup_at": pickup.isoformat()},
        "fr",
    )
    assert "Amina D." in email.text and "17 décembre 2026" in email.text and "14:30" in email.text
    ((name, data, mimetype),) = email.attachments
    assert (name, mimetype) == ("rendez-vous.ics", "text/calendar")
    assert b"DTSTART:20261210T133000Z" in data and b"BEGIN:VEVENT" in data
    assert b"METHOD:PUBLISH" in data and b"SEQUENCE:0\r\n" in data and b"STATUS:CANCELLED" not in data


def test_a_cleared_appointment_is_cancelled_in_the_calendar_and_in_words():
    cancelled = timezone.make_aware(dt.datetime(2026, 12, 10, 14, 30))
    ctx = {**KIT, "person": "Amina D.", "referral_id": 7, "kit": "A-2026-000007"}
    email = render_email("kit_ready", {**ctx, "pickup_cancelled_at": cancelled.isoformat(), "pickup_sequence": 2}, "fr")
    assert "14:30" in email.text and "annulé" in email.text
    ((name, data, _mimetype),) = email.attachments
    assert name == "rendez-vous.ics"
    assert b"METHOD:CANCEL\r\n" in data and b"STATUS:CANCELLED" in data and b"SEQUENCE:2\r\n" in data
    assert b"UID:bagage-kit-A-2026-000007@bagage" in data and b"DTSTART:20261210T133000Z" in data
    # A kit that never had an appointment: no calendar file, no word of one.
    plain = render_email("kit_ready", ctx, "fr")
    assert plain.attachments == [] and "annulé" not in plain.text
