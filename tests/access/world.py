"""The world the access matrix runs in: a real server (uvicorn in a subprocess) with the stand-in
insurance registry as its own process, one carrier's data, and every kind of caller around it.

Personas (all verified people, each with an API client and a logged-in page client):

    owner         the demo carrier ("carrier"): owns truck (insured for "driver") and truck2
    other         another carrier ("carrier-0001"), with a truck and a booking of their own
    int_valid     an intermediary with a valid attorney (whole fleet; book, cancel, view)
    int_expired   an intermediary whose attorney (whole fleet, all scopes) ended before today
    int_revoked   an intermediary whose attorney (whole fleet, all scopes) the owner revoked,
                  after it booked for the owner once (booking "by_revoked")
    int_scope     an intermediary with an out-of-scope attorney: whole fleet, "view" only
    int_vehicle   an intermediary with an attorney for another vehicle only (truck2; all scopes)
    driver        the demo driver, insured by the registry for truck and truck2
    anonymous     no credentials at all

Every attorney grant, by API or page, goes through `confirmed_grant`, the one place that knows
how a grant is confirmed (an attorney whose period is already over is issued in-process by
`issue_attorney`, which needs no confirmation).
"""

import contextlib
import re
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
from booking_support import Fleet, booking_body, future_day
from camera_support import camera_check
from registry_support import CARRIER_TRUCK, StubRegistry
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Engine
from support import DEMO_PASSWORD, FAST_HASHER, running_server

from kezek import demo
from kezek.attorneys import issuing
from kezek.attorneys.schemas import AttorneyIn
from kezek.attorneys.service import ALMATY, almaty_today
from kezek.attorneys.signing import load_or_create
from kezek.db import make_engine, new_session
from kezek.models.booking import Booking, OutboxMessage
from kezek.models.identity import IdentityDocument, VerificationAttempt
from kezek.models.ledger import Account, LedgerEntry
from kezek.models.party import CompanyMember, Role, User
from kezek.notifications.service import notify
from kezek.people.national_id import make_iin
from kezek.people.tokens import issue_token
from kezek.vehicles.vin import make_vin

PERSONAS = [
    "owner",
    "other",
    "int_valid",
    "int_expired",
    "int_revoked",
    "int_scope",
    "int_vehicle",
    "driver",
    "anonymous",
]
LOGINS = {
    "owner": "carrier",
    "other": "carrier-0001",
    "int_valid": "intermediary",
    "int_expired": "int-expired",
    "int_revoked": "int-revoked",
    "int_scope": "int-scope",
    "int_vehicle": "int-vehicle",
    "driver": "driver",
}
NEW_INTERMEDIARIES = ["int-expired", "int-revoked", "int-scope", "int-vehicle"]
OTHERS_TRUCK = make_vin(2, wmi="LZZ", vds="5BLSB")  # carrier-0001's, in the shipped stub data
TRUCK2 = make_vin(1, wmi="LZZ", vds="5BLSB")  # the owner's second truck, insured for "driver"
SECRET = "access-matrix-secret-key-not-for-production"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@dataclass
class Persona:
    name: str
    api: httpx.Client  # bearer token (none for anonymous)
    web: httpx.Client  # session cookie, asks for HTML (not logged in for anonymous)
    csrf: str = ""  # a token valid for the web session's forms
    user_id: int | None = None
    person_id: int | None = None


