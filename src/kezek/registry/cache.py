"""The registry's answers kept in the database (table registry_records), in the caller's
transaction: on SQLite a second connection could not write while the request holds the lock."""

from datetime import datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kezek.db import utcnow
from kezek.models.registry import RegistryRecord
from kezek.registry.client import Registry
from kezek.registry.errors import RegistryUnavailable
from kezek.registry.schemas import RegistryVehicle


class CachedRegistry:
    """A Registry that answers from the cache while a record is fresh, asks `source` when it is
    stale or missing, and falls back to the stale record only when the caller allows it."""

    def __init__(self, source: Registry, session: Session, *, max_age_seconds: float):
        self.source = source
        self.session = session
        self.max_age = timedelta(seconds=max_age_seconds)

    def vehicle(self, vin: str, *, allow_stale: bool = False) -> RegistryVehicle | None:
        record = self.session.get(RegistryRecord, vin)
        now = utcnow()
        if record is not None and now - record.fetched_at < self.max_age:
            return _parsed(record)
        try:
            found = self.source.vehicle(vin)
        except RegistryUnavailable:
            if allow_stale and record is not None:
                return _parsed(record)
            raise
        self._store(vin, found, now)
        return found

    def _store(self, vin: str, found: RegistryVehicle | None, now: datetime) -> None:
        # An upsert: two requests may fetch the same VIN at once; the later answer wins.
        values = {"vin": vin, "payload": found.to_json() if found else None, "fetched_at": now}
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(RegistryRecord).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["vin"],
            set_={"payload": statement.excluded.payload, "fetched_at": now},
        )
        self.session.execute(statement)
        if (cached := self.session.get(RegistryRecord, vin)) is not None:
            self.session.refresh(cached)  # the identity map may hold the row as it was


def _parsed(record: RegistryRecord) -> RegistryVehicle | None:
    return RegistryVehicle.from_json(record.payload) if record.payload else None
