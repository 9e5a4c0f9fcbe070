"""What a locked-out sign-in gets (django-axes): a 429 that says how long to wait, and a line in the log."""

import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from common.urls import API_PREFIX

logger = logging.getLogger("bagage.security")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the BAGAGE_PROXY_COUNT-th trusted proxy saw. An entry
    that is no address (empty, or text a client wrote where fewer proxies than counted forwarded it) is not
    used: REMOTE_ADDR is, so that nobody is counted under a name of their choosing."""
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    count = settings.BAGAGE_PROXY_COUNT
    if not count or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    try:
        return str(ipaddress.ip_address(addresses[-min(count, len(addresses))]))
    except ValueError:
        return remote_addr


def client_network(request: HttpRequest) -> str | None:
    """Whom a per-address limit counts: the client's IPv4 address, or its IPv6 /64. One IPv6 subscriber holds a
    whole /64 (2^64 addresses): counted one by one, each request could come from a new "client"."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1, an IPv4 client of a dual-stack socket
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def client_lockout_address(request: HttpRequest) -> str | None:
    """Whom the sign-in lock-out counts (django-axes' AXES_CLIENT_IP_CALLABLE), as `client_network` does but as
    one address, which axes stores: an IPv6 client is the first address of its /64. Otherwise every address of a
    /64 would be a fresh start for a guesser, and a colleague whose machine changes its temporary address would
    count as many machines (and lock the account from everywhere)."""
    network = client_network(request)
    if network and network.endswith("/64"):
        return network.split("/", 1)[0]
    try:  # axes keeps it in an address column (inet on PostgreSQL): text that is no address would be a 500
        return str(ipaddress.ip_address(network or ""))
    except ValueError:
        return None


def retry_after_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Answer 429 with Retry-After: JSON `{"detail", "code"}` on the API, a page that says to wait elsewhere."""
    seconds = retry_after_seconds()
    minutes = max(1, round(seconds / 60))
    if request.path.startswith(API_PREFIX):
        detail = _("Too many failed sign-in attempts. Try again in %(minutes)s minutes.") % {"minutes": minutes}
        response = JsonResponse({"detail": detail, "code": "too_many_attempts"}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store, private"
    return response


def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    logger.warning(
        "Sign-in locked out for %s minutes: username=%r address=%s path=%s",
        int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        username,
        ip_address,
        getattr(request, "path", "?"),
    )


class LockoutHandler(AxesDatabaseHandler):
    """Sign-in failures counted per (account, address) pair, and spread over many accounts or many addresses.

    The staff of a reception point share one public address: one person's typos lock that person at that
    address (AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME), never their colleagues. An address is
    locked for every account only once it has failed for BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS accounts
    (credential stuffing), an account for every address only once it has failed from
    BAGAGE_LOCKOUT_ADDRESSES_PER_ACCOUNT addresses (guessing from many machines), within the same cool-off.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures >= limit:
            return failures
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        address = getattr(request, "axes_ip_address", None)
        if address and (
            recent.filter(ip_address=address).values("username").distinct().count()
            >= settings.BAGAGE_LOCKOUT_ACCOUNTS_PER_ADDRESS
        ):
            return limit
        username = get_client_username(request, credentials)
        if username and (
            recent.filter(username=username).values("ip_address").distinct().count()
            >= settings.BAGAGE_LOCKOUT_ADDRESSES_PER_ACCOUNT
        ):
            return limit
        return failures