@dataclass
class World:
    base_url: str
    engine: Engine
    stub: StubRegistry
    key_file: Path
    media: Path
    fleet: Fleet
    people: dict[str, Persona] = field(default_factory=dict)
    vehicles: dict[str, int] = field(default_factory=dict)
    bookings: dict[str, int] = field(default_factory=dict)
    attorneys: dict[str, str] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    notifications: dict[str, int] = field(default_factory=dict)
    day_serial: int = 0

    def __getitem__(self, persona: str) -> Persona:
        return self.people[persona]

    # --- reading the database (the test's own view, not through the server) ---------------

    def scalar(self, query: Any) -> Any:
        session = new_session(self.engine, readonly=True)
        try:
            return session.scalar(query)
        finally:
            session.close()

    def booking(self, booking_id: int) -> dict[str, Any]:
        """What a refused change must leave as it was: status, slot, vehicle, drivers."""
        session = new_session(self.engine, readonly=True)
        try:
            b = session.get(Booking, booking_id)
            assert b is not None
            return {
                "status": b.status,
                "day": b.day,
                "hour": b.hour,
                "vehicle_id": b.vehicle_id,
                "drivers": sorted(d.national_id for d in b.drivers),
                "reschedules": b.reschedule_count,
            }
        finally:
            session.close()

    def money(self) -> dict[str, int]:
        """Every account's number of ledger entries: a refused change moves no money."""
        session = new_session(self.engine, readonly=True)
        try:
            rows = session.execute(
                select(Account.id, func.count(LedgerEntry.id))
                .outerjoin(
                    LedgerEntry,
                    (LedgerEntry.debit_account_id == Account.id)
                    | (LedgerEntry.credit_account_id == Account.id),
                )
                .group_by(Account.id)
            ).all()
            return {str(k): v for k, v in rows}
        finally:
            session.close()

    def counts(self) -> dict[str, int]:
        """Rows a refused request must not add: bookings, attorneys, vehicles, revocations."""
        with self.engine.connect() as conn:
            return {
                table: conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                for table in ("bookings", "attorneys", "vehicles", "booking_drivers", "parties")
            } | {
                "revoked": conn.execute(
                    text("SELECT COUNT(*) FROM attorneys WHERE revoked_at IS NOT NULL")
                ).scalar_one()
            }

    # --- making fresh objects ------------------------------------------------------------

    def next_day(self) -> date:
        """The next of the days 2..20 ahead, round and round: fresh bookings spread out, so no
        hour's capacity is what refuses them."""
        self.day_serial += 1
        return future_day(2 + self.day_serial % 19)

    def book(self, persona: str, vehicle: str, *, direction: str = "exit", **extra: Any) -> int:
        day = self.next_day()
        body = booking_body(
            self.vehicles[vehicle], date=str(day), direction=direction, hour=10, **extra
        )
        r = self[persona].api.post("/api/v1/bookings", json=body)
        assert r.status_code == 201, (persona, r.text)
        return int(r.json()["id"])

    def cancel_if_active(self, booking_id: int) -> None:
        if self.booking(booking_id)["status"] == "active":
            r = self["owner"].api.post(f"/api/v1/bookings/{booking_id}/cancel")
            assert r.status_code == 200, r.text

    @contextlib.contextmanager
    def fresh_booking(self, creator: str, vehicle: str = "truck") -> Iterator[int]:
        """A booking of the owner's `vehicle` made by `creator`; cancelled afterwards so the
        vehicle's direction is free for the next one."""
        booking_id = self.book(creator, vehicle)
        try:
            yield booking_id
        finally:
            self.cancel_if_active(booking_id)


# --- attorneys: the one place that knows how a grant is confirmed --------------------------


def confirmed_grant(
    world: "World", who: str, body: dict[str, Any], *, page: bool = False
) -> httpx.Response:
    """Grant `body` (grant_body's shape) as persona `who`, confirmed as a grant must be: a fresh
    camera check of the grantor (recorded straight into the database, tests/camera_support.py),
    named in the API body; the attorneys page picks the grantor's fresh check itself. Every
    grant of the module goes through here."""
    persona = world[who]
    check = camera_check(world.engine, LOGINS[who]) if who in LOGINS else 0
    if not page:
        confirmation = {"confirmation": {"verification_id": check}}
        return persona.api.post("/api/v1/attorneys", json={**body, **confirmation})
    form = {
        "iin": body["intermediary"]["iin"],
        "valid_from": body["valid_from"],
        "valid_to": body["valid_to"],
        "csrf_token": persona.csrf,
        **{f"scope_{s}": "1" for s in body["scopes"]},
        **{f"vehicle_{v}": str(v) for v in body["vehicle_ids"]},
    }
    if body["whole_fleet"]:
        form["whole_fleet"] = "1"
    if body.get("owner_company_id"):
        form["owner_company_id"] = str(body["owner_company_id"])
    return persona.web.post("/attorneys", data=form)


