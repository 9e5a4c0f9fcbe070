"""Where messages go, from the environment: EMAIL_URL (Django's mail backends, through dj-email-url in settings)
and SMS_URL (`console:`, `file:///folder`, or `ovh://…` for OVHcloud's SMS API through its official client).

A backend raises `PermanentFailure` for what trying again cannot fix (a number the provider refuses, bad
credentials) and `TransientFailure` for what may pass (network, provider down): the worker retries only those.
"""

import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class DeliveryFailure(Exception):
    """A message could not be delivered; `reason` is a code the pages put into words."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


class PermanentFailure(DeliveryFailure):
    pass


class TransientFailure(DeliveryFailure):
    pass


@dataclass(frozen=True)
class Sms:
    to: str
    text: str
    kind: str
    reference: str = ""


class ConsoleSmsBackend:
    """Prints each SMS (`make run`)."""

    def __init__(self, url) -> None:
        self.stream = sys.stdout

    def send(self, sms: Sms) -> None:
        self.stream.write(f"SMS to {sms.to} [{sms.kind}]\n{sms.text}\n{'-' * 40}\n")
        self.stream.flush()


class FileSmsBackend:
    """One JSON file per SMS, {"to", "text", "kind"}, in a folder (tests, the bench, a hand check)."""

    def __init__(self, url) -> None:
        self.folder = Path(unquote(url.path))
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, sms: Sms) -> None:
        name = f"{sms.reference or 'sms'}-{uuid.uuid4().hex[:8]}.json"
        payload = json.dumps({"to": sms.to, "text": sms.text, "kind": sms.kind}, ensure_ascii=False)
        temporary = self.folder / f".{name}.tmp"
        temporary.write_text(payload, encoding="utf-8")
        temporary.rename(self.folder / name)  # readers never see half a file


class OvhSmsBackend:
    """OVHcloud's SMS API through the `ovh` client: POST /sms/{service}/jobs.

    `ovh://APPLICATION_KEY:APPLICATION_SECRET@ovh-eu/sms-ab12345-1?consumer_key=…&sender=BAGAGE`
    (`ovh-eu` is the client's endpoint name; `api=http://…/1.0` points it at another base URL, the tests' fake).
    """

    def __init__(self, url) -> None:
        import ovh

        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        self.service = unquote(url.path.strip("/"))
        if not (url.username and url.password and self.service and query.get("consumer_key")):
            raise ImproperlyConfigured(
                "SMS_URL=ovh://APPLICATION_KEY:APPLICATION_SECRET@ovh-eu/SERVICE_NAME?consumer_key=…&sender=…"
            )
        self.sender = query.get("sender", "")
        self.client = ovh.Client(
            endpoint=url.hostname or "ovh-eu",
            application_key=unquote(url.username),
            application_secret=unquote(url.password),
            consumer_key=query["consumer_key"],
            timeout=(5, 20),
        )
        if query.get("api"):
            # The client knows only OVHcloud's named endpoints; a private base URL (the tests' local fake
            # server) replaces the one the name gave. Everything else (signing, errors) is the client's own.
            self.client._endpoint = query["api"].rstrip("/")

    def send(self, sms: Sms) -> None:
        import ovh.exceptions as errors

        body = {"message": sms.text, "receivers": [sms.to], "noStopClause": True, "priority": "high"}
        if self.sender:
            body["sender"] = self.sender
        else:
            body["senderForResponse"] = True
        try:
            answer = self.client.post(f"/sms/{self.service}/jobs", **body)
        except (errors.InvalidKey, errors.InvalidCredential, errors.NotCredential, errors.NotGrantedCall) as exc:
            raise PermanentFailure("provider_credentials", str(exc)) from exc
        except (errors.BadParametersError, errors.ResourceNotFoundError, errors.Forbidden) as exc:
            raise PermanentFailure("provider_refused", str(exc)) from exc
        except errors.APIError as exc:  # network, 5xx, undecodable answers: worth another try
            raise TransientFailure("provider_unavailable", str(exc)) from exc
        if sms.to in (answer or {}).get("invalidReceivers", []):
            raise PermanentFailure("invalid_number", "the provider refused the number")


SMS_SCHEMES = {
    "console": ConsoleSmsBackend,
    "file": FileSmsBackend,
    "ovh": OvhSmsBackend,
}


def sms_backend(url: str | None = None):
    """The SMS backend SMS_URL names."""
    url = settings.SMS_URL if url is None else url
    parts = urlsplit(url)
    backend = SMS_SCHEMES.get(parts.scheme)
    if backend is None:
        if "." in parts.scheme.replace("+", "."):  # a dotted path to another backend class
            return import_string(url)(parts)
        raise ImproperlyConfigured(f"SMS_URL={url!r}: console:, file:///folder or ovh://…")
    return backend(parts)
