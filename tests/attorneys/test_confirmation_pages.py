"""The grant form and the camera check page together: no fresh check sends the owner to
/identity?next=/attorneys with the typed values kept; a passed check links back and confirms one
grant. The video analysis is replaced by a scripted verdict (it has its own tests)."""

import re
from dataclasses import dataclass, field

import numpy as np
import pytest
from camera_support import camera_check, document_photo
from web.conftest import csrf_of, log_in

from attorneys.helpers import Grants, days
from kezek.identity import verification
from kezek.web.i18n import COOKIE

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


@dataclass
class Verdict:
    passed: bool
    reason: str | None = None
    message: str | None = None
    distance: float | None = 0.3
    measures: dict = field(default_factory=dict)  # type: ignore[type-arg]
    model_versions: dict = field(default_factory=dict)  # type: ignore[type-arg]
    embedding: np.ndarray | None = None


@pytest.fixture
def web(client):  # type: ignore[no-untyped-def]
    client.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    client.cookies.set(COOKIE, "en")
    return client


@pytest.fixture
def scripted_check(monkeypatch):  # type: ignore[no-untyped-def]
    """The camera check decides as the test says instead of analysing the video."""
    outcome = {"passed": True}

    def analyse(*_args):  # type: ignore[no-untyped-def]
        if outcome["passed"]:
            return Verdict(passed=True)
        return Verdict(passed=False, reason="no_head_turn", message="The head did not turn.")

    monkeypatch.setattr(verification, "_default_analyser", lambda: analyse)
    return outcome


def form_of(grants: Grants, token: str, vehicle: int) -> dict[str, str]:
    return {
        "csrf_token": token,
        "iin": grants.iin("intermediary"),
        f"vehicle_{vehicle}": str(vehicle),
        "valid_from": days(0),
        "valid_to": days(12),
        "scope_book": "1",
        "scope_cancel": "1",
    }


def take_the_check(web, token: str, next_path: str) -> str:  # type: ignore[no-untyped-def]
    """What the page's script does: ask for a challenge, upload the video; the result fragment."""
    headers = {"X-CSRF-Token": token}
    challenge = web.post("/identity/challenge", headers=headers)
    assert challenge.status_code == 200, challenge.text
    nonce = re.search(r'data-nonce="([^"]+)"', challenge.text).group(1)
    r = web.post(
        "/identity/verification",
        headers=headers,
        data={"nonce": nonce, "next": next_path},
        files={"video": ("selfie.webm", b"scripted", "video/webm")},
    )
    assert r.status_code == 200, r.text
    return r.text


def test_no_check_leads_to_the_camera_check_and_back_to_a_grant(
    web, grants: Grants, fleet, engine, scripted_check
) -> None:
    vehicle = fleet.vehicle()
    token = log_in(web, "carrier")
    page = web.get("/attorneys")
    assert 'formaction="/attorneys/confirm"' in page.text
    assert "Confirm with a camera check" in page.text and "Sign and issue" not in page.text

    form = form_of(grants, token, vehicle)
    r = web.post("/attorneys/confirm", data=form, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/identity?next=/attorneys")

    document_photo(engine, "carrier")  # the demo carrier is verified without a document photo
    page = web.get("/identity?next=/attorneys")
    assert 'data-next="/attorneys"' in page.text and 'id="camera-check"' in page.text
    assert "To confirm a power of attorney, take a new camera check" in page.text

    scripted_check["passed"] = False
    failed = take_the_check(web, csrf_of(page.text), "/attorneys")
    assert 'data-decision="failed"' in failed and 'id="camera-next"' not in failed
    scripted_check["passed"] = True
    passed = take_the_check(web, csrf_of(page.text), "/attorneys")
    assert 'id="camera-next" href="/attorneys"' in passed
    state = web.get("/api/v1/identity", headers=grants.auth("carrier")).json()
    assert state["identity_status"] == "verified" and state["failures_in_a_row"] == 0

    page = web.get("/attorneys")
    assert "Confirmed by camera check at" in page.text and "Sign and issue" in page.text
    assert f'value="{form["iin"]}"' in page.text  # the typed values came back
    assert re.search(rf'name="vehicle_{vehicle}" value="{vehicle}" checked', page.text)
    assert re.search(r'name="scope_cancel" value="1" checked', page.text)

    r = web.post("/attorneys", data={**form, "csrf_token": csrf_of(page.text)})
    assert r.status_code == 200 and "The power of attorney was issued and signed." in r.text
    assert f'value="{form["iin"]}"' not in r.text  # the draft is gone with the grant
    assert "Confirm with a camera check" in r.text  # the check was used up

    r = web.post("/attorneys", data={**form, "csrf_token": csrf_of(r.text)})
    assert r.status_code == 403 and "Confirm with a new camera check" in r.text
    given = web.get("/api/v1/attorneys", headers=grants.auth("carrier")).json()["given"]
    assert [a["scopes"] for a in given] == [["book", "cancel"]]


def test_a_fresh_check_shows_on_the_form_and_grants(web, grants: Grants, fleet, engine) -> None:
    vehicle = fleet.vehicle()
    token = log_in(web, "carrier")
    camera_check(engine, "carrier")
    page = web.get("/attorneys")
    assert re.search(r"Confirmed by camera check at \d\d:\d\d UTC \(valid for [45] more", page.text)
    r = web.post("/attorneys", data=form_of(grants, token, vehicle))
    assert r.status_code == 200 and "The power of attorney was issued and signed." in r.text


def test_someone_elses_or_a_failed_check_does_not_confirm_the_form(
    web, grants: Grants, fleet, engine
) -> None:
    vehicle = fleet.vehicle()
    token = log_in(web, "carrier")
    camera_check(engine, "intermediary")
    camera_check(engine, "carrier", passed=False)
    page = web.get("/attorneys")
    assert "Confirm with a camera check" in page.text
    r = web.post("/attorneys", data=form_of(grants, token, vehicle))
    assert r.status_code == 403 and "Confirm with a new camera check" in r.text


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example"]
)
def test_only_a_local_path_is_followed_after_the_check(
    web, engine, scripted_check, target: str
) -> None:
    log_in(web, "carrier")
    document_photo(engine, "carrier")
    page = web.get("/identity", params={"next": target})
    assert 'data-next=""' in page.text
    passed = take_the_check(web, csrf_of(page.text), target)
    assert 'data-decision="verified"' in passed and "evil" not in passed