def grant_body(
    world: World,
    intermediary: str,
    *,
    vehicles: list[str] | None = None,
    scopes: tuple[str, ...] = ("book", "cancel", "view"),
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> dict[str, Any]:
    """An attorney from the owner to `intermediary` (a persona); whole fleet unless vehicles
    are named."""
    today = almaty_today()
    return {
        "intermediary": {"iin": iin_of(world, LOGINS[intermediary])},
        "vehicle_ids": [world.vehicles[v] for v in vehicles or []],
        "whole_fleet": vehicles is None,
        "valid_from": str(valid_from or today),
        "valid_to": str(valid_to or today + timedelta(days=30)),
        "scopes": list(scopes),
    }


def issue_attorney(world: World, intermediary: str, **terms: Any) -> str:
    """Every attorney the setup grants, by the owner; its public id.

    A period still running goes through the API (confirmed_grant). A period already over is
    refused there (invalid_period), as it should be; such an attorney is issued the way it
    would have been on its first day: the issuing service with "today" and the clock set back,
    signed by the server's own key. Nothing is edited afterwards, so its document verifies.
    """
    body = grant_body(world, intermediary, **terms)
    ends = date.fromisoformat(body["valid_to"])
    if ends >= almaty_today():
        r = confirmed_grant(world, "owner", body)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])
    starts = date.fromisoformat(body["valid_from"])
    then = datetime.combine(starts, time(9), tzinfo=ALMATY).astimezone(UTC)
    check = camera_check(world.engine, LOGINS["owner"], at=then)
    session = new_session(world.engine)
    try:
        owner = session.scalars(select(User).where(User.login == LOGINS["owner"])).one()
        data = AttorneyIn.model_validate(body)
        with (
            mock.patch.object(issuing, "almaty_today", lambda: starts),
            mock.patch.object(issuing, "utcnow", lambda: then),
        ):
            attorney = issuing.grant(
                session,
                user=owner,
                data=data,
                key=load_or_create(world.key_file),
                confirmation=session.get_one(VerificationAttempt, check),
            )
        session.commit()
        return attorney.public_id
    finally:
        session.close()


def iin_of(world: World, login: str) -> str:
    session = new_session(world.engine, readonly=True)
    try:
        return session.scalars(select(User).where(User.login == login)).one().person.iin or ""
    finally:
        session.close()


# --- building the world --------------------------------------------------------------------


def _people(engine: Engine) -> None:
    """carrier-0001 and three more intermediaries, all verified; every password cheap to check
    (the demo's hashes are full strength: 18 logins would take seconds)."""
    session = new_session(engine)
    try:
        demo.load_carriers(session, count=1, password=DEMO_PASSWORD)
        for serial, login in enumerate(NEW_INTERMEDIARIES, start=2001):
            demo._ensure_person(
                session,
                login=login,
                role=Role.INTERMEDIARY,
                full_name=f"Test {login}",
                iin=make_iin(date(1991, 4, serial - 2000), serial),
                password=DEMO_PASSWORD,
                serial=serial,
            )
        session.execute(update(User).values(password_hash=FAST_HASHER.hash(DEMO_PASSWORD)))
        session.commit()
    finally:
        session.close()


