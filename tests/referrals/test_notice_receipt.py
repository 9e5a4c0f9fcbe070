import pytest
from django.test import Client

from labels.receipt import render_receipt
from referrals.notice_texts import notice_for_receipt
from tests.labels.test_receipt import page_texts, receipt

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, words",
    [("fr", "ou sur papier au lieu d’accueil"), ("en", "or on paper at the reception point")],
)
def test_the_receipt_cites_the_notice_version_and_a_page_that_shows_it(settings, language, words):
    settings.BAGAGE_PUBLIC_URL = "https://bagage.example.org"
    version, where = notice_for_receipt("2026-01", language)
    assert (version, where) == ("2026-01", f"https://bagage.example.org/notice/2026-01/, {words}")

    text = " ".join(" ".join(page_texts(render_receipt(receipt(notice_version=version, notice_where=where)))).split())
    assert "version 2026-01" in text and "bagage.example.org/notice/2026-01/" in text

    # The address printed is a real page, open without an account.
    page = Client().get(where.split(",")[0].removeprefix(settings.BAGAGE_PUBLIC_URL))
    assert page.status_code == 200 and "Version 2026-01" in page.content.decode()


def test_without_a_public_address_the_receipt_says_on_paper(settings):
    settings.BAGAGE_PUBLIC_URL = ""
    assert notice_for_receipt("2026-01", "ps") == ("2026-01", "Sur papier au lieu d’accueil")
