"""Who may act for a vehicle: the one place that decides it, for the API and the pages alike.

For now: the vehicle's owner or holder (the person, or a company they represent), with a
verified identity. Insured drivers and attorneys join here with the attorney issue.
"""

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    session: Session, *, user: User, vehicle: Vehicle, action: VehicleAction
) -> None:
    """Refuse unless `user` may take `action` for `vehicle`; the refusal says what is missing."""
    if action != VehicleAction.VIEW:
        require_verified(user)
    if vehicle.owner_id not in acting_party_ids(session, user=user):
        raise NotAuthorizedForVehicle(
            f"You are not the owner or holder of {vehicle.plate}, and no driver's insurance or "
            "power of attorney lets you act for it."
        )
