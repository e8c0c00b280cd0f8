"""Who may act for a vehicle: the one place that decides it, for the API and the pages alike.

A verified person acts for a vehicle as its owner or holder (the person, or a company they
represent), or as an intermediary under a power of attorney from its owner that names the vehicle
(or the whole fleet), covers the slot's date and includes the action. A refusal says which is
missing. Insured drivers (from the insurance registry) join here next.
"""

import enum
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.attorneys.errors import NoAttorney
from kezek.attorneys.service import almaty_today, attorney_covering
from kezek.booking.errors import IdentityNotVerified, NotAuthorizedForVehicle
from kezek.models.party import CompanyMember, IdentityStatus, User
from kezek.models.vehicle import Vehicle


class VehicleAction(enum.StrEnum):
    BOOK = "book"
    CANCEL = "cancel"
    VIEW = "view"


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
) -> None:
    """Refuse unless `user` may take `action` for `vehicle` for a slot on day `on` (today in
    Almaty if not given); the refusal says what is missing."""
    if action != VehicleAction.VIEW:
        require_verified(user)
    if vehicle.owner_id in acting_party_ids(session, user=user):
        return
    try:
        attorney_covering(
            session,
            intermediary_person_id=user.person_id,
            vehicle=vehicle,
            scope=action.value,
            on=on or almaty_today(),
        )
    except NoAttorney:
        # No relation at all: say everything that would have let them act.
        raise NotAuthorizedForVehicle(
            f"You are not the owner or holder of {vehicle.plate}, and no driver's insurance or "
            "power of attorney lets you act for it."
        ) from None
