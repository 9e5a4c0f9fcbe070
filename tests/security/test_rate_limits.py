"""The API's rate limits (issue 14, item 6): per token, per address, and wrong tokens per address.

Counters live in the database (api.RateCounter), bumped by one upsert per request, so every worker counts on
the same rows: the threaded test below gives each request its own connection, as gunicorn's workers have;
tests/ops/test_gunicorn.py replays it against four real workers.
"""

import itertools
import threading
import time
import types

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from accounts.services import token_issue
from api import throttling
from api.models import IdempotencyRecord, RateCounter
from api.throttling import Limit, count_requests
from inventory.models import Device, Donor
from tests.conftest import ApiClient, at_once
from tests.factories import PASSWORD, UserFactory, valid_imei

pytestmark = pytest.mark.django_db


def refused(response) -> bool:
    return response.status_code == 429


def test_a_token_past_its_rate_is_refused_with_the_time_to_wait(settings, warehouse_api):
    settings.BAGAGE_API_RATE_TOKEN = "5/min"
    assert [warehouse_api.get("donors").status_code for _ in range(5)] == [200] * 5
    sixth = warehouse_api.get("donors")
    assert sixth.status_code == 429
    assert sixth.json()["code"] == "rate_limited"
    assert set(sixth.json()) >= {"detail", "code"}
    assert 1 <= int(sixth["Retry-After"]) <= 120


def test_a_refused_write_changes_nothing(settings, warehouse_api):
    settings.BAGAGE_API_RATE_TOKEN = "2/min"
    assert warehouse_api.post("donors", {"name": "Acme", "kind": "company"}).status_code == 201
    assert warehouse_api.post("donors", {"name": "Beta", "kind": "company"}).status_code == 201
    third = warehouse_api.post("donors", {"name": "Gamma", "kind": "company"})
    assert third.status_code == 429
    assert sorted(Donor.objects.values_list("name", flat=True)) == ["Acme", "Beta"]


def test_the_limit_is_per_token_not_per_person(settings, warehouse_user):
    settings.BAGAGE_API_RATE_TOKEN = "3/min"
    first, second = ApiClient(warehouse_user), ApiClient(warehouse_user)
    assert [first.get("donors").status_code for _ in range(3)] == [200] * 3
    assert refused(first.get("donors"))
    assert second.get("donors").status_code == 200


def test_the_browser_session_is_counted_per_user(settings, warehouse_user):
    settings.BAGAGE_API_RATE_TOKEN = "3/min"
    browser = Client()
    browser.force_login(warehouse_user)
    assert [browser.get("/api/v1/donors").status_code for _ in range(3)] == [200] * 3
    assert refused(browser.get("/api/v1/donors"))
    assert RateCounter.objects.filter(key=f"token:u{warehouse_user.pk}").exists()


def test_an_address_past_its_rate_is_refused_whatever_the_tokens(settings, warehouse_user, mediator_user):
    settings.BAGAGE_API_RATE_ADDRESS = "4/min"
    clients = [ApiClient(warehouse_user), ApiClient(mediator_user), ApiClient(warehouse_user)]
    for api in clients:
        api.client = Client(REMOTE_ADDR="198.51.100.9")
    assert [clients[n % 2].get("donors").status_code for n in range(4)] == [200] * 4
    fifth = clients[2].get("donors")
    assert fifth.status_code == 429
    assert fifth.json()["code"] == "rate_limited"
    # Another address is not refused.
    clients[2].client = Client(REMOTE_ADDR="198.51.100.10")
    assert clients[2].get("donors").status_code == 200


def test_anonymous_operations_are_counted_per_address(settings, anon_api):
    settings.BAGAGE_API_RATE_ADDRESS = "3/min"
    # The national open-data file of the reception points: public.
    path = "sites/lieux-mediation-numerique.json"
    assert [anon_api.get(path).status_code for _ in range(3)] == [200] * 3
    assert anon_api.get(path).json()["code"] == "rate_limited"


