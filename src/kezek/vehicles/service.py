"""Registering and listing vehicles. Services flush; the request commits."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.booking.authorization import acting_party_ids
from kezek.models.party import User
from kezek.models.vehicle import Vehicle
from kezek.vehicles.countries import ISO_3166_ALPHA2
from kezek.vehicles.errors import (
    CountryInvalid,
    NotYourCompany,
    PlateInvalid,
    VinCheckDigit,
    VinInvalid,
    VinTaken,
)
from kezek.vehicles.plates import is_valid_plate, normalize_plate
from kezek.vehicles.schemas import VehicleIn
from kezek.vehicles.vin import VinError, parse_vin


def vehicles_of(session: Session, *, user: User) -> list[Vehicle]:
    """The vehicles of every party `user` acts for (their person and their companies)."""
    return list(
        session.scalars(
            select(Vehicle)
            .where(Vehicle.owner_id.in_(acting_party_ids(session, user=user)))
            .order_by(Vehicle.id)
        )
    )


def _valid_vin(value: str) -> str:
    try:
        return parse_vin(value)
    except VinError as err:
        refusal = VinCheckDigit if err.code == "vin_check_digit" else VinInvalid
        raise refusal(str(err)) from None


def _valid_plate(value: str) -> str:
    plate = normalize_plate(value)
    if not is_valid_plate(plate):
        raise PlateInvalid(f"{value!r} is not a plate: 2 to 12 Latin letters and digits.")
    return plate


def _valid_country(value: str) -> str:
    country = value.strip().upper()
    if country not in ISO_3166_ALPHA2:
        raise CountryInvalid(f"{value!r} is not an ISO 3166 alpha-2 country code.")
    return country


def _owner_id(session: Session, *, user: User, company_id: int | None) -> int:
    if company_id is None:
        return user.person_id
    if company_id == user.person_id or company_id not in acting_party_ids(session, user=user):
        raise NotYourCompany(f"You do not represent company {company_id}.")
    return company_id


def register_vehicle(session: Session, *, user: User, data: VehicleIn) -> Vehicle:
    """Register a vehicle to `user` or a company they represent. A VIN already registered to
    the same owner returns that vehicle (a retried registration); to another owner, refused."""
    vin = _valid_vin(data.vin)
    plate = _valid_plate(data.plate)
    country = _valid_country(data.country)
    owner_id = _owner_id(session, user=user, company_id=data.owner_company_id)
    existing = session.scalar(select(Vehicle).where(Vehicle.vin == vin))
    if existing is not None:
        if existing.owner_id != owner_id:
            raise VinTaken(f"The VIN {vin} is registered to another owner.")
        return existing
    vehicle = Vehicle(
        owner_id=owner_id,
        plate=plate,
        vin=vin,
        category=data.category,
        country=country,
        make=data.make,
    )
    session.add(vehicle)
    session.flush()
    record(
        session,
        action="vehicle.register",
        object_type="vehicle",
        object_id=vehicle.id,
        on_behalf_of=owner_id,
        payload={"plate": plate, "vin": vin, "category": str(data.category), "country": country},
    )
    return vehicle
