"""Every word a French office reads is French, and an English reader gets English (issue 21, items 3 and 4).

History notes are stored as facts and put into words when shown; statuses agree with their noun; months, dates
and times are those of the reader's language (English pages: day-month-year, 24-hour clock, Europe/Paris).
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import formats, timezone, translation

from inventory.models import DeviceEvent, LineItemEvent
from referrals.models import BeneficiaryAccess, ReferralEvent
from tests.distribution.conftest import world  # noqa: F401 (a fixture)
from tests.factories import DeviceFactory, LineItemFactory, ReferralFactory, UserFactory
from web.reports.charts import month_label
from web.templatetags.bagage import note_in_words

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def reader(client, user, language="fr"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


NOTES = {
    # stored note: (French, English)
    "returned: faulty": ("Rapporté : en panne", "Brought back: faulty"),
    "rendu : faulty": ("Rapporté : en panne", "Brought back: faulty"),  # stored so before: still shown right
    "nist_purge with Blancco Mobile: passed": ("NIST 800-88 Purge avec Blancco Mobile : réussi", None),
    "batch #11": ("Lot n° 11", "Batch no. 11"),
    "CSV import into batch #11": ("Import CSV dans le lot n° 11", "CSV import into batch no. 11"),
    "delivery": ("Livraison", "Delivery"),
    "past its date (2026-11-30)": ("Date dépassée (30/11/2026)", "Past its date (30/11/2026)"),
    "A-2026-000007: not collected by 2026-12-17": (
        "A-2026-000007: Non retiré au 17/12/2026",
        "A-2026-000007: Not collected by 17/12/2026",
    ),
    "A-2026-000007: non retiré au 2026-12-17": (None, "A-2026-000007: Not collected by 17/12/2026"),
    "receipt R-2026-000001 deleted after 10 years": ("Reçu R-2026-000001 supprimé après 10 ans", None),
    "no answer for 1 days": ("Sans réponse depuis 1 jour", "No answer for 1 day"),
    "Appelé, pas de réponse": ("Appelé, pas de réponse", "Appelé, pas de réponse"),  # a person's words, as written
}


@pytest.mark.parametrize("note", list(NOTES))
def test_notes_written_by_bagage_are_put_into_the_readers_words(note):
    french, english = NOTES[note]
    with translation.override("fr"):
        if french:
            assert note_in_words(note) == french
    with translation.override("en"):
        if english:
            assert note_in_words(note) == english


def test_the_audit_log_shows_notes_and_actions_in_french(client):
    device = DeviceFactory()
    DeviceEvent.objects.create(
        device=device, site=device.site, kind="erasure", note="nist_purge with Blancco Mobile: passed"
    )
    DeviceEvent.objects.create(
        device=device, site=device.site, kind="transition", to_status="returned", note="returned: faulty"
    )
    LineItemEvent.objects.create(item=LineItemFactory(), to_status="available", note="delivery")
    referral = ReferralFactory()
    BeneficiaryAccess.objects.create(user=UserFactory(mediator=True), referral=referral, action="handover")
    text = text_of(reader(client, UserFactory(coordinator=True)).get("/audit/"))
    for french in ("NIST 800-88 Purge avec Blancco Mobile : réussi", "Rapporté : en panne", "Livraison"):
        assert french in text
    for leak in ("faulty", "nist_purge", " delivery ", "passed", " handover "):
        assert leak not in text
    text = text_of(reader(client, UserFactory(coordinator=True), "en").get("/audit/"))
    assert "Brought back: faulty" in text and "Rapporté" not in text


def test_the_access_log_names_a_handover_in_words(client):
    BeneficiaryAccess.objects.create(user=UserFactory(mediator=True), referral=ReferralFactory(), action="handover")
    text = text_of(reader(client, UserFactory(coordinator=True)).get("/access-log/"))
    assert "Lecture de la fiche pour remettre le kit" in text and " handover " not in text


def test_a_referral_status_agrees_with_its_noun_in_french(client):
    coordinator = UserFactory(coordinator=True)
    expired = ReferralFactory(status="expired")
    handed = ReferralFactory(status="handed_over")
    assert "Expirée" in text_of(reader(client, coordinator).get(f"/referrals/{expired.pk}/"))
    assert "Remise" in text_of(reader(client, coordinator).get(f"/referrals/{handed.pk}/"))
    with translation.override("fr"):
        from inventory.enums import DeviceStatus, LineItemStatus
        from referrals.enums import ReferralStatus

        assert str(ReferralStatus.EXPIRED.label) == "Expirée" and str(ReferralStatus.HANDED_OVER.label) == "Remise"
        assert str(LineItemStatus.EXPIRED.label) == "Expirée"  # une carte SIM, une recharge
        assert str(DeviceStatus.HANDED_OVER.label) == "Remis"  # un équipement


def test_month_labels_tell_june_from_july_in_each_language():
    with translation.override("fr"):
        assert [month_label(dt.date(2026, m, 1)) for m in (6, 7)] == ["juin 2026", "juil. 2026"]
    with translation.override("en"):
        assert [month_label(dt.date(2026, m, 1)) for m in (6, 7)] == ["June 2026", "July 2026"]


def test_label_stocks_are_named_in_french(client):
    device = DeviceFactory(ready=True)
    text = text_of(reader(client, UserFactory(warehouse=True)).get(f"/devices/{device.asset_tag}/"))
    assert "étiquettes prédécoupées" in text and "planche A4 de 14 étiquettes" in text
    assert "die-cut" not in text and "14 labels" not in text


def test_the_impact_source_is_no_english_sentence_in_french(client):
    text = text_of(reader(client, UserFactory(coordinator=True)).get("/dashboard/"))
    assert "ADEME" in text
    assert "per year of extra use" not in text and "refurbished laptop" not in text


def test_english_pages_write_day_month_year_and_24_hour_time(client):
    at = timezone.make_aware(dt.datetime(2026, 12, 3, 13, 43), timezone.get_default_timezone())
    with translation.override("en"):
        assert formats.date_format(at.date(), "SHORT_DATE_FORMAT") == "03/12/2026"
        assert formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT") == "03/12/2026 13:43"
    referral = ReferralFactory(status="accepted")
    event = ReferralEvent.objects.create(referral=referral, to_status="accepted", note="ok")
    ReferralEvent.objects.filter(pk=event.pk).update(at=at)
    text = text_of(reader(client, UserFactory(coordinator=True), "en").get(f"/referrals/{referral.pk}/"))
    assert "03/12/2026 13:43" in text
    assert "12/03/2026" not in text and "p.m." not in text and "a.m." not in text


def test_times_are_shown_in_paris_time_whatever_the_storage(client):
    """Stored in UTC (12:43Z), shown at 13:43 in Paris in December, in both languages."""
    referral = ReferralFactory(status="accepted")
    event = ReferralEvent.objects.create(referral=referral, to_status="accepted", note="ok")
    ReferralEvent.objects.filter(pk=event.pk).update(at=dt.datetime(2026, 12, 3, 12, 43, tzinfo=dt.UTC))
    for language in ("fr", "en"):
        text = text_of(reader(client, UserFactory(coordinator=True), language).get(f"/referrals/{referral.pk}/"))
        assert "03/12/2026 13:43" in text, language


def test_a_kit_label_prints_in_the_sites_language(world):  # noqa: F811
    """The kit label used to say "Referral #157" and "Collect before 17/12/2026" on a French site."""
    from distribution.labelling import kit_label
    from distribution.models import Allocation

    allocation_id = world["api"].post("allocations", {"referral": world["referral"].pk}).json()["id"]
    allocation = Allocation.objects.select_related("referral__beneficiary", "site", "device", "line_item").get(
        pk=allocation_id
    )
    with translation.override("en"):  # whoever prints it: the label is in BAGAGE_LABEL_LANGUAGE (fr)
        label = kit_label(allocation)
    hold = allocation.hold_until.strftime("%d/%m/%Y")
    assert label.referral == f"Orientation n° {world['referral'].pk}"
    assert label.hold == f"À retirer avant le {hold}"
