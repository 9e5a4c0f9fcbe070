"""Pages light for a phone on a poor connection: each key page of each role, with everything it loads, is at most
100 KB compressed and 10 requests (issue 24).

Chromium loads each page from the live server with an empty cache and counts every request the page makes
(style sheets, scripts, images, fonts, charts…). The bytes counted are each answer's body as a production server
sends it: static files gzip-compressed at WhiteNoise's level (collectstatic stores a .gz and a .br of each; the
test server, without collectstatic, sends them raw, so the test compresses them itself), and pages and other
answers gzip-compressed as the reverse proxy in front of gunicorn does (README); an answer the server already
compressed is counted as sent. Brotli, which browsers prefer, is smaller still.
"""

import gzip

import pytest

from tests.web.test_layout_browser import browser, make_world, new_page, sign_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_BYTES = 100_000
MAX_REQUESTS = 10


def key_pages(world) -> dict[str, list[tuple[str, str]]]:
    device, referral, kit = world["device"], world["referral"], world["kit"]
    return {
        "warehouse": [("home", "/home/"), ("devices", "/devices/"), ("device", f"/devices/{device.asset_tag}/")],
        "mediator": [
            ("home", "/home/"),
            ("referrals", "/referrals/"),
            ("referral", f"/referrals/{referral.pk}/"),
            ("shelf", "/kits/"),
            ("kit", f"/kits/{kit.pk}/"),
            ("handover", f"/kits/{kit.pk}/handover/"),
        ],
        "coordinator": [("home", "/home/"), ("dashboard", "/dashboard/"), ("audit", "/audit/")],
        "social_worker": [
            ("home", "/home/"),
            ("referral-new", "/referrals/new/"),
            ("referrals", "/referrals/"),
            ("referral", f"/referrals/{referral.pk}/"),
        ],
    }


def compressed_size(response) -> int:
    """The bytes of the answer's body on the wire, compressed as production sends it."""
    if response.status in (301, 302, 303, 304, 307, 308):
        return 0
    body = response.body()
    if response.headers.get("content-encoding") in ("gzip", "br", "deflate"):
        return int(response.headers.get("content-length") or len(body))
    return len(gzip.compress(body, compresslevel=9))


def weigh(page, url: str) -> tuple[int, list[tuple[str, int]]]:
    """Load `url` with an empty cache; the total compressed bytes and each request with its bytes."""
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    sizes = [(response.url, compressed_size(response)) for response in responses]
    return sum(size for _url, size in sizes), sizes


@pytest.mark.parametrize("role", ["warehouse", "mediator", "coordinator", "social_worker"])
def test_every_key_page_is_light_for_a_phone(new_page, live_server, role):  # noqa: F811
    world = make_world()
    page = new_page()
    sign_in(page, live_server, world["users"][role].username)
    heavy = []
    for name, path in key_pages(world)[role]:
        # A fresh context for each page: an empty cache, as the first visit on a phone.
        fresh = new_page()
        fresh.context.add_cookies(page.context.cookies())
        total, sizes = weigh(fresh, live_server.url + path)
        print(f"{role} {name}: {total / 1000:.1f} KB in {len(sizes)} requests")
        assert fresh.url.endswith(path), f"{role} {name}: landed on {fresh.url}, not {path}"
        if total > MAX_BYTES or len(sizes) > MAX_REQUESTS:
            heavy.append(f"{role} {name} ({path}): {total:,} bytes in {len(sizes)} requests: {sizes}")
    assert not heavy, "\n".join(heavy)
