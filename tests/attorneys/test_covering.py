"""attorney_covering and vehicles_for_intermediary: what the booking rule asks."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from attorneys.helpers import Grants, days
from kezek.attorneys.errors import AttorneyExpired, AttorneyRevoked, AttorneyScope, NoAttorney
from kezek.attorneys.service import almaty_today, attorney_covering, vehicles_for_intermediary
from kezek.db import new_session
from kezek.models.party import User
from kezek.models.vehicle import Vehicle

pytestmark = pytest.mark.usefixtures("fast_demo_passwords")


def person_id(session: Session, login: str) -> int:
    return session.scalars(select(User).where(User.login == login)).one().person_id


def covering(engine, vehicle_id: int, scope: str = "book", day: int = 0):  # type: ignore[no-untyped-def]
    """attorney_covering in a transaction of its own, as a request would run it."""
    session = new_session(engine, readonly=True)
    try:
        vehicle = session.get(Vehicle, vehicle_id)
        return attorney_covering(
            session,
            intermediary_person_id=person_id(session, "intermediary"),
            vehicle=vehicle,
            scope=scope,
            on=almaty_today() + timedelta(days=day),
        ).public_id
    finally:
        session.close()


def test_covers_the_vehicle_scope_and_dates(grants: Grants, fleet, engine) -> None:
    vehicle = fleet.vehicle()
    made = grants.grant([vehicle], valid_from=days(1), valid_to=days(5), scopes=["book"])
    assert covering(engine, vehicle, day=1) == made["id"]
    assert covering(engine, vehicle, day=5) == made["id"]
    with pytest.raises(AttorneyExpired):
        covering(engine, vehicle, day=0)
    with pytest.raises(AttorneyExpired):
        covering(engine, vehicle, day=6)
    with pytest.raises(AttorneyScope):
        covering(engine, vehicle, scope="cancel", day=2)
    with pytest.raises(NoAttorney):
        covering(engine, fleet.vehicle(), day=2)  # another vehicle of the same owner


def test_revoked_is_refused_on_the_very_next_request(grants: Grants, fleet, engine) -> None:
    vehicle = fleet.vehicle()
    made = grants.grant([vehicle])
    assert covering(engine, vehicle) == made["id"]
    r = grants.client.post(f"/api/v1/attorneys/{made['id']}/revoke", headers=grants.auth("carrier"))
    assert r.status_code == 200
    with pytest.raises(AttorneyRevoked) as refused:
        covering(engine, vehicle)
    assert refused.value.code == "attorney_revoked"


def test_a_live_attorney_wins_over_a_revoked_one(grants: Grants, fleet, engine) -> None:
    vehicle = fleet.vehicle()
    old = grants.grant([vehicle])
    grants.client.post(f"/api/v1/attorneys/{old['id']}/revoke", headers=grants.auth("carrier"))
    new = grants.grant([vehicle], scopes=["cancel"])
    assert covering(engine, vehicle, scope="cancel") == new["id"]
    with pytest.raises(AttorneyScope):
        covering(engine, vehicle, scope="book")


def test_whole_fleet_includes_vehicles_added_later(grants: Grants, fleet, engine) -> None:
    grants.grant(None)
    later = fleet.vehicle()
    covering(engine, later)
    with pytest.raises(NoAttorney):
        covering(engine, fleet.vehicle("driver"))  # not the owner's


def test_vehicles_for_intermediary(grants: Grants, fleet, engine) -> None:
    mine, also, not_now = fleet.vehicle(), fleet.vehicle(), fleet.vehicle()
    grants.grant([mine], scopes=["book"])
    grants.grant([mine, also], scopes=["view"])
    grants.grant([not_now], valid_from=days(3), valid_to=days(4))
    session = new_session(engine, readonly=True)
    try:
        covered = vehicles_for_intermediary(session, person_id(session, "intermediary"))
        assert {(c.vehicle.id, tuple(c.scopes)) for c in covered} == {
            (mine, ("book", "view")),
            (also, ("view",)),
        }
        assert {c.owner.full_name for c in covered} == {"Serik Tulegenov"}
        later = almaty_today() + timedelta(days=3)
        on_day = vehicles_for_intermediary(session, person_id(session, "intermediary"), on=later)
        assert not_now in {c.vehicle.id for c in on_day}
        assert vehicles_for_intermediary(session, person_id(session, "driver")) == []
    finally:
        session.close()
