"""Registering and listing vehicles. Services flush; the request commits."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import record
from kezek.booking.authorization import acting_party_ids
from kezek.booking.errors import VehicleNotFound
from kezek.models.party import Party, User
from kezek.models.vehicle import RegistryStatus, Vehicle
from kezek.registry.client import Registry
from kezek.vehicles.countries import ISO_3166_ALPHA2
from kezek.vehicles.errors import (
    CountryInvalid,
    NotYourCompany,
    PlateInvalid,
    VinCheckDigit,
    VinInvalid,
    VinTaken,
)
from kezek.vehicles.ownership import registry_status_for
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


def register_vehicle(
    session: Session, *, user: User, data: VehicleIn, registry: Registry | None = None
) -> Vehicle:
    """Register a vehicle to `user` or a company they represent. A VIN already registered to
    the same owner returns that vehicle (a retried registration); to another owner, refused.

    The registry must name the owner (or a holder): see registry_status_for. Without a registry
    (None) the vehicle is stored unchecked."""
    vin = _valid_vin(data.vin)
    plate = _valid_plate(data.plate)
    country = _valid_country(data.country)
    owner_id = _owner_id(session, user=user, company_id=data.owner_company_id)
    existing = session.scalar(select(Vehicle).where(Vehicle.vin == vin))
    if existing is not None:
        if existing.owner_id != owner_id:
            raise VinTaken(f"The VIN {vin} is registered to another owner.")
        return existing
    owner = session.get(Party, owner_id)
    assert owner is not None
    status = registry_status_for(registry, vin=vin, country=country, owner=owner)
    vehicle = Vehicle(
        owner_id=owner_id,
        plate=plate,
        vin=vin,
        category=data.category,
        country=country,
        make=data.make,
        registry_status=status,
    )
    session.add(vehicle)
    session.flush()
    record(
        session,
        action="vehicle.register",
        object_type="vehicle",
        object_id=vehicle.id,
        on_behalf_of=owner_id,
        payload={
            "plate": plate,
            "vin": vin,
            "category": str(data.category),
            "country": country,
            "registry_status": status,
        },
    )
    return vehicle


def own_vehicle(session: Session, *, user: User, vehicle_id: int) -> Vehicle:
    """A vehicle of a party `user` acts for; 404 for anyone else's (it does not say it exists)."""
    vehicle = session.get(Vehicle, vehicle_id)
    if vehicle is None or vehicle.owner_id not in acting_party_ids(session, user=user):
        raise VehicleNotFound()
    return vehicle


def any_vehicle(session: Session, *, vehicle_id: int) -> Vehicle:
    vehicle = session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise VehicleNotFound()
    return vehicle


def pending_vehicles(session: Session) -> list[Vehicle]:
    """Vehicles waiting for an operator's certificate check, oldest first."""
    return list(
        session.scalars(
            select(Vehicle)
            .where(Vehicle.registry_status == RegistryStatus.PENDING)
            .order_by(Vehicle.id)
        )
    )
