"""Setting the MRP of a year: a year not set may always be set; an existing value may change only
before its year starts; the same value again changes nothing. Service, API and footprints."""

import json
from datetime import date
from decimal import Decimal

import pytest
from support import footprints, last_seq

from kezek.db import new_session
from kezek.errors import AppError
from kezek.ledger.mrp import mrp_in_tiyn, set_mrp
from kezek.ledger.service import mrp

TODAY = date(2026, 11, 29)


def _set(engine, year: int, kzt: int, today: date = TODAY):
    session = new_session(engine)
    try:
        change = set_mrp(session, year=year, amount=kzt * 100, today=today)
        session.commit()
        return change
    finally:
        session.close()


def _mrp(engine, day: date) -> int:
    session = new_session(engine, readonly=True)
    try:
        return mrp(session, on=day)
    finally:
        session.close()


def _refusal(engine, year: int, kzt: int, today: date = TODAY) -> str:
    with pytest.raises(AppError) as refused:
        _set(engine, year, kzt, today)
    return refused.value.code


def test_a_year_not_set_is_set_and_fees_of_its_dates_work(engine):
    with pytest.raises(AppError, match="No MRP is set for 2027"):
        _mrp(engine, date(2027, 1, 1))
    seq = last_seq(engine)
    change = _set(engine, 2027, 4_500)
    assert (change.previous, change.changed) == (None, True)
    assert _mrp(engine, date(2027, 1, 1)) == 450_000
    [fp] = footprints(engine, after=seq, action="ledger.mrp_set")
    assert json.loads(fp.payload)["year"] == 2027 and fp.object_id == "2027"


def test_a_future_years_value_may_change_until_it_starts(engine):
    _set(engine, 2027, 4_500)
    change = _set(engine, 2027, 4_600)
    assert (change.previous, change.amount) == (450_000, 460_000)
    assert _refusal(engine, 2027, 4_700, today=date(2027, 1, 1)) == "mrp_year_started"
    assert _mrp(engine, date(2027, 6, 1)) == 460_000


def test_a_year_that_has_started_keeps_its_value(engine):
    assert _refusal(engine, 2026, 5_000) == "mrp_year_started"
    assert _refusal(engine, 2024, 1) == "mrp_year_started"
    assert _mrp(engine, TODAY) == 432_500


def test_a_past_year_never_set_may_still_be_set(engine):
    _set(engine, 2023, 3_450)  # nothing was charged at a rate that did not exist
    assert _mrp(engine, date(2023, 5, 1)) == 345_000


def test_the_same_value_again_changes_nothing(engine):
    seq = last_seq(engine)
    change = _set(engine, 2026, 4_325)
    assert change.changed is False
    assert footprints(engine, after=seq, action="ledger.mrp_set") == []


@pytest.mark.parametrize(("year", "kzt"), [(2027, 0), (2027, -5), (1999, 100), (2027, 2_000_000)])
def test_nonsense_is_refused(engine, year, kzt):
    assert _refusal(engine, year, kzt) == "invalid_mrp"


def test_fractions_of_a_tiyn_are_refused():
    assert mrp_in_tiyn(Decimal("4325.5")) == 432_550
    with pytest.raises(AppError):
        mrp_in_tiyn(Decimal("4325.555"))


# --- the API ---------------------------------------------------------------------------------

MRP = "/api/v1/admin/mrp"


def test_admins_set_a_year_by_the_api(client, auth, engine):
    r = client.put(f"{MRP}/2099", json={"amount_kzt": "4900"}, headers=auth("admin"))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "year": 2099,
        "amount_tiyn": 490_000,
        "amount_kzt": "4900.00",
        "previous_kzt": None,
        "changed": True,
    }
    again = client.put(f"{MRP}/2099", json={"amount_kzt": "4900.00"}, headers=auth("admin"))
    assert again.json()["changed"] is False


def test_the_api_refuses_a_started_year_and_other_roles(client, auth, engine):
    seq = last_seq(engine)
    r = client.put(f"{MRP}/2026", json={"amount_kzt": "1"}, headers=auth("admin"))
    assert r.status_code == 409 and r.json()["error"] == "mrp_year_started"
    [fp] = footprints(engine, after=seq, action="ledger.mrp_set")
    assert fp.outcome == "refused"
    r = client.put(f"{MRP}/2099", json={"amount_kzt": "4900"}, headers=auth("carrier"))
    assert r.status_code == 403
    r = client.put(f"{MRP}/2099", json={"amount_kzt": "-1"}, headers=auth("admin"))
    assert r.status_code == 422
    assert _mrp(engine, TODAY) == 432_500