def _persona(base_url: str, name: str, user_ids: dict[str, tuple[int, int]]) -> Persona:
    """The persona's clients: the API's with a bearer token minted by the app's own
    issue_token (as tests/support.py's `auth`; the token endpoint has tests of its own), the
    pages' logged in through the login form."""
    api = httpx.Client(base_url=base_url, timeout=20)
    web = httpx.Client(base_url=base_url, timeout=20, headers=HTML, follow_redirects=False)
    persona = Persona(name, api, web)
    if name == "anonymous":  # a session with a CSRF token, so its posts reach the login check
        persona.csrf = csrf_of(web.get("/login").text)
        return persona
    login = LOGINS[name]
    persona.user_id, persona.person_id = user_ids[login]
    minted = issue_token(user_id=persona.user_id, secret=SECRET, minutes=60)
    api.headers["Authorization"] = f"Bearer {minted}"
    token = csrf_of(web.get("/login").text)
    r = web.post("/login", data={"login": login, "password": DEMO_PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.text[-2000:]
    persona.csrf = csrf_of(web.get("/me").text)
    assert api.get("/api/v1/me").json()["login"] == login
    return persona


def _personas(engine: Engine, base_url: str) -> dict[str, Persona]:
    """All personas at once: each login waits on the server's password check."""
    session = new_session(engine, readonly=True)
    try:
        rows = session.execute(select(User.login, User.id, User.person_id)).all()
        user_ids = {login: (uid, pid) for login, uid, pid in rows}
    finally:
        session.close()
    with ThreadPoolExecutor(max_workers=4) as pool:
        made = pool.map(lambda name: _persona(base_url, name, user_ids), PERSONAS)
        return dict(zip(PERSONAS, made, strict=True))


def csrf_of(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def _register(persona: Persona, vin: str, plate: str, country: str = "KZ") -> int:
    body = {"plate": plate, "vin": vin, "category": "truck", "country": country}
    r = persona.api.post("/api/v1/vehicles", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _document(world: World, persona: str) -> int:
    """An enrolled identity document with a photo file (rows as enrolment writes them; the
    face models are not what this module tests)."""
    name = f"photo-{secrets.token_hex(16)}.png"
    world.media.mkdir(parents=True, exist_ok=True)
    (world.media / name).write_bytes(PNG)
    session = new_session(world.engine)
    try:
        document = IdentityDocument(
            person_id=world[persona].person_id,
            photo_file=name,
            media_type="image/png",
            face_box=[0, 0, 8, 8],
            embedding=b"\0" * 16,
        )
        session.add(document)
        session.commit()
        return document.id
    finally:
        session.close()


def _notification(world: World, persona: str) -> int:
    session = new_session(world.engine)
    try:
        key = f"access-matrix:{persona}"
        payload = {"note": f"for {persona}"}
        party = world[persona].person_id
        notify(session, party_id=party, kind="test", event_key=key, payload=payload)
        session.commit()

        return int(session.scalar(select(OutboxMessage.id).where(OutboxMessage.event_key == key)))
    finally:
        session.close()


def _account(world: World, persona: str) -> int:
    return int(world.scalar(select(Account.id).where(Account.party_id == world[persona].person_id)))


def build(world: World) -> None:
    """Vehicles, money, attorneys, bookings, documents and messages, through the API where
    the API can make them."""
    owner, other = world["owner"], world["other"]
    world.vehicles["truck"] = _register(owner, CARRIER_TRUCK, "000DAA02")
    world.vehicles["truck2"] = _register(owner, TRUCK2, "001DAA02")
    world.vehicles["others_truck"] = _register(other, OTHERS_TRUCK, "002DAA02")
    # Money for every fee, reschedule and compensation the module causes.
    world.fleet.top_up(LOGINS["owner"], kzt=500_000_000)
    world.fleet.top_up(LOGINS["other"], kzt=1_000_000)
    world.accounts["owner_company"] = int(
        world.scalar(
            select(Account.id)
            .join(CompanyMember, CompanyMember.company_id == Account.party_id)
            .where(CompanyMember.person_id == owner.person_id)
        )
    )
    for persona in ("owner", "other"):
        world.accounts[persona] = _account(world, persona)
        world.documents[persona] = _document(world, persona)
        world.notifications[persona] = _notification(world, persona)

    today = almaty_today()
    world.attorneys["valid"] = issue_attorney(world, "int_valid")
    world.attorneys["scope"] = issue_attorney(world, "int_scope", scopes=("view",))
    world.attorneys["vehicle"] = issue_attorney(world, "int_vehicle", vehicles=["truck2"])
    world.attorneys["expired"] = issue_attorney(
        world,
        "int_expired",
        valid_from=today - timedelta(days=40),
        valid_to=today - timedelta(days=1),
    )
    world.attorneys["revoked"] = issue_attorney(world, "int_revoked")
    # Bookings that stay for the reading checks (truck2: both directions).
    world.bookings["by_revoked"] = world.book("int_revoked", "truck2", direction="entry")
    r = owner.api.post(f"/api/v1/attorneys/{world.attorneys['revoked']}/revoke", json={})
    assert r.status_code == 200, r.text
    world.bookings["by_driver"] = world.book("driver", "truck2")
    world.bookings["others"] = world.book("other", "others_truck")
    # truck stays free for the fresh bookings of each check; the owner's and the
    # intermediary's readable bookings are on a third vehicle of the owner's.
    world.vehicles["truck3"] = world.fleet.vehicle(LOGINS["owner"])
    world.bookings["by_owner"] = world.book("owner", "truck3")
    world.bookings["by_intermediary"] = world.book("int_valid", "truck3", direction="entry")
    # A spare vehicle of the owner's to substitute, and a foreign one pending a certificate.
    world.vehicles["spare"] = world.fleet.vehicle(LOGINS["owner"])
    world.vehicles["pending"] = _register(owner, make_vin(4242), "77AB123", country="UZ")


@contextlib.contextmanager
def running_world(database_url: str, workdir: Path) -> Iterator[World]:
    engine = make_engine(database_url)
    _people(engine)
    stub = StubRegistry(workdir)
    # The registry starts while the server does (each takes seconds to import the app); the
    # server asks it nothing before the first request.
    starting = threading.Thread(target=stub.start)
    starting.start()
    media, key_file = workdir / "media", workdir / "keys" / "signing.pem"
    try:
        with running_server(
            database_url,
            workdir,
            secret_key=SECRET,
            media_dir=str(media),
            signing_key_file=str(key_file),
            registry_url=stub.url,
        ) as base_url:
            starting.join()
            assert stub.process is not None and stub.process.poll() is None, "no registry"
            world = World(base_url, engine, stub, key_file, media, Fleet(engine, serial=9000))
            world.people = _personas(engine, base_url)
            build(world)
            try:
                yield world
            finally:
                for persona in world.people.values():
                    persona.api.close()
                    persona.web.close()
    finally:
        starting.join()
        stub.stop()
        engine.dispose()
