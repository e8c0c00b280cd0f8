"""Fixtures and helpers for the booking tests: vehicles, money, slots in the future."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from support import almaty_today

from kezek.db import new_session
from kezek.ledger.service import owner_account, post, system_account
from kezek.models.ledger import EntryKind, SystemAccount
from kezek.models.party import User
from kezek.models.vehicle import Vehicle

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin_for(serial: int) -> str:
    """A distinct 17-character VIN (European style: no check digit) for test vehicles."""
    tail = ""
    n = serial
    for _ in range(8):
        n, r = divmod(n, len(VIN_CHARS))
        tail = VIN_CHARS[r] + tail
    return f"WDB93400{tail}0"[:17]


@dataclass
class Fleet:
    engine: Engine
    serial: int = 0

    def vehicle(
        self, login: str = "carrier", *, category: str = "truck", company: bool = False
    ) -> int:
        """A new vehicle of `login`'s person (or of their first company), its id."""
        self.serial += 1
        session = new_session(self.engine)
        try:
            user = session.scalars(select(User).where(User.login == login)).one()
            owner_id = user.person_id
            if company:
                from kezek.people.service import companies_of

                owner_id = companies_of(session, person_id=user.person_id)[0].id
            vehicle = Vehicle(
                owner_id=owner_id,
                plate=f"{self.serial:03d}TST02",
                vin=vin_for(self.serial),
                category=category,
                country="KZ",
            )
            session.add(vehicle)
            session.commit()
            return vehicle.id
        finally:
            session.close()

    def top_up(self, login: str = "carrier", kzt: int = 100_000, *, company: bool = False) -> None:
        session = new_session(self.engine)
        try:
            user = session.scalars(select(User).where(User.login == login)).one()
            party_id = user.person_id
            if company:
                from kezek.people.service import companies_of

                party_id = companies_of(session, person_id=user.person_id)[0].id
            self.serial += 1
            post(
                session,
                event_key=f"test-top-up:{self.serial}:{party_id}",
                kind=EntryKind.TOP_UP,
                debit_account_id=system_account(session, SystemAccount.TOP_UPS).id,
                credit_account_id=owner_account(session, party_id=party_id).id,
                amount=kzt * 100,
            )
            session.commit()
        finally:
            session.close()


@pytest.fixture
def fleet(engine: Engine) -> Fleet:
    return Fleet(engine)


def future_day(days: int = 2) -> date:
    return almaty_today() + timedelta(days=days)


def booking_body(vehicle_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vehicle_id": vehicle_id,
        "crossing": "NUR_ZHOLY",
        "direction": "exit",
        "date": future_day().isoformat(),
        "hour": 10,
        "cargo_category": "general",
    }
    body.update(overrides)
    return body


Book = Callable[..., Any]
