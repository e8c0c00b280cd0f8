"""The analysts' page of camera checks: the list, the video, the flag that keeps it."""

from identity.test_verification_rules import enrol, failing

from kezek.db import new_session
from kezek.identity import verification
from kezek.models.identity import VerificationAttempt
from kezek.models.party import User
from web.conftest import csrf_of, log_in


def failed_attempt(client, engine, settings) -> int:
    session = new_session(engine)
    person = session.query(User).filter_by(login="driver").one().person
    person.identity_status = "unverified"
    enrol(session, person)
    nonce = verification.issue_challenge(session, person, settings).nonce
    attempt = verification.submit_video(
        session,
        person=person,
        nonce=nonce,
        video=b"webm bytes",
        media_type="video/webm",
        source="browser",
        settings=settings,
        media=client.app.state.media,
        analyse=failing,
    )
    session.commit()
    attempt_id = attempt.id
    session.close()
    return attempt_id


def test_an_analyst_sees_a_failed_check_watches_and_flags_it(web, engine, settings):
    attempt_id = failed_attempt(web, engine, settings)
    web.cookies.set("kezek_lang", "en")
    log_in(web, "analyst")
    page = web.get("/analyst/identity-attempts")
    assert page.status_code == 200
    assert f'id="attempt-{attempt_id}"' in page.text and "The head did not turn." in page.text
    video = web.get(f"/analyst/identity-attempts/{attempt_id}/video")
    assert video.status_code == 200 and video.content == b"webm bytes"
    assert video.headers["content-type"] == "video/webm"

    r = web.post(
        f"/analyst/identity-attempts/{attempt_id}/flag",
        data={"csrf_token": csrf_of(page.text), "reason": "looks like a screen replay"},
    )
    assert r.status_code == 200 and "kept for the investigation" in r.text
    assert "looks like a screen replay" in r.text
    session = new_session(engine)
    try:
        attempt = session.get(VerificationAttempt, attempt_id)
        assert attempt.flagged_at is not None
        assert attempt.flag_reason == "looks like a screen replay"
    finally:
        session.close()


def test_the_camera_checks_page_is_for_analysts_only(web, engine, settings):
    attempt_id = failed_attempt(web, engine, settings)
    log_in(web, "carrier")
    assert web.get("/analyst/identity-attempts").status_code == 403
    assert web.get(f"/analyst/identity-attempts/{attempt_id}/video").status_code == 403
