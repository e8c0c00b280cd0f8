"""Two uploads racing with one nonce: one attempt is recorded, the other is refused.

The analysis runs outside any transaction (it takes a second or two), so both uploads get past
the first checks; the conditional claim of the challenge lets only one through.
"""

import threading
import time

import pytest
from sqlalchemy import func, select

from identity.test_verification_rules import Verdict, enrol, new_person
from kezek.db import new_session
from kezek.identity import verification
from kezek.identity.errors import ChallengeUsed
from kezek.identity.storage import MediaStore
from kezek.models.identity import VerificationAttempt
from kezek.models.party import Party

pytestmark = pytest.mark.concurrency


def slow_failing_analysis(*_args):
    time.sleep(0.5)  # both uploads are inside the analysis at once
    return Verdict(passed=False, reason="no_head_turn", message="The head did not turn.")


def test_one_nonce_answers_once_under_concurrent_uploads(engine, settings, tmp_path):
    session = new_session(engine)
    person = new_person(session, "racer", "R7654321")
    enrol(session, person)
    person_id = person.id
    nonce = verification.issue_challenge(session, person, settings).nonce
    session.commit()
    session.close()

    media = MediaStore(tmp_path / "media")
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def upload() -> None:
        s = new_session(engine)
        try:
            start.wait()
            verification.submit_video(
                s,
                person=s.get(Party, person_id),
                nonce=nonce,
                video=b"clip",
                media_type="video/webm",
                source="api",
                settings=settings,
                media=media,
                analyse=slow_failing_analysis,
            )
            s.commit()
            outcomes.append("recorded")
        except ChallengeUsed:
            s.rollback()
            outcomes.append("challenge_used")
        finally:
            s.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["challenge_used", "recorded"]
    check = new_session(engine)
    try:
        assert check.scalar(select(func.count()).select_from(VerificationAttempt)) == 1
    finally:
        check.close()
    assert len(list(media.folder.iterdir())) == 1  # the loser stored no video
