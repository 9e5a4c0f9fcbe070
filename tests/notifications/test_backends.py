"""Backends from the environment; OVHcloud's SMS API through its official client, against a local fake server."""

import hashlib
import json

import pytest
from django.utils import timezone

from notifications.backends import ConsoleSmsBackend, FileSmsBackend, PermanentFailure, Sms, sms_backend

SERVICE = "sms-ab12345-1"


def ovh_url(httpserver, **query) -> str:
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return f"ovh://APPKEY:APPSECRET@ovh-eu/{SERVICE}?consumer_key=CONSUMER&api={httpserver.url_for('/1.0')}{extra}"


@pytest.fixture
def ovh_time(httpserver):
    now = int(timezone.now().timestamp())
    httpserver.expect_request("/1.0/auth/time").respond_with_data(str(now))
    return now


def test_sms_url_names_the_backend(tmp_path):
    assert isinstance(sms_backend("console:"), ConsoleSmsBackend)
    assert isinstance(sms_backend(f"file://{tmp_path}"), FileSmsBackend)


def test_the_ovh_adapter_posts_a_signed_job(httpserver, ovh_time):
    httpserver.expect_request(f"/1.0/sms/{SERVICE}/jobs", method="POST").respond_with_json(
        {"ids": [42], "invalidReceivers": [], "validReceivers": ["+33698765432"], "totalCreditsRemoved": 1}
    )
    sms_backend(ovh_url(httpserver, sender="BAGAGE")).send(Sms(to="+33698765432", text="Bonjour", kind="kit_ready"))
    (request, _response), *_ = [(r, a) for r, a in httpserver.log if r.path.endswith("/jobs")]
    body = json.loads(request.get_data())
    assert body["receivers"] == ["+33698765432"] and body["message"] == "Bonjour" and body["sender"] == "BAGAGE"
    assert request.headers["X-Ovh-Application"] == "APPKEY"
    assert request.headers["X-Ovh-Consumer"] == "CONSUMER"
    # The client's signature, as OVHcloud checks it: $1$ + sha1(secret+consumer+method+url+body+timestamp).
    stamp = request.headers["X-Ovh-Timestamp"]
    raw = "+".join(["APPSECRET", "CONSUMER", "POST", httpserver.url_for(request.path), request.get_data(as_text=True)])
    assert request.headers["X-Ovh-Signature"] == "$1$" + hashlib.sha1(f"{raw}+{stamp}".encode()).hexdigest()


def test_a_number_the_provider_refuses_fails_for_good(httpserver, ovh_time):
    httpserver.expect_request(f"/1.0/sms/{SERVICE}/jobs", method="POST").respond_with_json(
        {"ids": [], "invalidReceivers": ["+33698765432"], "validReceivers": []}
    )
    with pytest.raises(PermanentFailure) as refused:
        sms_backend(ovh_url(httpserver)).send(Sms(to="+33698765432", text="Bonjour", kind="kit_ready"))
    assert refused.value.reason == "invalid_number"


def test_bad_credentials_fail_for_good(httpserver, ovh_time):
    httpserver.expect_request(f"/1.0/sms/{SERVICE}/jobs", method="POST").respond_with_json(
        {"errorCode": "INVALID_CREDENTIAL", "message": "This credential is not valid"}, status=403
    )
    with pytest.raises(PermanentFailure) as refused:
        sms_backend(ovh_url(httpserver)).send(Sms(to="+33698765432", text="Bonjour", kind="kit_ready"))
    assert refused.value.reason == "provider_credentials"


def test_the_file_backend_writes_one_json_file_per_sms(tmp_path):
    backend = sms_backend(f"file://{tmp_path}")
    backend.send(Sms(to="+33600000001", text="Un", kind="kit_ready"))
    backend.send(Sms(to="+33600000002", text="Deux", kind="hold_reminder"))
    payloads = sorted((json.loads(p.read_text()) for p in tmp_path.iterdir()), key=lambda p: p["to"])
    assert payloads == [
        {"to": "+33600000001", "text": "Un", "kind": "kit_ready"},
        {"to": "+33600000002", "text": "Deux", "kind": "hold_reminder"},
    ]
