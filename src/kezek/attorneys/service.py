"""What an attorney lets an intermediary do: the two calls the booking authorisation rule makes.

    attorney_covering(session, intermediary_person_id=..., vehicle=..., scope="book", on=day)
        -> the Attorney that allows it, or raises the refusal that says what is missing:
           no_attorney       no attorney from the vehicle's owner names this vehicle (or fleet)
           attorney_revoked  there was one, and the owner revoked it
           attorney_expired  none covers `on` (ended before it, or starts after it)
           attorney_scope    one covers the vehicle and the date, but not `scope`
    vehicles_for_intermediary(session, person_id) -> what they may act for today
    owners_no_longer_represented(session, person_id) -> whose bookings they may read no more

Both read the rows as they are in the transaction, so a revocation committed before the request
began refuses that very request. They trust the rows (as the rest of the service does);
outsiders check the signed document with kezek.attorneys.verification.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.attorneys.errors import AttorneyExpired, AttorneyRevoked, AttorneyScope, NoAttorney
from kezek.clock import ALMATY, almaty_today  # noqa: F401  (attorney days are Almaty days)
from kezek.models.attorney import Attorney
from kezek.models.party import Party
from kezek.models.vehicle import Vehicle


def attorney_covering(
    session: Session, *, intermediary_person_id: int, vehicle: Vehicle, scope: str, on: date
) -> Attorney:
    """The attorney that lets the person take `scope` (book, cancel, view) for `vehicle` on day
    `on`; otherwise the refusal that says what is missing (see the module's docstring)."""
    naming = [
        a
        for a in _attorneys_of(session, intermediary_person_id, owner_id=vehicle.owner_id)
        if a.covers_vehicle(vehicle_id=vehicle.id, owner_id=vehicle.owner_id)
    ]
    plate = vehicle.plate
    if not naming:
        raise NoAttorney(f"No power of attorney from the owner of {plate} names this vehicle.")
    live = [a for a in naming if a.revoked_at is None]
    if not live:
        raise AttorneyRevoked(f"The owner of {plate} revoked the power of attorney for it.")
    in_period = [a for a in live if a.valid_from <= on <= a.valid_to]
    if not in_period:
        raise AttorneyExpired(
            f"The power of attorney for {plate} does not cover {on.isoformat()}: "
            + ", ".join(f"{a.valid_from} to {a.valid_to}" for a in live)
            + "."
        )
    for attorney in in_period:
        if scope in attorney.scopes:
            return attorney
    raise AttorneyScope(f"The power of attorney for {plate} does not include '{scope}'.")


@dataclass(frozen=True)
class CoveredVehicle:
    """One vehicle an intermediary may act for, under which attorney, for what."""

    vehicle: Vehicle
    owner: Party
    attorney: Attorney
    scopes: list[str]


def vehicles_for_intermediary(
    session: Session, person_id: int, *, on: date | None = None
) -> list[CoveredVehicle]:
    """The active vehicles (and their owners) that `person_id` may act for on `on` (today in
    Almaty by default), through attorneys not revoked and valid that day; whole-fleet attorneys
    include vehicles the owner added after granting."""
    day = on or almaty_today()
    found: dict[int, CoveredVehicle] = {}
    for attorney in _attorneys_of(session, person_id):
        if attorney.revoked_at is not None or not attorney.valid_from <= day <= attorney.valid_to:
            continue
        for vehicle in _vehicles_under(session, attorney):
            known = found.get(vehicle.id)
            scopes = sorted(set(attorney.scopes) | set(known.scopes if known else []))
            found[vehicle.id] = CoveredVehicle(vehicle, attorney.owner, attorney, scopes)
    return sorted(found.values(), key=lambda c: (c.owner.full_name, c.vehicle.plate))


def owners_no_longer_represented(
    session: Session, person_id: int, *, on: date | None = None
) -> set[int]:
    """The owners who gave `person_id` attorneys, none of which still stands on `on` (today in
    Almaty by default): all revoked, or all over. What the person booked for them is theirs to
    see no more."""
    day = on or almaty_today()
    gave, standing = set(), set()
    for attorney in _attorneys_of(session, person_id):
        gave.add(attorney.owner_id)
        if attorney.revoked_at is None and attorney.valid_to >= day:
            standing.add(attorney.owner_id)
    return gave - standing


def _attorneys_of(
    session: Session, person_id: int, *, owner_id: int | None = None
) -> list[Attorney]:
    query = select(Attorney).where(Attorney.intermediary_id == person_id)
    if owner_id is not None:
        query = query.where(Attorney.owner_id == owner_id)
    return list(session.scalars(query.order_by(Attorney.id)))


def _vehicles_under(session: Session, attorney: Attorney) -> list[Vehicle]:
    query = select(Vehicle).where(Vehicle.owner_id == attorney.owner_id, Vehicle.is_active)
    if not attorney.whole_fleet:
        query = query.where(Vehicle.id.in_(attorney.vehicle_ids or [-1]))
    return list(session.scalars(query.order_by(Vehicle.id)))
