"""Owners appeal a compensation with a reason and an attachment; analysts accept (void and
refund) or reject it, with a reason; another carrier sees none of it."""

import pytest
from booking.rules_support import new_carrier
from support import footprints

from compensation.appeal_support import EXE, MARCH, PDF, PNG, cancel_in_march, charged_unused_id
from compensation.compensation_support import MRP_2026_TIYN, balance_of, unused_of
from kezek.compensation.appeals import MAX_ATTACHMENT_BYTES
from kezek.db import new_session
from kezek.models.booking import OutboxMessage
from kezek.models.compensation import Appeal

CHARGE_KZT = f"{100 * MRP_2026_TIYN / 100:.2f}"
ME = f"/api/v1/compensation/me?month={MARCH.isoformat()}"


def appeal(client, auth, unused_id, *, login="carrier", files=None, reason="I was at the border"):
    return client.post(
        f"/api/v1/compensation/unused/{unused_id}/appeals",
        data={"reason": reason},
        files=files or {},
        headers=auth(login),
    )


def pdf_file(data=PDF, name="evidence.pdf"):
    return {"attachment": (name, data, "application/pdf")}


def media_files(app):
    folder = app.state.media.folder
    return sorted(p.name for p in folder.glob("appeal-*")) if folder.exists() else []


def test_my_month_shows_the_counter_and_the_charged_reservation(client, auth, engine, fleet):
    cancel_in_march(engine, fleet)
    body = client.get(ME, headers=auth("carrier")).json()
    person = body["counters"][0]
    assert (person["used"], person["threshold"]) == (11, 10)
    assert person["charged_kzt"] == CHARGE_KZT
    assert len(body["unused"]) == 11
    charged = [u for u in body["unused"] if u["charge_kzt"] != "0.00"]
    assert len(charged) == 1 and charged[0]["ordinal"] == 11
    assert charged[0]["kind"] == "cancellation" and charged[0]["plate"].endswith("TST02")
    assert not charged[0]["refunded"] and charged[0]["appeal_status"] is None