def test_wrong_tokens_are_refused_after_a_few_per_address(settings, warehouse_user):
    settings.BAGAGE_API_BAD_TOKEN_RATE = "3/min"
    guesser = Client(REMOTE_ADDR="203.0.113.5")
    wrong = {"Authorization": "Bearer bgt_not-a-real-token"}
    assert [guesser.get("/api/v1/donors", headers=wrong).status_code for _ in range(3)] == [401] * 3
    fourth = guesser.get("/api/v1/donors", headers=wrong)
    assert fourth.status_code == 429
    assert fourth.json()["code"] == "too_many_attempts"
    assert int(fourth["Retry-After"]) >= 1
    # A good token from that address is not refused by the count of wrong ones, nor is another address.
    good = token_issue(username=warehouse_user.username, password=PASSWORD, label="t").secret
    assert guesser.get("/api/v1/donors", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    other = Client(REMOTE_ADDR="203.0.113.6")
    assert other.get("/api/v1/donors", headers=wrong).status_code == 401


def test_a_revoked_token_counts_as_a_wrong_one(settings, warehouse_api):
    settings.BAGAGE_API_BAD_TOKEN_RATE = "1/min"
    token_id = warehouse_api.get("auth/tokens").json()[0]["id"]
    assert warehouse_api.delete(f"auth/tokens/{token_id}").status_code in (200, 204)
    assert warehouse_api.get("donors").status_code == 401
    assert warehouse_api.get("donors").status_code == 429


def test_ipv6_clients_are_counted_by_their_64(settings, warehouse_user):
    """One subscriber holds a whole /64: a new address in it for each request is still the same client."""
    settings.BAGAGE_API_BAD_TOKEN_RATE = "3/min"
    wrong = {"Authorization": "Bearer bgt_not-a-real-token"}
    answers = [
        Client(REMOTE_ADDR=f"2001:db8:5:7::{n:x}").get("/api/v1/donors", headers=wrong).status_code for n in range(8)
    ]
    assert answers == [401] * 3 + [429] * 5
    assert RateCounter.objects.filter(key__startswith="bad_token:").count() == 1
    assert Client(REMOTE_ADDR="2001:db8:5:8::1").get("/api/v1/donors", headers=wrong).status_code == 401


def test_a_forwarded_entry_that_is_no_address_counts_as_the_connection(settings, warehouse_user):
    """With more proxies counted than forwarded a request, the client's own text would be the address: an entry
    that is no address is not used, nor an empty one."""
    settings.BAGAGE_PROXY_COUNT = 2
    settings.BAGAGE_API_RATE_ADDRESS = "3/min"
    proxy = Client(REMOTE_ADDR="192.0.2.1")
    path = "/api/v1/sites/lieux-mediation-numerique.json"
    statuses = [proxy.get(path, headers={"X-Forwarded-For": forged}).status_code for forged in ("a", "b", ", c", "")]
    assert statuses == [200, 200, 200, 429]
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["address:192.0.2.1"]


def test_a_throttled_write_is_not_kept_for_its_idempotency_key(settings, warehouse_api):
    """A 429 asks the client to retry later, and with the same key: the retry registers the device."""
    settings.BAGAGE_API_RATE_TOKEN = "1/min"
    phone = {"kind": "smartphone", "brand": "Fairphone", "model": "4", "imei": valid_imei(2718)}
    assert warehouse_api.get("me").status_code == 200
    throttled = warehouse_api.post("devices", phone, headers={"Idempotency-Key": "scan-7"})
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) >= 1
    assert not IdempotencyRecord.objects.exists()
    RateCounter.objects.all().delete()  # the minute has passed
    retried = warehouse_api.post("devices", phone, headers={"Idempotency-Key": "scan-7"})
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Device.objects.filter(imei=phone["imei"]).count() == 1


def test_a_stranger_s_writes_leave_no_idempotency_record(anon_api):
    for n in range(3):
        answer = anon_api.post(
            "referrals", {}, headers={"Authorization": f"Bearer bgt_made-up-{n}", "Idempotency-Key": f"k{n}"}
        )
        assert answer.status_code == 401
    assert not IdempotencyRecord.objects.exists()


# --- counted with the token's lookup ---


def counts() -> dict[str, int]:
    """The requests each counter counted: this slot's and, should the test have crossed into the next minute,
    the previous one's (each counter is new in each test)."""
    return {counter.key: counter.hits + counter.previous for counter in RateCounter.objects.all()}


def test_a_token_request_is_counted_once_against_each_limit(settings, warehouse_user):
    settings.BAGAGE_API_RATE_TOKEN = settings.BAGAGE_API_RATE_ADDRESS = "100/min"
    api = ApiClient(warehouse_user)
    api.client = Client(REMOTE_ADDR="198.51.100.20")
    token_id = warehouse_user.api_tokens.get().pk
    for _ in range(3):
        assert api.get("donors").status_code == 200
    assert counts() == {f"token:t{token_id}": 3, "address:198.51.100.20": 3}


@pytest.mark.parametrize(("token_rate", "address_rate"), [("100/min", ""), ("", "100/min"), ("", "")])
def test_only_the_limits_set_are_counted(settings, warehouse_user, token_rate, address_rate):
    settings.BAGAGE_API_RATE_TOKEN, settings.BAGAGE_API_RATE_ADDRESS = token_rate, address_rate
    api = ApiClient(warehouse_user)
    api.client = Client(REMOTE_ADDR="198.51.100.21")
    for _ in range(2):
        assert api.get("donors").status_code == 200
    token_id = warehouse_user.api_tokens.get().pk
    expected = {f"token:t{token_id}": 2} if token_rate else {}
    expected |= {"address:198.51.100.21": 2} if address_rate else {}
    assert counts() == expected


