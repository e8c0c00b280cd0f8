"""Page tests: the app's TestClient acting as a browser (it asks for HTML)."""

import re
from collections.abc import Callable

import pytest
from booking_support import fleet  # noqa: F401  (vehicles and money for the booking pages)
from fastapi.testclient import TestClient
from support import DEMO_PASSWORD, sqlite_only

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page put in its forms."""
    match = _TOKEN.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@pytest.fixture
def web(client: TestClient) -> TestClient:
    """The app's client with a browser's Accept header, so refusals come back as pages."""
    client.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    return client


def log_in(web: TestClient, login: str, password: str = DEMO_PASSWORD) -> str:
    """Log in through the form; return a CSRF token valid for the new session."""
    token = csrf_of(web.get("/login").text)
    r = web.post("/login", data={"login": login, "password": password, "csrf_token": token})
    assert r.status_code == 200 and r.url.path == "/me", r.text[-2000:]
    return csrf_of(r.text)


@pytest.fixture
def login_as(web: TestClient) -> Callable[[str], str]:
    return lambda login: log_in(web, login)


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The pages call the same services as the API, whose rules run on both databases (tests/
    booking, tests/attorneys, ...): page tests check rendering, forms and languages, so they run
    on SQLite only, which keeps CI within its time. Tests that mark themselves keep their mark."""
    if "templates" in metafunc.fixturenames and not any(
        "templates" in mark.args[0] for mark in metafunc.definition.iter_markers("parametrize")
    ):
        metafunc.definition.add_marker(sqlite_only)
