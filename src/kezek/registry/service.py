"""The registry checks the booking rule and vehicle registration call.

Every function takes `registry: Registry | None`: None means no registry is configured
(KEZEK_REGISTRY_URL empty). Then the registry names nobody: no insured drivers, no holders,
and vehicles register unchecked (see docs/registry.md).
"""

from datetime import date

from sqlalchemy.orm import Session

from kezek.config import Settings
from kezek.models.party import Party
from kezek.models.vehicle import Vehicle
from kezek.registry.cache import CachedRegistry
from kezek.registry.client import HttpRegistry, Registry


def make_registry(settings: Settings) -> HttpRegistry | None:
    """The process's registry client, or None when KEZEK_REGISTRY_URL is empty."""
    return HttpRegistry(settings) if settings.registry_url else None


def cached_registry(
    session: Session, *, source: Registry | None, settings: Settings
) -> Registry | None:
    """`source` behind the database cache of `session`'s transaction."""
    if source is None:
        return None
    return CachedRegistry(source, session, max_age_seconds=settings.registry_cache_seconds)


def insured_driver_of(
    session: Session, registry: Registry | None, vehicle: Vehicle, person: Party, on: date
) -> bool:
    """Whether the registry insures `person` to drive `vehicle` on the date `on`.

    Needs a fresh answer (a driver's policy may have ended): raises RegistryUnavailable when the
    registry cannot be asked and the cached record is stale. False without a registry."""
    if registry is None:
        return False
    found = registry.vehicle(vehicle.vin)
    return found is not None and found.insures(person, on)


def registry_owner_of(
    session: Session, registry: Registry | None, vehicle: Vehicle, parties: list[Party]
) -> bool:
    """Whether the registry names one of `parties` as the owner or a holder of `vehicle`
    (a holder, e.g. a leasing company's lessee, may book like the owner).

    A stale cached record is good enough (owners keep booking while the registry is down);
    raises RegistryUnavailable only when there is no record at all. False without a registry.
    The owner Kezek stores (vehicle.owner_id) was checked against the registry when the vehicle
    was registered, so the booking rule need not call this for that party."""
    if registry is None:
        return False
    found = registry.vehicle(vehicle.vin, allow_stale=True)
    return found is not None and any(found.owned_or_held_by(p) for p in parties)
