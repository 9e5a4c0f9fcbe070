"""Helpers for tests that drive Debian's Chromium through Playwright (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import require_or_skip

CHROMIUM = os.environ.get("BAGAGE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(live_server):
    if not os.path.exists(CHROMIUM):
        require_or_skip("BAGAGE_REQUIRE_BROWSER", f"Chromium is not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop; Django then refuses ORM calls from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(10_000)
        # The first page of a live server on a loaded machine (two cores, the suite on every core) can take
        # more than 10 s: a navigation waits longer than an element.
        page.set_default_navigation_timeout(30_000)
        yield page
        # Let the last requests finish, so that no server thread still holds a database connection.
        page.wait_for_load_state("networkidle")
        context.close()
        browser.close()
        # Playwright's sync API keeps an event loop running, so Django's context-local storage
        # hands the tests another database connection inside this block; close it here, or the
        # test database cannot be dropped at the end of the run.
        connections.close_all()


# ---- What every journey looks at on each page ---------------------------------------------------------------

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESK = {"width": 1280, "height": 900}
# From this width a table fits its box; narrower, a table's box may scroll or its rows stack as cards.
TABLET_MIN = 640

# Text that does not fit its own box (a cell, a heading, a button, a label, a card's number…): scrollWidth >
# clientWidth; from tablets up a table wider than its box (its last columns hidden behind a scroll bar); a
# number, a date or a code (a word with a digit, up to 15 characters) broken over two lines between its
# characters; and a page wider than the screen. Each problem says where it is.
CLIPPED = """(tablet) => {
  const where = el => {
    const heading = el.closest("section, main")?.querySelector("h1, h2");
    return `${el.tagName.toLowerCase()} « ${el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40)} »`
      + (heading && heading !== el ? ` under « ${heading.textContent.trim().slice(0, 40)} »` : "");
  };
  const found = [];
  const boxes = ["td", "th", "dt", "dd", "h1", "h2", "h3", "p", "li", "label", "legend", "button", "a.button",
    "summary", "select", ".card .count", ".key-figures dd"].map(tag => "main " + tag).join(", ");
  for (const el of document.querySelectorAll(boxes)) {
    // A visually hidden label (1 px, for screen readers) is meant to be clipped.
    if (!el.checkVisibility() || el.clientWidth <= 1) continue;
    if (["auto", "scroll"].includes(getComputedStyle(el).overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) found.push(`${where(el)}: ${el.scrollWidth}px in ${el.clientWidth}px`);
  }
  if (innerWidth >= tablet) {
    for (const box of document.querySelectorAll("main .table-scroll")) {
      if (!box.checkVisibility() || box.scrollWidth <= box.clientWidth + 1) continue;
      const table = box.querySelector("table");
      const first = where(table.querySelector("th, td") || table);
      found.push(`table ${first}: ${box.scrollWidth}px in a ${box.clientWidth}px box`);
    }
  }
  for (const cell of document.querySelectorAll("main td, main th, main dd, main .count")) {
    if (!cell.checkVisibility()) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // A line may end after a hyphen, a comma or a semicolon; never inside « 03/12/2026 » or « 295 ».
      for (const word of node.data.matchAll(/[^\\s\\-,;]*\\d[^\\s\\-,;]*/g)) {
        if (word[0].length > 15) continue;
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (lines.size > 1) found.push(`${where(cell)}: « ${word[0]} » broken over ${lines.size} lines`);
      }
    }
  }
  const wider = document.documentElement.scrollWidth - innerWidth;
  if (wider > 0) found.push(`the page scrolls sideways by ${wider}px`);
  return found;
}"""


def settle(page) -> None:
    """Let a resize reach the media queries and the page's script before measuring."""
    page.evaluate("new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))")


def clipped(page) -> list[str]:
    """What does not fit on the page as it is now (see CLIPPED)."""
    settle(page)
    return page.evaluate(CLIPPED, TABLET_MIN)


def look(page, name: str, *words: str, widths: tuple[int, ...] = ()) -> str:
    """A page as its user sees it: loaded, the expected words in it, nothing clipped or wider than the screen,
    a screenshot in test-artifacts/ at the current width and at each of `widths` (then back). Returns the text."""
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    for word in words:
        assert word in text, f"{name}: {word!r} not on the page:\n{text[:1500]}"
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    for width in (size["width"], *widths):
        if width != page.viewport_size["width"]:
            page.set_viewport_size({"width": width, "height": size["height"]})
        assert clipped(page) == [], f"{name} at {width} px: {clipped(page)}"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    if page.viewport_size != size:
        page.set_viewport_size(size)
    return text


def no_server_errors(page) -> list[str]:
    """A list that fills with every 5xx answer the page gets from now on."""
    failures: list[str] = []
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return failures


def sign_in(page, live_server, username: str, password: str) -> None:
    """Through the sign-in page, in whatever language the page is in (the fields by their id)."""
    page.goto(live_server.url + "/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/home/")
