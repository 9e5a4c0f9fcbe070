"""The API's rate limits, whose counts cannot be raced: one counter row per client, bumped by one upsert.

django-ninja's `SimpleRateThrottle` reads the history from the cache, decides, then writes it back; two
workers answering at once both read the same history and both let their request through (13 of 20
concurrent requests passed a limit of 10). Here every limit (per token, per address, wrong tokens, tokens
asked) is a sliding-window counter in one table, api.RateCounter, that the database bumps atomically.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from accounts.models import ApiToken
from accounts.services import token_authenticate, token_authenticate_alongside
from api.models import RateCounter
from common.compiled import ALONGSIDE_FOUND, Alongside
from common.lockout import client_network


@dataclass(frozen=True)
class Limit:
    """At most `requests` per `seconds`, for the clients of one scope ("token", "user", "address", …)."""

    scope: str
    requests: int
    seconds: int

    @classmethod
    def parse(cls, scope: str, rate: str | None) -> "Limit | None":
        """A limit from "1200/min" ("N/s", "N/m", "N/h", "N/d", as django-ninja writes rates); None when unset."""
        # django-ninja's parser reads only the class's table of periods.
        requests, seconds = SimpleRateThrottle.parse_rate(SimpleRateThrottle, rate) if rate else (None, None)
        return cls(scope, requests, seconds) if requests and seconds else None


def token_client(token_id: object) -> str:
    """The client an API token's requests count as (a signed-in user's session counts as "u<id>")."""
    return f"t{token_id}"


def counter_key(limit: Limit, client: str) -> str:
    """The counter row of a client under a limit (api.RateCounter's key)."""
    return f"{limit.scope}:{client}"[:200]


def _upsert(rows: str) -> str:
    """The upsert that counts one more request for each row of `rows` (key, slot, 1, 0, stale_after).

    Each request takes its instant before its upsert waits for the row, so across a slot's end one of the slot
    before can be written after one of the new slot: the row never goes back to an older slot (that reset its
    counts); a request of the slot before the row's is counted in `previous`, an older one in nothing."""
    table = RateCounter._meta.db_table
    newer = f"{table}.slot > excluded.slot"
    return (
        f"INSERT INTO {table} (key, slot, hits, previous, stale_after) {rows} "
        f"ON CONFLICT (key) DO UPDATE SET "
        f"previous = CASE WHEN {table}.slot = excluded.slot THEN {table}.previous "
        f"WHEN {table}.slot = excluded.slot - 1 THEN {table}.hits "
        f"WHEN {table}.slot = excluded.slot + 1 THEN {table}.previous + 1 "
        f"WHEN {newer} THEN {table}.previous ELSE 0 END, "
        f"hits = CASE WHEN {table}.slot = excluded.slot THEN {table}.hits + 1 WHEN {newer} THEN {table}.hits "
        f"ELSE 1 END, "
        f"slot = CASE WHEN {newer} THEN {table}.slot ELSE excluded.slot END, "
        f"stale_after = CASE WHEN {newer} THEN {table}.stale_after ELSE excluded.stale_after END "
        f"RETURNING key, slot, hits, previous"
    )


def _counts(returned: list[tuple]) -> dict[str, tuple[int, int, int]]:
    """What `_upsert` returned, by counter key: (the row's slot, its count, the previous slot's)."""
    return {key: (slot, current, previous) for key, slot, current, previous in returned}


def _slot(limit: Limit, now: float) -> tuple[int, int]:
    """The slot `now` falls in, and the Unix time after which its count weighs nothing (the next slot's end)."""
    slot = int(now // limit.seconds)
    return slot, (slot + 2) * limit.seconds


def count_requests(hits: list[tuple[Limit, str]], now: float) -> list[tuple[Limit, float, float]]:
    """Count one more request for each (limit, client); return each limit with the client's estimated rate and,
    when over it, how long to wait.

    A sliding-window counter: each client has the count of the current slot of the limit's period and of the
    previous one; the estimate weighs the previous slot by how much of it the sliding window still covers. All
    counters are bumped by one INSERT … ON CONFLICT DO UPDATE … RETURNING (PostgreSQL, SQLite >= 3.35): the
    database applies concurrent upserts of a row one after another, whichever worker sends them. Refused
    requests count too, so that a client that keeps hammering stays refused.
    """
    return judged(hits, _count(hits, now), now)


def _count(hits: list[tuple[Limit, str]], now: float) -> dict[str, tuple[int, int, int]]:
    """Count one more request for each (limit, client): each counter's key with its slot and counts (the slot's,
    the previous slot's)."""
    rows, params = [], []
    for limit, client in hits:
        rows.append("(%s, %s, 1, 0, %s)")
        params += [counter_key(limit, client), *_slot(limit, now)]
    with connection.cursor() as cursor:
        cursor.execute(_upsert(f"VALUES {', '.join(rows)}"), params)
        return _counts(cursor.fetchall())


def judged(
    hits: list[tuple[Limit, str]], counts: dict[str, tuple[int, int, int]], now: float
) -> list[tuple[Limit, float, float]]:
    """Each limit with the client's estimated rate and how long to wait (0: allowed), from what the upsert
    returned by counter key (the row's slot, its count, the previous slot's). A request whose counter is in a
    later slot than its instant's (written after one of that slot) is judged at that slot's start."""
    results = []
    for limit, client in hits:
        slot, current, previous = counts[counter_key(limit, client)]
        at = max(now, slot * limit.seconds)
        elapsed = (at % limit.seconds) / limit.seconds
        estimate = previous * (1 - elapsed) + current
        wait = 0.0
        if estimate > limit.requests:
            if current <= limit.requests and previous:
                # Within this slot, once the previous slot's weight has fallen enough.
                wait = ((1 - (limit.requests - current) / previous) - elapsed) * limit.seconds
            else:
                # Past the next slot's start, once this slot's count (then the previous one) weighs little enough.
                wait = (1 - elapsed) * limit.seconds + (1 - limit.requests / current) * limit.seconds
            wait += at - now
        results.append((limit, estimate, max(wait, 1.0) if estimate > limit.requests else 0.0))
    return results


def api_limits(token_rate: str | None = None, address_rate: str | None = None) -> tuple[Limit | None, Limit | None]:
    """The API's limits per token (or signed-in user) and per address: these rates, else the settings' (read at
    each request: tests and a deployment's environment change them)."""
    token_rate = token_rate or settings.BAGAGE_API_RATE_TOKEN
    address_rate = address_rate or settings.BAGAGE_API_RATE_ADDRESS
    return Limit.parse("token", token_rate), Limit.parse("address", address_rate)


def _hits(request: HttpRequest, limits: tuple[Limit | None, Limit | None], client: str | None) -> list:
    """What one API request counts against: its token's (or user's) limit, when it has a caller, and its
    address's."""
    token_limit, address_limit = limits
    hits = []
    if token_limit and client is not None:
        hits.append((token_limit, client))
    address = client_network(request)
    if address_limit and address:
        hits.append((address_limit, address))
    return hits


@dataclass(frozen=True)
class _Counted:
    """A request counted with its token's lookup (token_authenticate_counted), for ApiRateThrottle to decide on."""

    counts: dict[str, tuple[int, int, int]]  # by counter key: (slot, its count, the previous slot's)
    periods: dict[str, int]  # by counter key: the period (seconds) it was counted for
    now: float


# The request's attribute holding its _Counted.
_COUNTED = "api_rate_counted"


def token_authenticate_counted(request: HttpRequest, secret: str) -> ApiToken | None:
    """accounts.services.token_authenticate, counting the request against the API's limits (ApiRateThrottle's,
    as the settings set them) in the same statement, where the database can: every API request with a token
    made two round trips before its own queries, now one. The counts are taken at this instant (time.time()) and
    left on the request; the operation's ApiRateThrottle decides on them, and counts itself what they do not
    cover (everything, where the statement could not run: SQLite). A token that is not found counts nothing here:
    wrong tokens count per address (bad_token_allowed); a session that signs the request in instead is counted
    by the throttle, as its user's."""
    token_limit, address_limit = api_limits()
    now = time.time()
    rows, params, periods = [], [], {}
    if token_limit:
        # The token's client ("t" and its id) is known only once found: the statement writes it from the row.
        rows.append(f"(%s::text || {ALONGSIDE_FOUND}.{ApiToken._meta.pk.attname}, %s::bigint, %s::bigint)")
        params += [counter_key(token_limit, token_client("")), *_slot(token_limit, now)]
    for limit, address in _hits(request, (None, address_limit), client=None):
        rows.append("(%s::text, %s::bigint, %s::bigint)")
        params += [counter_key(limit, address), *_slot(limit, now)]
        periods[counter_key(limit, address)] = limit.seconds
    if not rows:
        return token_authenticate(secret)
    upsert = _upsert(
        f"SELECT hit.key, hit.slot, 1, 0, hit.stale_after FROM {ALONGSIDE_FOUND} "
        f"CROSS JOIN LATERAL (VALUES {', '.join(rows)}) AS hit (key, slot, stale_after)"
    )
    token, counted = token_authenticate_alongside(secret, Alongside(upsert, tuple(params)))
    if token is not None and counted is not None:
        if token_limit:
            periods[counter_key(token_limit, token_client(token.pk))] = token_limit.seconds
        setattr(request, _COUNTED, _Counted(_counts(counted), periods, now))
    return token


class ApiRateThrottle(BaseThrottle):
    """Every API operation: at most BAGAGE_API_RATE_TOKEN requests per token (or per signed-in user, for the
    browser's session) and BAGAGE_API_RATE_ADDRESS per address, counted in the database (api.RateCounter), so
    that every worker of every server shares the counts. One query per request, or none when the token's lookup
    counted it already (token_authenticate_counted: then the instant it counted at is the one judged, not
    `timer()`). A refused request answers 429 `rate_limited` with Retry-After."""

    def __init__(self, *, token_rate: str | None = None, address_rate: str | None = None):
        self._token_rate, self._address_rate = token_rate, address_rate
        self._local = threading.local()

    def limits(self) -> tuple[Limit | None, Limit | None]:
        return api_limits(self._token_rate, self._address_rate)

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        auth = getattr(request, "auth", None)
        client = None
        if auth is not None:
            token_id = getattr(request, "api_token_id", None)
            client = token_client(token_id) if token_id is not None else f"u{auth.pk}"
        hits = _hits(request, self.limits(), client)
        counted = request.__dict__.pop(_COUNTED, None)
        if not hits:
            return True
        counts, periods = {}, {}
        if counted is None:
            now = self.timer()
        else:
            counts, periods, now = counted.counts, counted.periods, counted.now
        # What the token's lookup did not count (or counted for another period than this limit's) is counted now.
        fresh = [(limit, client) for limit, client in hits if periods.get(counter_key(limit, client)) != limit.seconds]
        if fresh:
            counts = {**counts, **_count(fresh, now)}
        results = judged(hits, counts, now)
        waits = [wait for _limit, _estimate, wait in results if wait]
        if not waits:
            return True
        self._local.wait = max(waits)
        request.throttled_code = "rate_limited"
        return False

    def timer(self) -> float:
        return time.time()

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


class AtomicAnonRateThrottle(BaseThrottle):
    """One operation (asking a token): at most `rate` requests per address, counted like every other limit.

    A refused request answers 429 `too_many_attempts` with Retry-After (the lockout's code: the cure is the same).
    """

    def __init__(self, rate: str | None, scope: str):
        # Keys of its own: `anon_token:<address>` never meets the per-token limit's `token:t<id>`.
        self.limit = Limit.parse(f"anon_{scope}", rate)
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        address = client_network(request)
        if self.limit is None or not address:
            return True
        ((_limit, _estimate, wait),) = count_requests([(self.limit, address)], time.time())
        self._local.wait = wait or None
        return not wait

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def bad_token_allowed(request: HttpRequest) -> float | None:
    """Count a request whose bearer token is unknown, revoked or of a deactivated account, per address; None while
    under BAGAGE_API_BAD_TOKEN_RATE, else how long to wait. Tokens cannot be guessed (256 random bits), but an
    address that keeps sending wrong ones is a misconfigured script or worse: it gets 429s instead of 401s."""
    limit = Limit.parse("bad_token", settings.BAGAGE_API_BAD_TOKEN_RATE)
    address = client_network(request)
    if limit is None or not address:
        return None
    ((_limit, _estimate, wait),) = count_requests([(limit, address)], time.time())
    return wait or None
