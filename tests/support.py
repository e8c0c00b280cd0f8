"""Small helpers shared by the API, footprint and CLI tests."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from kezek.db import new_session
from kezek.models.audit import AuditRecord

DEMO_PASSWORD = "kezek-demo-2026"
DEMO_LOGINS = ["admin", "operator", "analyst", "carrier", "driver", "intermediary"]
NON_ADMIN_LOGINS = [x for x in DEMO_LOGINS if x != "admin"]


def token(client: TestClient, login: str, password: str = DEMO_PASSWORD) -> str:
    r = client.post("/api/v1/auth/token", data={"username": login, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def bearer(client: TestClient, login: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(client, login, password)}"}


def almaty_today() -> date:
    """Today where the seed crossings are (all in Asia/Almaty)."""
    return datetime.now(ZoneInfo("Asia/Almaty")).date()


def footprints(engine: Engine, *, after: int = 0, **where: Any) -> list[AuditRecord]:
    """Footprints with seq > after, optionally filtered by column values, in order."""
    session = new_session(engine, readonly=True)
    try:
        query = select(AuditRecord).where(AuditRecord.seq > after).order_by(AuditRecord.seq)
        for column, value in where.items():
            query = query.where(getattr(AuditRecord, column) == value)
        return list(session.scalars(query))
    finally:
        session.close()


def last_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM audit_log")).scalar_one()


def allow_audit_tampering(engine: Engine) -> None:
    """Switch off the database's append-only guard, as an intruder with DDL rights could."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
