"""A calendar file's ORGANIZER is a calendar address (RFC 5545 CAL-ADDRESS): `mailto:` and the bare e-mail address,
whatever the form of DEFAULT_FROM_EMAIL ("Name <address>" is Django's usual one)."""

import datetime as dt

from notifications.ics import appointment_ics


def organizer_of(ics: bytes) -> str:
    unfolded = ics.decode().replace("\r\n ", "")
    return next(line for line in unfolded.split("\r\n") if line.startswith("ORGANIZER"))


def ics(organizer: str) -> bytes:
    return appointment_ics(
        uid="bagage-kit-K-2026-00001@bagage",
        start=dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC),
        minutes=15,
        summary="Retrait du kit : Amina B.",
        location="Espace Bagage, 1 rue de la Paix",
        organizer=organizer,
    )


def test_a_bare_address_is_the_organizer():
    assert organizer_of(ics("bagage@asso.example.org")) == "ORGANIZER;CN=Bagage:mailto:bagage@asso.example.org"


def test_a_sender_with_a_display_name_gives_its_address_and_its_name():
    assert organizer_of(ics("Bagage Lyon <bagage@asso.example.org>")) == (
        "ORGANIZER;CN=Bagage Lyon:mailto:bagage@asso.example.org"
    )


def test_a_name_with_separators_is_quoted():
    assert organizer_of(ics('"Bagage; Lyon, Rhône" <bagage@asso.example.org>')) == (
        'ORGANIZER;CN="Bagage; Lyon, Rhône":mailto:bagage@asso.example.org'
    )


def test_a_long_organizer_line_is_folded_at_75_octets():
    data = ics("Association Bagage pour l’inclusion numérique <" + "x" * 60 + "@asso.example.org>")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert organizer_of(data).endswith(":mailto:" + "x" * 60 + "@asso.example.org")