def test_accepted_appeal_refunds_the_charge_and_the_counter_drops(client, auth, app, engine, fleet):
    cancel_in_march(engine, fleet)
    unused_id = charged_unused_id(engine)
    before = balance_of(engine)
    filed = appeal(client, auth, unused_id, files=pdf_file())
    assert filed.status_code == 201, filed.text
    appeal_id = filed.json()["id"]
    assert filed.json()["status"] == "open" and filed.json()["has_attachment"]
    assert len(media_files(app)) == 1

    queue = client.get("/api/v1/compensation/appeals/queue", headers=auth("analyst")).json()
    assert [a["id"] for a in queue] == [appeal_id]
    file = client.get(
        f"/api/v1/compensation/appeals/{appeal_id}/attachment", headers=auth("analyst")
    )
    assert file.status_code == 200 and file.content == PDF
    assert file.headers["content-type"] == "application/pdf"

    decided = client.post(
        f"/api/v1/compensation/appeals/{appeal_id}/decision",
        json={"decision": "accept", "reason": "The crossing was closed that day"},
        headers=auth("analyst"),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "accepted"
    assert balance_of(engine) == before + 100 * MRP_2026_TIYN

    body = client.get(ME, headers=auth("carrier")).json()
    assert body["counters"][0]["used"] == 10 and body["counters"][0]["charged_kzt"] == "0.00"
    line = next(u for u in body["unused"] if u["id"] == unused_id)
    assert line["refunded"] and line["voided"] and line["appeal_status"] == "accepted"
    assert _outbox_kinds(engine) >= {"compensation.appeal_accepted", "compensation.refunded"}
    actions = {f.action for f in footprints(engine)}
    assert {"compensation.appeal", "compensation.appeal_accepted", "compensation.void"} <= actions

    again = client.post(
        f"/api/v1/compensation/appeals/{appeal_id}/decision",
        json={"decision": "reject", "reason": "Changed my mind"},
        headers=auth("analyst"),
    )
    assert again.status_code == 409 and again.json()["error"] == "appeal_decided"
    refunded = appeal(client, auth, unused_id)
    assert refunded.status_code == 409 and refunded.json()["error"] == "not_charged"


def test_rejected_appeal_keeps_the_charge(client, auth, engine, fleet):
    cancel_in_march(engine, fleet)
    unused_id = charged_unused_id(engine)
    before = balance_of(engine)
    appeal_id = appeal(client, auth, unused_id).json()["id"]
    missing = client.post(
        f"/api/v1/compensation/appeals/{appeal_id}/decision",
        json={"decision": "reject", "reason": "  "},
        headers=auth("analyst"),
    )
    assert missing.status_code == 422 and missing.json()["error"] == "reason_missing"
    decided = client.post(
        f"/api/v1/compensation/appeals/{appeal_id}/decision",
        json={"decision": "reject", "reason": "No evidence"},
        headers=auth("analyst"),
    )
    assert decided.json()["status"] == "rejected"
    assert balance_of(engine) == before
    mine = client.get("/api/v1/compensation/appeals", headers=auth("carrier")).json()
    assert mine[0]["decision_reason"] == "No evidence"
    assert "compensation.appeal_rejected" in _outbox_kinds(engine)
    # Rejected, so it may be appealed again (one open at a time).
    assert appeal(client, auth, unused_id).status_code == 201
    second = appeal(client, auth, unused_id)
    assert second.status_code == 409 and second.json()["error"] == "appeal_open"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (EXE, "evidence.pdf", "attachment_invalid"),
        (PDF + b"\x00" * MAX_ATTACHMENT_BYTES, "big.pdf", "attachment_too_large"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_stored(
    client, auth, app, engine, fleet, data, name, code
):
    cancel_in_march(engine, fleet)
    refused = appeal(client, auth, charged_unused_id(engine), files=pdf_file(data, name))
    assert refused.status_code == 422 and refused.json()["error"] == code
    assert media_files(app) == []
    assert _appeals(engine) == 0


def test_a_png_is_kept_with_its_type(client, auth, engine, fleet):
    cancel_in_march(engine, fleet)
    filed = appeal(client, auth, charged_unused_id(engine), files=pdf_file(PNG, "photo.pdf"))
    assert filed.json()["attachment_media_type"] == "image/png"


def test_an_uncharged_reservation_cannot_be_appealed(client, auth, engine, fleet):
    cancel_in_march(engine, fleet, count=2)
    first = unused_of(engine)[0].id
    refused = appeal(client, auth, first)
    assert refused.status_code == 409 and refused.json()["error"] == "not_charged"
    empty = appeal(client, auth, first, reason=" ")
    assert empty.status_code == 422 and empty.json()["error"] == "reason_missing"


def test_another_carrier_cannot_appeal_or_read_mine(client, auth, engine, fleet):
    new_carrier(engine, "other", serial=1)
    cancel_in_march(engine, fleet)
    unused_id = charged_unused_id(engine)
    appeal_id = appeal(client, auth, unused_id, files=pdf_file()).json()["id"]
    theirs = appeal(client, auth, unused_id, login="other")
    assert theirs.status_code == 404 and theirs.json()["error"] == "unused_reservation_not_found"
    for path in (f"/{appeal_id}", f"/{appeal_id}/attachment"):
        read = client.get(f"/api/v1/compensation/appeals{path}", headers=auth("other"))
        assert read.status_code == 404 and read.json()["error"] == "appeal_not_found"
    assert client.get("/api/v1/compensation/appeals", headers=auth("other")).json() == []
    other_month = client.get(ME, headers=auth("other")).json()
    assert other_month["unused"] == [] and other_month["counters"][0]["used"] == 0
    decide = client.post(
        f"/api/v1/compensation/appeals/{appeal_id}/decision",
        json={"decision": "accept", "reason": "mine now"},
        headers=auth("other"),
    )
    assert decide.status_code == 403
    queue = client.get("/api/v1/compensation/appeals/queue", headers=auth("carrier"))
    assert queue.status_code == 403


def _outbox_kinds(engine) -> set[str]:
    from sqlalchemy import select

    session = new_session(engine)
    try:
        return set(session.scalars(select(OutboxMessage.kind)))
    finally:
        session.close()


def _appeals(engine) -> int:
    from sqlalchemy import func, select

    session = new_session(engine)
    try:
        return session.scalar(select(func.count()).select_from(Appeal))
    finally:
        session.close()


def test_an_appeal_against_a_free_one_refunds_the_charge_it_caused(client, auth, engine, fleet):
    """The 3rd of 11 was free, but it made the 11th chargeable: voided on appeal, it no longer
    counts, so the 11th's charge is refunded."""
    cancel_in_march(engine, fleet)
    third = unused_of(engine)[2]
    assert third.charge_entry_id is None
    before = balance_of(engine)
    filed = appeal(client, auth, third.id, reason="The post was closed that day")
    assert filed.status_code == 201, filed.text
    decided = client.post(
        f"/api/v1/compensation/appeals/{filed.json()['id']}/decision",
        json={"decision": "accept", "reason": "Closure confirmed by the post"},
        headers=auth("analyst"),
    )
    assert decided.status_code == 200, decided.text
    assert balance_of(engine) == before + 100 * MRP_2026_TIYN
    counter = client.get(ME, headers=auth("carrier")).json()["counters"][0]
    assert (counter["used"], counter["charged_kzt"]) == (10, "0.00")
