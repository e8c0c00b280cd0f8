"""Who may act for a vehicle: the one place that decides it, for the API and the pages alike.

A verified person acts for a vehicle as its owner or holder (the person, or a company they
represent), or as an intermediary under a power of attorney from its owner that names the vehicle
(or the whole fleet), covers the slot's date and includes the action, or as a driver the
insurance registry insures for the vehicle on that date. A refusal says which is missing:
no_attorney for an intermediary none of whose attorneys names the vehicle,
not_authorized_for_vehicle for anyone else with no tie to it.
"""

import enum
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.attorneys.errors import AttorneyExpired, AttorneyRevoked, AttorneyScope, NoAttorney
from kezek.attorneys.service import almaty_today, attorney_covering
from kezek.booking.errors import IdentityNotVerified, NotAuthorizedForVehicle
from kezek.models.party import CompanyMember, IdentityStatus, Role, User
from kezek.models.vehicle import Vehicle
from kezek.registry.client import Registry
from kezek.registry.errors import RegistryUnavailable
from kezek.registry.service import insured_driver_of


class VehicleAction(enum.StrEnum):
    BOOK = "book"
    CANCEL = "cancel"
    VIEW = "view"


# Every refusal authorize_vehicle can give, for the endpoints' OpenAPI responses.
VEHICLE_REFUSALS = (
    IdentityNotVerified,
    NotAuthorizedForVehicle,
    NoAttorney,
    AttorneyExpired,
    AttorneyRevoked,
    AttorneyScope,
    RegistryUnavailable,
)


def acting_party_ids(session: Session, *, user: User) -> list[int]:
    """The parties a user acts for: their own person and the companies they represent."""
    companies = session.scalars(
        select(CompanyMember.company_id).where(CompanyMember.person_id == user.person_id)
    )
    return [user.person_id, *companies]


def require_verified(user: User) -> None:
    if user.person.identity_status != IdentityStatus.VERIFIED:
        raise IdentityNotVerified(
            f"Your identity is {user.person.identity_status}; only verified people can book."
        )


def authorize_vehicle(
    session: Session,
    *,
    user: User,
    vehicle: Vehicle,
    action: VehicleAction,
    on: date | None = None,
    registry: Registry | None = None,
) -> None:
    """Refuse unless `user` may take `action` for `vehicle` for a slot on day `on` (today in
    Almaty if not given): as its owner or holder, under a power of attorney, or as a driver the
    insurance registry insures for it. The refusal says what is missing; when only the registry
    could tell and it cannot be reached, registry_unavailable (owners never need it)."""
    if action != VehicleAction.VIEW:
        require_verified(user)
    if vehicle.owner_id in acting_party_ids(session, user=user):
        return
    day = on or almaty_today()
    try:
        attorney_covering(
            session, intermediary_person_id=user.person_id, vehicle=vehicle, scope=action, on=day
        )
        return
    except NoAttorney:
        attorney_refusal = None
    except (AttorneyExpired, AttorneyRevoked, AttorneyScope) as refusal:
        attorney_refusal = refusal  # one exists but does not cover this: unless insured, say so
    if insured_driver_of(session, registry, vehicle, user.person, day):
        return
    if attorney_refusal is not None:
        raise attorney_refusal
    if Role.INTERMEDIARY in user.roles:
        # An intermediary acts under attorneys: the missing thing is one that names the vehicle.
        raise NoAttorney(
            f"No power of attorney from the owner of {vehicle.plate} names this vehicle, and no "
            "driver's insurance lets you act for it."
        )
    raise NotAuthorizedForVehicle(
        f"You are not the owner or holder of {vehicle.plate}, and no driver's insurance or "
        "power of attorney lets you act for it."
    )