def test_on_postgresql_the_token_and_its_counts_take_one_statement(settings, warehouse_api):
    """Every API request with a token looked it up, then counted itself: two round trips before its own work. On
    PostgreSQL one statement does both; SQLite, whose WITH holds no INSERT, still sends two."""
    settings.BAGAGE_API_RATE_TOKEN = settings.BAGAGE_API_RATE_ADDRESS = "100/min"
    assert warehouse_api.get("me").status_code == 200  # the token's last use noted: not part of what is counted
    with CaptureQueriesContext(connection) as captured:
        assert warehouse_api.get("me").status_code == 200
    touching = [q["sql"] for q in captured if "api_ratecounter" in q["sql"] or "accounts_apitoken" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(touching) == 1
        assert "accounts_apitoken" in touching[0] and "INSERT INTO api_ratecounter" in touching[0]
    else:
        assert len(touching) == 2
        assert "INSERT" not in touching[0] and touching[1].startswith("INSERT INTO api_ratecounter")


def test_a_wrong_or_revoked_token_counts_against_no_limit_of_the_api(settings, warehouse_api):
    settings.BAGAGE_API_RATE_TOKEN = settings.BAGAGE_API_RATE_ADDRESS = "100/min"
    stranger = Client(REMOTE_ADDR="203.0.113.40")
    assert stranger.get("/api/v1/donors", headers={"Authorization": "Bearer bgt_made-up"}).status_code == 401
    assert set(counts()) == {"bad_token:203.0.113.40"}
    token_id = warehouse_api.get("auth/tokens").json()[0]["id"]
    assert warehouse_api.delete(f"auth/tokens/{token_id}").status_code in (200, 204)
    before = counts()
    warehouse_api.client = Client(REMOTE_ADDR="203.0.113.41")
    assert warehouse_api.get("donors").status_code == 401
    assert counts() == before | {"bad_token:203.0.113.41": 1}


@pytest.mark.parametrize("counted_with_the_token", [True, False])
def test_a_throttle_of_other_rates_counts_each_request_once(settings, warehouse_user, counted_with_the_token):
    """An operation whose ApiRateThrottle had rates of its own would meet counts the token's lookup made for the
    settings' rates: the same counters (a minute each), counted once, judged by its own rates."""
    from api.auth import BearerTokenAuth
    from api.throttling import ApiRateThrottle

    settings.BAGAGE_API_RATE_TOKEN = settings.BAGAGE_API_RATE_ADDRESS = "100/min"
    secret = token_issue(username=warehouse_user.username, password=PASSWORD, label="t").secret
    strict = ApiRateThrottle(token_rate="1/min", address_rate="5/min")
    allowed = []
    for _ in range(2):
        request = RequestFactory().get("/api/v1/donors", REMOTE_ADDR="198.51.100.30")
        if counted_with_the_token:
            request.auth = BearerTokenAuth().authenticate(request, secret)
        else:
            request.auth = warehouse_user
            request.api_token_id = warehouse_user.api_tokens.get().pk
        allowed.append(strict.allow_request(request))
    assert allowed == [True, False]
    token_id = warehouse_user.api_tokens.get().pk
    assert counts() == {f"token:t{token_id}": 2, "address:198.51.100.30": 2}


def test_every_operation_a_token_can_call_is_counted_by_the_api_s_own_limits():
    """The token's lookup counts the request against the API's limits (the settings' rates) and the operation's
    ApiRateThrottle decides on those counts: an operation with other limits, or none, would count it twice, or
    for nothing."""
    from api.api import api as bagage_api
    from api.auth import BearerTokenAuth
    from api.throttling import ApiRateThrottle, api_limits

    checked = 0
    for router in bagage_api._get_bound_routers():  # the operations as they run: the API's auth and throttles set
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if not any(isinstance(auth, BearerTokenAuth) for auth in operation.auth_callbacks):
                    continue
                throttles = [t for t in operation.throttle_objects if isinstance(t, ApiRateThrottle)]
                assert len(throttles) == 1, operation.view_func
                assert throttles[0].limits() == api_limits(), operation.view_func
                checked += 1
    assert checked > 50


# --- the counter itself ---

MINUTE = Limit("test", 10, 60)


def hit(now: float, client: str = "a") -> float:
    """Count one request at `now`; the wait (0 when allowed)."""
    ((_limit, _estimate, wait),) = count_requests([(MINUTE, client)], now)
    return wait


def test_the_window_slides_the_previous_minute_out():
    start = 6_000_000.0 * 60  # the start of a slot
    assert [hit(start + n) for n in range(10)] == [0] * 10
    assert hit(start + 10) > 0  # the eleventh in the same minute
    # At the start of the next minute the last one still weighs almost fully: refused.
    assert hit(start + 60.5) > 0
    # Near its end the previous minute's 11 weigh little: allowed again.
    assert hit(start + 119) == 0


def test_a_slot_long_past_counts_nothing():
    start = 6_000_000.0 * 60
    for n in range(12):
        hit(start + n)
    assert hit(start + 600) == 0
    counter = RateCounter.objects.get(key="test:a")
    assert (counter.hits, counter.previous) == (1, 0)


def test_the_wait_is_when_the_estimate_falls_under_the_limit():
    start = 6_000_000.0 * 60
    for n in range(20):
        hit(start + n)
    # 21 counted in this minute: wait for its end, then for 21 * (1 - f) + 1 <= 10 ... about half a minute more.
    wait = hit(start + 30)
    assert 30 + 60 * (1 - 10 / 21) - 1 <= wait <= 30 + 60 * (1 - 10 / 21) + 1


def test_a_request_of_the_last_minute_written_after_one_of_this_minute_loses_no_count():
    """Each request takes its instant before its upsert waits for the row: across a minute's end, one of the
    minute before can be written after one of the new minute. The row never goes back to the older slot (that
    reset the counts: 20 concurrent requests once all passed a limit of 10), and the late request is counted in
    the previous slot, then judged at the start of the slot the row is in."""
    start = 6_000_000.0 * 60
    for n in range(9):
        assert hit(start + 50 + n) == 0
    assert hit(start + 60.1) == 0  # the tenth, in the new minute
    assert hit(start + 59.9) > 0  # the eleventh, of the minute before, written after it: refused
    counter = RateCounter.objects.get(key="test:a")
    assert (counter.slot, counter.hits, counter.previous) == (6_000_001, 1, 10)
    assert counter.stale_after == (6_000_001 + 2) * 60
    assert hit(start + 60.2) > 0  # and the row kept every count
    # A request older than the window the row is in counts nothing, and changes nothing.
    assert hit(start - 30) > 0
    counter.refresh_from_db()
    assert (counter.slot, counter.hits, counter.previous) == (6_000_001, 2, 10)


def test_interleaved_requests_across_a_minute_end_let_exactly_the_rate_through():
    start = 6_000_000.0 * 60
    waits = [hit(start + 59.9 if n % 2 else start + 60.1) for n in range(20)]
    assert [wait == 0 for wait in waits] == [True] * 10 + [False] * 10


def test_clients_are_counted_apart():
    start = 6_000_000.0 * 60
    for n in range(10):
        hit(start + n, "a")
    assert hit(start + 11, "a") > 0
    assert hit(start + 11, "b") == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_their_own_connections_let_exactly_the_rate_through(settings):
    settings.BAGAGE_API_RATE_TOKEN = "10/min"
    user = UserFactory(warehouse=True, username="rush")
    token = token_issue(username=user.username, password=PASSWORD, label="rush").secret
    statuses = at_once(
        lambda: Client().get("/api/v1/donors", headers={"Authorization": f"Bearer {token}"}).status_code, 20
    )
    assert sorted(statuses, key=str) == [200] * 10 + [429] * 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_across_a_minute_end_let_exactly_the_rate_through(settings, monkeypatch):
    """The requests take their instants alternately 50 ms before and after a minute's end, then race for the
    counter (its upsert with the token's lookup on PostgreSQL, on its own on SQLite): once, all 20 passed."""
    settings.BAGAGE_API_RATE_TOKEN = "10/min"
    minute_end = 6_000_000.0 * 60
    instants, instants_lock = itertools.count(), threading.Lock()

    def time_now() -> float:
        with instants_lock:
            n = next(instants)
        return minute_end - 0.05 if n % 2 else minute_end + 0.05

    monkeypatch.setattr(throttling, "time", types.SimpleNamespace(time=time_now))
    user = UserFactory(warehouse=True, username="rush")
    token = token_issue(username=user.username, password=PASSWORD, label="rush").secret
    statuses = at_once(
        lambda: Client().get("/api/v1/donors", headers={"Authorization": f"Bearer {token}"}).status_code, 20
    )
    assert sorted(statuses, key=str) == [200] * 10 + [429] * 10
    counter = RateCounter.objects.get(key=f"token:t{ApiToken.objects.get(user=user).pk}")
    assert (counter.slot, counter.hits + counter.previous) == (6_000_000, 20)


def test_purge_expired_deletes_only_what_counts_nothing_any_more():
    from io import StringIO

    from django.core.management import call_command

    now = time.time()
    count_requests([(MINUTE, "old")], now - 180)  # its slot and the next are over
    count_requests([(MINUTE, "fresh")], now)
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["test:fresh"]
    assert "Deleted 1 rate counter(s)" in out.getvalue()
