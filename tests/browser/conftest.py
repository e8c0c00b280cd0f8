"""Browser tests: Debian's Chromium, driven by Playwright, against a real server.

The server is uvicorn in a subprocess on a free local port, with a fresh SQLite database holding
the migrations and the demo data. Without /usr/bin/chromium these tests skip with a loud warning,
unless KEZEK_REQUIRE_BROWSER is set, in which case they fail. Never `playwright install`: the
system's Chromium is the browser.
"""

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import running_server

from kezek.db import make_engine, new_session

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MOBILE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} is missing: the browser tests are SKIPPED"
    if os.environ.get("KEZEK_REQUIRE_BROWSER"):
        pytest.fail(message.replace("SKIPPED", "required (KEZEK_REQUIRE_BROWSER is set)"))
    warnings.warn(message, stacklevel=1)
    pytest.skip(message)


def _demo_database(url: str) -> None:
    from kezek import demo
    from kezek.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    session = new_session(engine)
    demo.load_demo(session)
    session.commit()
    session.close()
    engine.dispose()


@pytest.fixture(scope="session")
def live_database_url(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's database (tests may add rows to it, e.g. vehicles and money)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'kezek.db'}"
    _demo_database(url)
    return url


@pytest.fixture(scope="session")
def live_server(live_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a running Kezek with the demo data."""
    workdir = tmp_path_factory.mktemp("live-server")
    secret = "browser-test-secret-key-not-for-production"
    with running_server(
        live_database_url,
        workdir,
        secret_key=secret,
        media_dir=str(workdir / "media"),
        signing_key_file=str(workdir / "keys" / "signing.pem"),
    ) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser(chromium_path: Path):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Tab:
    """A page of a fresh browser context that collects console errors (CSP violations too)."""

    def __init__(self, browser, base_url: str, **context_args):  # type: ignore[no-untyped-def]
        self.context = browser.new_context(base_url=base_url, **context_args)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.errors: list[str] = []
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def overflow(self) -> int:
        """How many CSS pixels the page is wider than the window (0: nothing to scroll sideways)."""
        return int(
            self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
        )

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def tab(browser, live_server: str) -> Iterator[Tab]:  # type: ignore[no-untyped-def]
    """A desktop tab (1280 wide) in a context of its own."""
    t = Tab(browser, live_server, **DESKTOP)
    yield t
    t.context.close()


@pytest.fixture
def mobile_tab(browser, live_server: str) -> Iterator[Tab]:  # type: ignore[no-untyped-def]
    """A phone-sized tab (390 wide)."""
    t = Tab(browser, live_server, **MOBILE)
    yield t
    t.context.close()
