"""The vehicles a person may book for, and on what ground: what the booking form offers and
GET /api/v1/vehicles/bookable lists. Each booking still passes authorize_vehicle, which asks the
insurance registry afresh; this module only finds candidates.

    bookable_vehicles(session, user=...)  own fleet, attorney-covered vehicles, and the vehicles
                                          the person booked before as an insured driver (as the
                                          cached registry record last said)
    bookable_by_plate(session, user=..., plate=..., registry=...)
                                          one vehicle by its plate, checked with the booking rule:
                                          how a driver finds a truck they were never offered
"""

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.attorneys.service import almaty_today, vehicles_for_intermediary
from kezek.booking.authorization import VehicleAction, acting_party_ids, authorize_vehicle
from kezek.booking.errors import PlateNotRegistered
from kezek.errors import AppError
from kezek.models.booking import Booking
from kezek.models.party import User
from kezek.models.registry import RegistryRecord
from kezek.models.vehicle import Vehicle
from kezek.registry.client import Registry
from kezek.registry.schemas import RegistryVehicle
from kezek.vehicles.plates import normalize_plate


class Ground(enum.StrEnum):
    """Why a person may book for a vehicle."""

    OWNER = "owner"  # the person or a company they represent owns or holds it
    ATTORNEY = "attorney"  # a power of attorney from its owner
    DRIVER = "driver"  # the insurance registry insures the person to drive it


@dataclass(frozen=True)
class BookableVehicle:
    vehicle: Vehicle
    ground: Ground


def bookable_vehicles(session: Session, *, user: User) -> list[BookableVehicle]:
    """Active vehicles `user` may offer to book: their parties' own, then those an attorney
    with the book scope covers today, then those they booked before as a driver (the registry
    decides again at booking time; a lapsed insurance is refused then, with the reason)."""
    parties = acting_party_ids(session, user=user)
    own = session.scalars(
        select(Vehicle)
        .where(Vehicle.owner_id.in_(parties), Vehicle.is_active.is_(True))
        .order_by(Vehicle.owner_id, Vehicle.plate)
    )
    found = {v.id: BookableVehicle(v, Ground.OWNER) for v in own}
    for covered in vehicles_for_intermediary(session, user.person_id):
        if "book" in covered.scopes and covered.vehicle.id not in found:
            found[covered.vehicle.id] = BookableVehicle(covered.vehicle, Ground.ATTORNEY)
    for vehicle in _driven_before(session, user=user, excluding=set(found)):
        found[vehicle.id] = BookableVehicle(vehicle, Ground.DRIVER)
    return list(found.values())


def bookable_by_plate(
    session: Session,
    *,
    user: User,
    plate: str,
    registry: Registry | None,
    on: date | None = None,
) -> BookableVehicle:
    """The registered vehicle with `plate` that `user` may book for a slot on `on`, and why;
    otherwise plate_not_registered or the booking rule's refusal."""
    wanted = normalize_plate(plate)
    candidates = list(
        session.scalars(
            select(Vehicle)
            .where(Vehicle.plate == wanted, Vehicle.is_active.is_(True))
            .order_by(Vehicle.id)
        )
    )
    if not candidates:
        raise PlateNotRegistered(
            f"No vehicle with the plate {wanted} is registered in Kezek: its owner registers it "
            "first."
        )
    refusal: AppError | None = None
    for vehicle in candidates:  # one plate may be registered in two countries
        try:
            authorize_vehicle(
                session,
                user=user,
                vehicle=vehicle,
                action=VehicleAction.BOOK,
                on=on,
                registry=registry,
            )
        except AppError as refused:  # keep the first refusal to explain
            refusal = refusal or refused
            continue
        return BookableVehicle(vehicle, _ground(session, user=user, vehicle=vehicle))
    assert refusal is not None
    raise refusal


def _ground(session: Session, *, user: User, vehicle: Vehicle) -> Ground:
    """Why the booking rule let `user` book `vehicle` (it has just said yes)."""
    if vehicle.owner_id in acting_party_ids(session, user=user):
        return Ground.OWNER
    covered = {c.vehicle.id for c in vehicles_for_intermediary(session, user.person_id)}
    return Ground.ATTORNEY if vehicle.id in covered else Ground.DRIVER


def _driven_before(session: Session, *, user: User, excluding: set[int]) -> list[Vehicle]:
    """Active vehicles of others that `user` booked before and that the registry, as last
    asked (the cached record, however old), insures them to drive today."""
    booked = select(Booking.vehicle_id).where(Booking.created_by == user.id)
    query = (
        select(Vehicle, RegistryRecord.payload)
        .join(RegistryRecord, RegistryRecord.vin == Vehicle.vin)
        .where(Vehicle.id.in_(booked), Vehicle.is_active.is_(True))
        .order_by(Vehicle.plate)
    )
    today = almaty_today()
    return [
        vehicle
        for vehicle, payload in session.execute(query)
        if vehicle.id not in excluding
        and payload is not None
        and RegistryVehicle.from_json(payload).insures(user.person, today)
    ]
