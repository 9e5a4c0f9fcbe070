import pytest

from tests.distribution.conftest import world as kit_world  # noqa: F401


@pytest.fixture
def world(kit_world):  # noqa: F811
    """The kit's world (site, mediator, accepted referral, phone, SIMs), its social worker with an address."""
    kit_world["social_worker"].email = "sophie.durand@ccas-sd.example.org"
    kit_world["social_worker"].save()
    return kit_world


@pytest.fixture
def folders(tmp_path, settings):
    """The folder backends: one file per e-mail, one JSON file per SMS."""
    mail, sms = tmp_path / "mail", tmp_path / "sms"
    settings.EMAIL_BACKEND = "notifications.mail.FolderEmailBackend"
    settings.EMAIL_FILE_PATH = str(mail)
    settings.SMS_URL = f"file://{sms}"
    return {"mail": mail, "sms": sms}


def consenting(referral, phone="+33698765432", language="fr"):
    person = referral.beneficiary
    person.sms_consent = True
    person.sms_phone = phone
    person.language = language
    person.save()
    return referral


def read_mail(path):
    """A mail the file backend wrote: its subject, text, HTML and attachments {filename: bytes}."""
    import email
    from email.header import decode_header, make_header

    raw = path.read_bytes().rsplit(b"\n" + b"-" * 79, 1)[0]
    message = email.message_from_bytes(raw)
    parts = {"subject": str(make_header(decode_header(message["Subject"]))), "attachments": {}, "to": message["To"]}
    for part in message.walk():
        if part.get_filename():
            parts["attachments"][part.get_filename()] = part.get_payload(decode=True)
        elif part.get_content_type() in ("text/plain", "text/html"):
            parts[part.get_content_subtype()] = part.get_payload(decode=True).decode(part.get_content_charset())
    return parts
