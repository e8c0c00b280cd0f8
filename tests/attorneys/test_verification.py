"""Verification outcomes: valid, not yet valid, expired, revoked, forged (each way of forging)."""

import base64
import json
import zlib
from datetime import timedelta

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from attorneys.helpers import Grants, days
from kezek.attorneys import verification
from kezek.attorneys.documents import canonical_bytes
from kezek.attorneys.printing import qr_code
from kezek.attorneys.service import almaty_today
from kezek.models.attorney import Attorney

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


def present(grants: Grants, document: str, signature: str) -> dict:  # type: ignore[type-arg]
    r = grants.client.post(
        "/api/v1/attorneys/verification", json={"document": document, "signature": signature}
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_valid_with_the_intermediarys_iin_masked(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()])
    result = grants.verification(made["id"])
    assert (result["status"], result["reason"]) == ("valid", "signature_valid_and_in_period")
    iin = grants.iin("intermediary")
    assert result["document"]["intermediary"]["iin"] == "••••••••" + iin[-4:]
    assert iin not in json.dumps(result, ensure_ascii=False)


def test_not_yet_valid(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()], valid_from=days(3), valid_to=days(10))
    assert grants.verification(made["id"])["status"] == "not_yet_valid"


def test_expired(grants: Grants, fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    made = grants.grant([fleet.vehicle()], valid_to=days(2))
    monkeypatch.setattr(verification, "almaty_today", lambda: almaty_today() + timedelta(3))
    assert grants.verification(made["id"])["status"] == "expired"


def test_revoked(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()])
    grants.client.post(f"/api/v1/attorneys/{made['id']}/revoke", headers=grants.auth("carrier"))
    assert grants.verification(made["id"])["status"] == "revoked"
    assert present(grants, made["document"], made["signature"])["status"] == "revoked"


def test_unknown_id_is_not_found(grants: Grants) -> None:
    r = grants.client.get("/api/v1/attorneys/0b0e6f3e-0000-4000-8000-000000000000/verification")
    assert (r.status_code, r.json()["error"]) == (404, "not_found")


def test_an_edited_document_in_the_row_is_forged(grants: Grants, fleet, engine) -> None:
    made = grants.grant([fleet.vehicle()], valid_to=days(5))
    edited = made["document"].replace(days(5), days(500))
    with engine.begin() as conn:
        conn.execute(
            update(Attorney).where(Attorney.public_id == made["id"]).values(document=edited)
        )
    result = grants.verification(made["id"])
    assert (result["status"], result["reason"]) == ("forged", "signature_invalid")
    assert result["document"] is None


def test_an_edited_column_is_forged(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()], valid_to=days(5))
    grants.set_period(made["id"], almaty_today(), almaty_today() + timedelta(days=500))
    assert (grants.verification(made["id"])["reason"]) == "record_altered"


def test_a_presented_document_verifies_in_any_json_spelling(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()])
    assert present(grants, made["document"], made["signature"])["status"] == "valid"
    escaped = json.dumps(json.loads(made["document"]), indent=2, ensure_ascii=True)
    assert present(grants, escaped, made["signature"])["status"] == "valid"


def test_one_character_changed_is_forged(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()], valid_to=days(5))
    changed = made["document"].replace(days(5), days(6))
    assert changed != made["document"]
    result = present(grants, changed, made["signature"])
    assert (result["status"], result["reason"]) == ("forged", "signature_invalid")
    assert present(grants, "{not json", made["signature"])["reason"] == "document_unreadable"
    assert present(grants, made["document"], "bm90IGJhc2U2NA")["status"] == "forged"


def test_a_signature_by_another_key_is_forged(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()])
    other = Ed25519PrivateKey.generate()
    signature = base64.b64encode(other.sign(made["document"].encode())).decode()
    result = present(grants, made["document"], signature)
    assert (result["status"], result["reason"]) == ("forged", "signature_invalid")


def test_pdf_for_the_two_parties_with_the_id_and_signature(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()])
    url = f"/api/v1/attorneys/{made['id']}/pdf"
    for login in ("carrier", "intermediary"):
        r = grants.client.get(url, headers=grants.auth(login))
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
        text = pdf_text(r.content)
        assert made["id"] in text and made["signature"] in text
    assert grants.client.get(url, headers=grants.auth("driver")).status_code == 404


def pdf_text(data: bytes) -> str:
    """The PDF's bytes with its compressed streams inflated (enough to find printed text)."""
    parts = [data.decode("latin-1")]
    for chunk in data.split(b"stream\n")[1:]:
        try:
            parts.append(zlib.decompress(chunk.split(b"endstream")[0]).decode("latin-1"))
        except zlib.error:
            continue
    return "".join(parts)


def test_the_qr_code_encodes_the_public_verification_url(grants: Grants, fleet) -> None:
    made = grants.grant([fleet.vehicle()])
    url = made["verification_url"]
    assert url == f"http://testserver/attorneys/{made['id']}/verify"
    # segno cannot decode; the same URL encoded again must give the very same symbol.
    assert qr_code(url).matrix == segno.make(url, error="m", micro=False).matrix
    assert qr_code(url).matrix != qr_code(url.replace(made["id"][:4], "0000")).matrix


def test_canonical_form() -> None:
    doc = {"b": [1, {"d": "Қазақ", "c": None}], "a": "x"}
    assert canonical_bytes(doc) == '{"a":"x","b":[1,{"c":null,"d":"Қазақ"}]}'.encode()
