"""Browser-test fixtures: Playwright driving Debian's Chromium against the live server.

One headless Chromium per test session (`browser`); each test gets a fresh context and
page (`page`) whose console errors and uncaught exceptions fail the test unless the
test expected them (`console.allow("...")`). `sign_in` fills the real sign-in form;
`assert_accessible` runs axe-core and fails on serious or critical violations.

Registered in hearth/conftest.py. Browser tests need `@pytest.mark.browser` and, when
they use the live server, `@pytest.mark.django_db(transaction=True)`: the server
answers from another thread, so the test's data must be committed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

from hearth.testing.factories import PASSWORD

if TYPE_CHECKING:
    from hearth.accounts.models import User

__all__ = [
    "assert_accessible",
    "browser",
    "console",
    "page",
    "sign_in",
]

CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
FAILING_IMPACTS = frozenset({"serious", "critical"})

_axe = Axe()


@dataclass
class ConsoleLog:
    """Console errors and uncaught exceptions seen on a page during one test."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect a console error matching this regular expression (a 404 page
        logs 'Failed to load resource ... 404')."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make browser` (Debian's package).")
    # Playwright's sync API keeps an asyncio loop running in this thread from now on;
    # Django refuses ORM calls while a loop runs unless told the caller knows what it
    # is doing. Tests use the ORM between browser steps, never during one.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(browser: Browser, console: ConsoleLog) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            console.errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    def on_page_error(exc: Error) -> None:
        console.errors.append(f"Uncaught: {exc.message}")

    pg.on("console", on_console)
    pg.on("pageerror", on_page_error)
    yield pg
    context.close()
    unexpected = console.unexpected()
    assert not unexpected, "Console errors on the page:\n" + "\n".join(unexpected)


def sign_in(page: Page, live_server: Any, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real form and wait for the page it leads to."""
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it stands; fail listing serious and critical
    violations (rule, impact, help and the offending elements)."""
    results = _axe.run(page)
    failing = [v for v in results.response["violations"] if v["impact"] in FAILING_IMPACTS]
    if failing:
        lines = [f"axe found {len(failing)} serious or critical violation(s) on {page.url}:"]
        for v in failing:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"][:5]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
        pytest.fail("\n".join(lines), pytrace=False)
