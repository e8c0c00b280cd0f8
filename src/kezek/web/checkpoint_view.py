"""What the operator's check-in page shows, read through the checkpoint service."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.booking.service import arrival_window
from kezek.checkpoint.service import expected_arrivals
from kezek.models.booking import Booking
from kezek.models.crossing import Crossing, DirectionKind
from kezek.models.party import Party


@dataclass(frozen=True)
class ArrivalRow:
    """A booking with its times local to the crossing, and its owner's name."""

    booking: Booking
    owner: str
    arrival_from: datetime
    arrival_until: datetime
    checked_in_at: datetime | None
    no_show_at: datetime | None


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment else None


def _owner_names(session: Session, owner_ids: set[int]) -> dict[int, str]:
    if not owner_ids:
        return {}
    rows = session.execute(select(Party.id, Party.full_name).where(Party.id.in_(owner_ids)))
    return {party_id: name for party_id, name in rows}


def arrival_rows(session: Session, bookings: Sequence[Booking]) -> list[ArrivalRow]:
    names = _owner_names(session, {b.owner_id for b in bookings})
    rows = []
    for booking in bookings:
        zone = ZoneInfo(booking.crossing.timezone)
        opens, closes = arrival_window(booking)
        rows.append(
            ArrivalRow(
                booking=booking,
                owner=names.get(booking.owner_id, ""),
                arrival_from=opens.astimezone(zone),
                arrival_until=closes.astimezone(zone),
                checked_in_at=_local(booking.checked_in_at, zone),
                no_show_at=_local(booking.no_show_at, zone),
            )
        )
    return rows


@dataclass(frozen=True)
class Queue:
    now: datetime  # local to the crossing
    rows: list[ArrivalRow]


def queue_of(session: Session, crossing: Crossing, kind: DirectionKind) -> Queue:
    """The expected arrivals the API's queue lists, ready to show."""
    _first, _until, bookings = expected_arrivals(session, crossing=crossing, kind=kind)
    now = datetime.now(ZoneInfo(crossing.timezone))
    return Queue(now=now, rows=arrival_rows(session, bookings))


@dataclass(frozen=True)
class CheckInResult:
    """The answer to one check-in: done, or a refusal (its code) with the booking found."""

    plate: str
    code: str | None  # None: checked in
    found: ArrivalRow | None
    trailer_mismatch: bool = False

    def to_session(self) -> dict[str, Any]:
        """Kept in the session between the post and the page it redirects to."""
        found_id = self.found.booking.id if self.found else None
        return {
            "plate": self.plate,
            "code": self.code,
            "found_id": found_id,
            "trailer_mismatch": self.trailer_mismatch,
        }


def check_in_result(
    session: Session,
    *,
    plate: str,
    code: str | None,
    found_id: int | None,
    trailer_mismatch: bool = False,
) -> CheckInResult:
    booking = session.get(Booking, found_id) if found_id else None
    found = arrival_rows(session, [booking])[0] if booking else None
    return CheckInResult(plate, code, found, trailer_mismatch)


def result_from_session(session: Session, stored: Any) -> CheckInResult | None:
    if not isinstance(stored, dict) or not isinstance(stored.get("plate"), str):
        return None
    found_id = stored.get("found_id")
    return check_in_result(
        session,
        plate=stored["plate"],
        code=stored.get("code") if isinstance(stored.get("code"), str) else None,
        found_id=found_id if isinstance(found_id, int) else None,
        trailer_mismatch=bool(stored.get("trailer_mismatch")),
    )
