"""Granting attorneys in tests: the demo carrier to the demo intermediary, by default."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from booking_support import Fleet
from camera_support import camera_check
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from kezek.attorneys.service import almaty_today
from kezek.db import new_session
from kezek.models.attorney import Attorney
from kezek.models.party import User


def days(n: int) -> str:
    return (almaty_today() + timedelta(days=n)).isoformat()


@dataclass
class Grants:
    client: TestClient
    auth: Callable[[str], dict[str, str]]
    fleet: Fleet
    engine: Engine

    def iin(self, login: str) -> str:
        session = new_session(self.engine, readonly=True)
        try:
            user = session.scalars(select(User).where(User.login == login)).one()
            return user.person.iin or ""
        finally:
            session.close()

    def body(
        self, vehicles: list[int] | None = None, *, by: str = "carrier", **overrides: Any
    ) -> dict[str, Any]:
        """A grant's body, confirmed by a fresh camera check of `by` recorded for it."""
        body: dict[str, Any] = {
            "intermediary": {"iin": self.iin("intermediary")},
            "vehicle_ids": vehicles or [],
            "whole_fleet": vehicles is None,
            "valid_from": days(0),
            "valid_to": days(30),
            "scopes": ["book", "view"],
        }
        if "confirmation" not in overrides:
            body["confirmation"] = {"verification_id": camera_check(self.engine, by)}
        return {**body, **overrides}

    def post(self, body: dict[str, Any], login: str = "carrier") -> Any:
        return self.client.post("/api/v1/attorneys", json=body, headers=self.auth(login))

    def grant(self, vehicles: list[int] | None = None, **overrides: Any) -> dict[str, Any]:
        r = self.post(self.body(vehicles, **overrides))
        assert r.status_code == 201, r.text
        return r.json()

    def set_period(self, public_id: str, valid_from: date, valid_to: date) -> None:
        """Move the period in the row only (as an intruder would): the document disagrees."""
        with self.engine.begin() as conn:
            conn.execute(
                update(Attorney)
                .where(Attorney.public_id == public_id)
                .values(valid_from=valid_from, valid_to=valid_to)
            )

    def verification(self, public_id: str) -> dict[str, Any]:
        r = self.client.get(f"/api/v1/attorneys/{public_id}/verification")
        assert r.status_code == 200, r.text
        return r.json()
