"""A grant is confirmed by a fresh passed camera check of the owner's own person, used once.

The checks are recorded straight into the database (tests/camera_support.py): the video analysis
has its own tests in tests/identity/.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from camera_support import camera_check
from sqlalchemy import func, select, update
from support import footprints, last_seq

from attorneys.helpers import Grants
from kezek.attorneys import issuing
from kezek.attorneys.errors import ReauthRequired
from kezek.attorneys.schemas import AttorneyIn
from kezek.db import new_session, utcnow
from kezek.models.attorney import Attorney
from kezek.models.identity import VerificationAttempt
from kezek.models.party import User

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


def attorneys_count(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Attorney)).scalar_one()


def refused_for_reauth(grants: Grants, body: dict) -> str:  # type: ignore[type-arg]
    r = grants.post(body)
    assert (r.status_code, r.json()["error"]) == (403, "reauth_required"), r.text
    assert "POST /api/v1/identity/challenges" in r.json()["detail"]
    return r.json()["detail"]


def test_a_fresh_passed_check_confirms_the_grant_and_is_kept_on_it(grants: Grants, fleet, engine):
    check = camera_check(engine, "carrier")
    before = last_seq(engine)
    made = grants.grant([fleet.vehicle()], confirmation={"verification_id": check})
    with engine.connect() as conn:
        kept = conn.execute(
            select(Attorney.confirmation_attempt_id).where(Attorney.public_id == made["id"])
        ).scalar_one()
    assert kept == check
    (footprint,) = footprints(engine, after=before, action="attorney.grant")
    assert json.loads(footprint.payload)["confirmation_attempt_id"] == check


def test_without_a_check_the_grant_is_refused(grants: Grants, fleet, engine):
    before = last_seq(engine)
    body = grants.body([fleet.vehicle()])
    del body["confirmation"]
    assert "needs a fresh camera check" in refused_for_reauth(grants, body)
    refusals = footprints(engine, after=before, action="attorney.grant")
    assert [f.outcome for f in refusals] == ["refused"]
    assert attorneys_count(engine) == 0


def test_an_old_password_field_does_not_confirm(grants: Grants, fleet, engine):
    body = grants.body([fleet.vehicle()], password="kezek-demo-2026")
    del body["confirmation"]
    refused_for_reauth(grants, body)


def test_a_failed_check_does_not_confirm(grants: Grants, fleet, engine):
    failed = camera_check(engine, "carrier", passed=False)
    body = grants.body([fleet.vehicle()], confirmation={"verification_id": failed})
    assert "not a passed check of yours" in refused_for_reauth(grants, body)


def test_someone_elses_check_does_not_confirm(grants: Grants, fleet, engine):
    theirs = camera_check(engine, "intermediary")
    body = grants.body([fleet.vehicle()], confirmation={"verification_id": theirs})
    assert "not a passed check of yours" in refused_for_reauth(grants, body)
    unknown = grants.body([fleet.vehicle()], confirmation={"verification_id": 987654})
    refused_for_reauth(grants, unknown)


def test_a_check_older_than_the_setting_does_not_confirm(grants: Grants, fleet, engine, settings):
    check = camera_check(engine, "carrier")
    seconds = settings.attorney_confirmation_seconds
    with engine.begin() as conn:  # the check was taken just over the allowed age ago
        conn.execute(
            update(VerificationAttempt)
            .where(VerificationAttempt.id == check)
            .values(created_at=utcnow() - timedelta(seconds=seconds + 1))
        )
    body = grants.body([fleet.vehicle()], confirmation={"verification_id": check})
    assert f"older than {seconds} seconds" in refused_for_reauth(grants, body)
    just_in_time = camera_check(engine, "carrier", at=utcnow() - timedelta(seconds=seconds - 30))
    grants.grant([fleet.vehicle()], confirmation={"verification_id": just_in_time})


def test_a_check_confirms_one_grant_only(grants: Grants, fleet, engine):
    check = camera_check(engine, "carrier")
    grants.grant([fleet.vehicle()], confirmation={"verification_id": check})
    body = grants.body([fleet.vehicle()], confirmation={"verification_id": check})
    assert "already confirmed another grant" in refused_for_reauth(grants, body)
    assert attorneys_count(engine) == 1


def test_a_refused_grant_leaves_its_check_usable(grants: Grants, fleet, engine):
    check = camera_check(engine, "carrier")
    confirmation = {"verification_id": check}
    r = grants.post(grants.body([987654], confirmation=confirmation))
    assert r.json()["error"] == "vehicle_not_owned"
    grants.grant([fleet.vehicle()], confirmation=confirmation)


def test_concurrent_grants_with_one_check_issue_one_attorney(grants: Grants, fleet, engine):
    check = camera_check(engine, "carrier")
    bodies = [
        grants.body([fleet.vehicle()], confirmation={"verification_id": check}) for _ in range(4)
    ]
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(grants.post, bodies))
    codes = sorted((r.status_code, r.json().get("error", "")) for r in answers)
    assert codes[0] == (201, "")
    assert all(code in {(403, "reauth_required"), (409, "busy")} for code in codes[1:]), codes
    assert attorneys_count(engine) == 1


def test_the_database_holds_a_check_to_one_grant_when_a_race_skips_the_check(
    grants: Grants, fleet, engine, client
):
    """Two grants that both passed the "unused" check before either committed: the UNIQUE
    column turns the second into reauth_required (the check itself is skipped here to stand in
    for the race, which SQLite's one-writer-at-a-time cannot even produce)."""
    check = camera_check(engine, "carrier")
    key = client.app.state.signing_key.get()
    for attempt_number in (1, 2):
        data = AttorneyIn.model_validate(grants.body([fleet.vehicle()]))
        session = new_session(engine)
        try:
            user = session.scalars(select(User).where(User.login == "carrier")).one()
            confirmation = session.get(VerificationAttempt, check)
            if attempt_number == 1:
                issuing.grant(session, user=user, data=data, key=key, confirmation=confirmation)
                session.commit()
            else:
                with pytest.raises(ReauthRequired, match="at the same time"):
                    issuing.grant(session, user=user, data=data, key=key, confirmation=confirmation)
        finally:
            session.rollback()
            session.close()
    assert attorneys_count(engine) == 1
