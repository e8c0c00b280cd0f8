"""Property: any change to a canonical document breaks its verification (a change of spelling
that leaves the same JSON object, like a space between tokens, is not a change)."""

from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kezek.attorneys.documents import canonical_bytes
from kezek.attorneys.signing import load_or_create
from kezek.attorneys.verification import _parsed

DOCUMENT = {
    "type": "kezek.power-of-attorney",
    "version": 1,
    "id": "6f1c2d4e-8a9b-4c3d-9e8f-0a1b2c3d4e5f",
    "owner": {"kind": "person", "name": "Серік Төлегенов", "iin": "790530300044"},
    "intermediary": {"kind": "person", "name": "Marat Ospanov", "iin": "920917300067"},
    "vehicles": [{"id": 1, "plate": "001TST02", "vin": "WDB93400AAAAAAAB0"}],
    "valid_from": date(2026, 12, 1).isoformat(),
    "valid_to": date(2026, 12, 31).isoformat(),
    "timezone": "Asia/Almaty",
    "scopes": ["book", "view"],
    "issued_at": datetime(2026, 11, 29, tzinfo=UTC).isoformat(),
}


def verifies(key, text: str, signature: str) -> bool:  # type: ignore[no-untyped-def]
    """What verify_presented checks before looking the id up: parse, canonicalise, verify."""
    document = _parsed(text)
    return document is not None and key.verifies(canonical_bytes(document), signature)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_change_breaks_verification(tmp_path: Path, data: st.DataObject) -> None:
    key = load_or_create(tmp_path / "key.pem")
    text = canonical_bytes(DOCUMENT).decode()
    signature = key.sign(text.encode())
    assert verifies(key, text, signature)
    at = data.draw(st.integers(0, len(text) - 1), label="position")
    kind = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="change")
    char = data.draw(st.characters(codec="utf-8"), label="char")
    if kind == "replace":
        changed = text[:at] + char + text[at + 1 :]
    elif kind == "insert":
        changed = text[:at] + char + text[at:]
    else:
        changed = text[:at] + text[at + 1 :]
    if _parsed(changed) == DOCUMENT:
        return  # the same document spelled otherwise (a space between tokens): not a change
    assert not verifies(key, changed, signature)
