"""The access matrix (issue 5): for every endpoint that reads or changes a carrier's data, who
may get a 2xx, and proof that everyone else is refused and changed nothing.

The callers are the personas of access/world.py: the owner, another carrier, an intermediary with
a valid, an expired, a revoked, an out-of-scope (view-only) and an other-vehicle-only attorney,
the insured driver, and an anonymous caller. Requests go over HTTP to a real server that asks
the stand-in insurance registry (a process of its own) who may drive which truck.

API refusals are 401, 403 or 404 (a row may name one more code it expects, with its reason);
a page refuses with a redirect to the login form (anonymous) or a 4xx page. A refused change
leaves the booking, the attorneys, the row counts and every account's entries as they were.

`test_every_route_has_an_access_decision` fails for a route that is neither in the matrix nor in
one of the commented lists of routes that do not touch a carrier's data.
"""

import itertools
import os
import re
from datetime import date
from typing import Any

import httpx
import pytest
from api_contract import api_routes
from booking_support import booking_body, future_day
from sqlalchemy import func, select
from support import sqlite_only

from access.world import (
    LOGINS,
    PERSONAS,
    PNG,
    World,
    confirmed_grant,
    grant_body,
    iin_of,
    issue_attorney,
)
from kezek.compensation.policy import PolicyTerms, set_policy
from kezek.db import new_session
from kezek.models.booking import Booking
from kezek.models.compensation import Appeal, UnusedReservation
from kezek.models.crossing import Crossing
from kezek.models.party import CompanyMember, Party
from kezek.people.national_id import make_iin
from kezek.vehicles.vin import make_vin

# One live server costs tens of seconds per backend on a busy machine, and who may do what
# does not depend on the database: the module runs on SQLite (the focused tests of the holes it
# found run on both backends). KEZEK_ACCESS_ALL_BACKENDS=1 runs it on PostgreSQL as well.
pytestmark = [] if os.environ.get("KEZEK_ACCESS_ALL_BACKENDS") else [sqlite_only]

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
API_REFUSALS = {401, 403, 404}

# Whose attorney is whose (world.attorneys keys -> the persona holding it).
HOLDER = {
    "valid": "int_valid",
    "scope": "int_scope",
    "vehicle": "int_vehicle",
    "expired": "int_expired",
    "revoked": "int_revoked",
}


def assert_refused(r: httpx.Response, who: str, *, also: tuple[int, ...] = ()) -> None:
    where = f"{who}: {r.request.method} {r.request.url.path}"
    assert r.status_code in API_REFUSALS | set(also), f"{where} -> {r.status_code} {r.text[:300]}"
    if who == "anonymous":
        assert r.status_code == 401, where


def assert_page_refused(r: httpx.Response, who: str) -> None:
    where = f"{who}: {r.request.method} {r.request.url.path} -> {r.status_code}"
    if who == "anonymous":
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), where
    else:
        assert 400 <= r.status_code < 500 and r.status_code != 429, where


def page_post(world: World, who: str, path: str, data: dict[str, Any]) -> httpx.Response:
    persona = world[who]
    return persona.web.post(path, data={**data, "csrf_token": persona.csrf or "none"})


# --- reading one object -----------------------------------------------------------------------

# Who may read each object; everyone else gets a refusal. Intermediaries see the bookings they
# made for the owner while their attorney stands (a revoked one shows nothing any more), and,
# with the view scope, the owner's bookings of the vehicles it covers (VIEWERS); the driver sees
# what they booked; an attorney is seen by its two parties, whatever its status.
BOOKING_READERS = {
    "by_owner": {"owner"},
    "by_intermediary": {"owner", "int_valid"},
    "by_driver": {"owner", "driver"},
    "by_revoked": {"owner"},
}
# Intermediaries with a standing attorney that has the view scope: the vehicle it is limited to
# (None: the whole fleet).
VIEWERS = {"int_valid": None, "int_scope": None, "int_vehicle": "truck2"}
ATTORNEY_READERS = {name: {"owner", holder} for name, holder in HOLDER.items()}
DOCUMENT_READERS = {"owner": {"owner"}, "other": {"other"}}
ACCOUNT_READERS = {"owner": {"owner"}, "owner_company": {"owner"}, "other": {"other"}}

OBJECT_READS: list[tuple[str, str, str, set[str]]] = [
    *[("api", "GET /api/v1/bookings/{booking_id}", b, w) for b, w in BOOKING_READERS.items()],
    *[("api", "GET /api/v1/attorneys/{public_id}", a, w) for a, w in ATTORNEY_READERS.items()],
    *[("api", "GET /api/v1/attorneys/{public_id}/pdf", a, w) for a, w in ATTORNEY_READERS.items()],
    *[("page", "GET /attorneys/{public_id}/pdf", a, w) for a, w in ATTORNEY_READERS.items()],
    *[
        ("api", "GET /api/v1/identity/documents/{document_id}/photo", d, w)
        for d, w in DOCUMENT_READERS.items()
    ],
    *[
        ("page", "GET /identity/documents/{document_id}/photo", d, w)
        for d, w in DOCUMENT_READERS.items()
    ],
    *[
        ("api", "GET /api/v1/accounts/me/statement?account_id={account_id}", a, w)
        for a, w in ACCOUNT_READERS.items()
    ],
]


def object_url(world: World, route: str, target: str) -> str:
    path = route.split(" ", 1)[1]
    values = {
        "booking_id": world.bookings.get(target),
        "public_id": world.attorneys.get(target),
        "document_id": world.documents.get(target),
        "account_id": world.accounts.get(target),
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


@pytest.mark.parametrize(
    ("channel", "route", "target", "readers"),
    OBJECT_READS,
    ids=[f"{c}:{r.split(' ')[1]}:{t}" for c, r, t, _ in OBJECT_READS],
)
def test_an_object_is_read_only_by_those_it_concerns(world, channel, route, target, readers):
    url = object_url(world, route, target)
    if "{booking_id}" in route:
        readers = booking_readers(world, target)
    for who in PERSONAS:
        client = world[who].api if channel == "api" else world[who].web
        r = client.get(url)
        if who in readers:
            assert r.status_code == 200, f"{who}: GET {url} -> {r.status_code} {r.text[:300]}"
        elif channel == "api":
            assert_refused(r, who)
        else:
            assert_page_refused(r, who)


# --- lists: each caller gets their own, never the owner's unless allowed ------------------


def owner_bookings(world: World) -> dict[int, str]:
    """The owner's bookings the module keeps (id -> reference)."""
    ids = [world.bookings[k] for k in BOOKING_READERS]
    return {b: world.scalar(select(Booking.reference).where(Booking.id == b)) for b in ids}


def booking_readers(world: World, key: str) -> set[str]:
    """BOOKING_READERS[key], and the intermediaries whose view scope covers its vehicle."""
    vehicle = world.scalar(select(Booking.vehicle_id).where(Booking.id == world.bookings[key]))
    viewers = {
        who for who, only in VIEWERS.items() if only is None or world.vehicles[only] == vehicle
    }
    return BOOKING_READERS[key] | viewers


def booking_ids_readable_by(world: World, who: str) -> set[int]:
    return {world.bookings[k] for k in BOOKING_READERS if who in booking_readers(world, k)}


def attorney_ids_readable_by(world: World, who: str) -> set[str]:
    return {world.attorneys[k] for k, readers in ATTORNEY_READERS.items() if who in readers}


def owner_vehicle_ids(world: World) -> set[int]:
    return {v for k, v in world.vehicles.items() if k != "others_truck"}


def test_the_booking_list_holds_only_what_the_caller_may_read(world):
    owners = set(owner_bookings(world))
    for who in SIGNED_IN:
        r = world[who].api.get("/api/v1/bookings", params={"limit": 500})
        assert r.status_code == 200, (who, r.text)
        listed = {b["id"] for b in r.json()}
        assert listed & owners == booking_ids_readable_by(world, who), who
        assert (world.bookings["others"] in listed) == (who == "other"), who
    assert_refused(world["anonymous"].api.get("/api/v1/bookings"), "anonymous")


def test_the_bookings_page_shows_only_what_the_caller_may_read(world):
    refs = owner_bookings(world)
    for who in SIGNED_IN:
        for show in ("active", "past"):
            page = world[who].web.get("/bookings", params={"show": show})
            assert page.status_code == 200, (who, page.status_code)
            shown = {b for b, ref in refs.items() if ref in page.text}
            if show == "active":
                assert shown == booking_ids_readable_by(world, who), who
            else:
                assert shown <= booking_ids_readable_by(world, who), who
    assert_page_refused(world["anonymous"].web.get("/bookings"), "anonymous")


def test_the_vehicle_list_is_the_callers_own_fleet(world):
    for who in SIGNED_IN:
        r = world[who].api.get("/api/v1/vehicles")
        assert r.status_code == 200, (who, r.text)
        listed = {v["id"] for v in r.json()}
        if who == "owner":
            assert listed >= owner_vehicle_ids(world)
        else:
            assert not listed & owner_vehicle_ids(world), who
    assert_refused(world["anonymous"].api.get("/api/v1/vehicles"), "anonymous")


def test_the_bookable_list_offers_only_what_the_caller_may_book(world):
    owners = owner_vehicle_ids(world)
    truck, truck2 = world.vehicles["truck"], world.vehicles["truck2"]
    for who in SIGNED_IN:
        r = world[who].api.get("/api/v1/vehicles/bookable")
        assert r.status_code == 200, (who, r.text)
        offered = {v["id"] for v in r.json()} & owners
        if who in ("owner", "int_valid"):  # own fleet; an attorney for the whole fleet
            assert offered == owners, who
        elif who == "int_vehicle":  # its attorney names truck2 only
            assert offered == {truck2}, who
        elif who == "driver":  # driven before and insured: truck2 always, truck once booked
            assert truck2 in offered and offered <= {truck, truck2}, who
        else:
            assert not offered, who
    assert_refused(world["anonymous"].api.get("/api/v1/vehicles/bookable"), "anonymous")


def test_a_plate_is_found_only_by_those_who_may_book_it(world):
    for who in PERSONAS:
        r = world[who].api.get("/api/v1/vehicles/bookable", params={"plate": "000DAA02"})
        if who in BOOKERS:
            assert r.status_code == 200, (who, r.text)
            assert [v["id"] for v in r.json()] == [world.vehicles["truck"]], who
        else:
            assert_refused(r, who)


def test_the_booking_form_offers_the_owners_trucks_only_to_those_who_may_book_them(world):
    # By plate: truck (000DAA02) to the owner and the whole-fleet attorney's holder; truck2
    # (001DAA02) to them, the other-vehicle attorney's holder and the driver who booked it.
    # The driver is offered truck too once they have booked it (the order of the tests).
    offered = {
        "000DAA02": {"owner", "int_valid"},
        "001DAA02": {"owner", "int_valid", "int_vehicle", "driver"},
    }
    for who in SIGNED_IN:
        page = world[who].web.get("/bookings/new")
        assert page.status_code == 200, who
        for plate, offered_to in offered.items():
            if not (who == "driver" and plate == "000DAA02"):
                assert (plate in page.text) == (who in offered_to), (who, plate)
    assert_page_refused(world["anonymous"].web.get("/bookings/new"), "anonymous")


def test_the_attorney_list_shows_each_party_its_own(world):
    mine = set(world.attorneys.values())
    for who in SIGNED_IN:
        r = world[who].api.get("/api/v1/attorneys")
        assert r.status_code == 200, (who, r.text)
        listed = {a["id"] for a in r.json()["given"] + r.json()["received"]}
        assert listed & mine == attorney_ids_readable_by(world, who), who
        page = world[who].web.get("/attorneys")
        assert page.status_code == 200, who
        shown = {a for a in mine if a in page.text}
        assert shown == attorney_ids_readable_by(world, who), who
    assert_refused(world["anonymous"].api.get("/api/v1/attorneys"), "anonymous")
    assert_page_refused(world["anonymous"].web.get("/attorneys"), "anonymous")


def test_accounts_and_statements_are_the_callers_own(world):
    owner_account = world.accounts["owner"]
    refs = owner_bookings(world)
    for who in SIGNED_IN:
        r = world[who].api.get("/api/v1/accounts/me")
        assert r.status_code == 200, (who, r.text)
        assert (owner_account in {a["account_id"] for a in r.json()}) == (who == "owner"), who
        r = world[who].api.get("/api/v1/accounts/me/statement", params={"limit": 500})
        assert r.status_code == 200, (who, r.text)
        assert (r.json()["account_id"] == owner_account) == (who == "owner"), who
        page = world[who].web.get("/account")
        assert page.status_code == 200, who
        leaked = [ref for ref in refs.values() if ref in page.text]
        assert bool(leaked) == (who == "owner"), (who, leaked)
    anonymous = world["anonymous"]
    assert_refused(anonymous.api.get("/api/v1/accounts/me"), "anonymous")
    assert_refused(anonymous.api.get("/api/v1/accounts/me/statement"), "anonymous")
    assert_page_refused(anonymous.web.get("/account"), "anonymous")


def test_notifications_go_to_their_party_only(world):
    for who in SIGNED_IN:
        r = world[who].api.get("/api/v1/notifications", params={"limit": 200})
        assert r.status_code == 200, (who, r.text)
        listed = {n["id"] for n in r.json()}
        assert (world.notifications["owner"] in listed) == (who == "owner"), who
        assert (world.notifications["other"] in listed) == (who == "other"), who
    assert_refused(world["anonymous"].api.get("/api/v1/notifications"), "anonymous")


def test_who_am_i_tells_only_about_the_caller(world):
    owner_iin = iin_of(world, LOGINS["owner"])
    for who in SIGNED_IN:
        r = world[who].api.get("/api/v1/me")
        assert r.status_code == 200 and r.json()["login"] == LOGINS[who], who
        answer = world[who].api.get("/api/v1/identity")
        assert answer.status_code == 200 and (who == "owner" or owner_iin not in answer.text), who
        for path in ("/me", "/identity", "/identity/document"):
            page = world[who].web.get(path)
            assert page.status_code == 200, (who, path)
            assert who == "owner" or owner_iin not in page.text, (who, path)
    for path in ("/api/v1/me", "/api/v1/identity"):
        assert_refused(world["anonymous"].api.get(path), "anonymous")
    for path in ("/me", "/identity", "/identity/document"):
        assert_page_refused(world["anonymous"].web.get(path), "anonymous")


# What a border officer's check says of each: genuine documents all (the expired one was issued,
# not edited, so its signature holds).
VERDICTS = {
    "valid": "valid",
    "scope": "valid",
    "vehicle": "valid",
    "expired": "expired",
    "revoked": "revoked",
}


def test_public_attorney_verification_masks_the_parties(world):
    owner_iin = iin_of(world, LOGINS["owner"])
    for name, attorney in world.attorneys.items():
        r = world["anonymous"].api.get(f"/api/v1/attorneys/{attorney}/verification")
        assert r.status_code == 200 and owner_iin not in r.text, r.text
        assert r.json()["status"] == VERDICTS[name], (name, r.json())
        page = world["anonymous"].web.get(f"/attorneys/{attorney}/verify")
        assert page.status_code == 200 and owner_iin not in page.text


# --- changing a booking -----------------------------------------------------------------------

# Who may change a booking, by who made it: the owner always; the one who made it while they
# still may act for the vehicle; the intermediaries whose attorney has every scope for its
# vehicle (view finds the owner's bookings, book and cancel act on them). Substituting also
# needs authority over the replacement (the spare vehicle), which neither the driver (insured
# for truck only) nor the intermediary limited to truck2 has.
MAKERS = ["owner", "int_valid", "driver"]
AGENTS = {"int_valid": None, "int_vehicle": "truck2"}  # all scopes, for: None = whole fleet


def agents_of(world: World, booking_id: int, *, change: str = "") -> set[str]:
    vehicle = world.booking(booking_id)["vehicle_id"]
    return {
        who
        for who, only in AGENTS.items()
        if only is None or (world.vehicles[only] == vehicle and change != "substitute")
    }


def change_allowed(world: World, change: str, maker: str, booking_id: int) -> set[str]:
    agents = agents_of(world, booking_id, change=change)
    if change == "substitute" and maker == "driver":
        return {"owner"} | agents
    return {"owner", maker} | agents


DRIVER_SERIALS = itertools.count(1)


def change_request(world: World, change: str) -> dict[str, Any]:
    """The request body (API) or form (page) of one change: a new day, a new driver (a
    foreigner, so every one is distinct), the spare vehicle."""
    if change == "cancel":
        return {}
    if change == "reschedule":
        return {"date": str(world.next_day()), "hour": 11}
    if change == "drivers":
        number = f"TD{next(DRIVER_SERIALS):07d}"
        return {"full_name": "Second Driver", "passport_number": number, "passport_country": "UZ"}
    return {"vehicle_id": world.vehicles["spare"], "reason": "broke down on the road"}


def changed(change: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    return {
        "cancel": after["status"] == "cancelled",
        "reschedule": after["reschedules"] == before["reschedules"] + 1,
        "drivers": len(after["drivers"]) == len(before["drivers"]) + 1,
        "substitute": after["vehicle_id"] != before["vehicle_id"],
    }[change]


def send_change(
    world: World, who: str, change: str, channel: str, booking_id: int
) -> httpx.Response:
    body = change_request(world, change)
    if channel == "api":
        return world[who].api.post(f"/api/v1/bookings/{booking_id}/{change}", json=body)
    return page_post(world, who, f"/bookings/{booking_id}/{change}", body)


def assert_changes_refused(
    world: World, refused: list[str], change: str, channel: str, booking_id: int
) -> None:
    """Each of `refused` tries the change: refused, the booking as it was after each; no money
    moved and no row added by any of them."""
    before, money, counts = world.booking(booking_id), world.money(), world.counts()
    for who in refused:
        r = send_change(world, who, change, channel, booking_id)
        if channel == "api":
            assert_refused(r, who)
        else:
            assert_page_refused(r, who)
        assert world.booking(booking_id) == before, (who, change, "changed the booking")
    assert world.money() == money, (refused, change, "moved money")
    assert world.counts() == counts, (refused, change, "added rows")


def assert_change_done(world: World, who: str, change: str, channel: str, booking_id: int) -> None:
    before = world.booking(booking_id)
    r = send_change(world, who, change, channel, booking_id)
    if channel == "api":
        assert r.status_code == 200, (who, change, r.status_code, r.text[:300])
    else:
        location = r.headers.get("location", "")
        assert r.status_code == 303 and location.startswith("/bookings"), (
            who,
            change,
            r.status_code,
            r.text[-500:],
        )
    assert changed(change, before, world.booking(booking_id)), (who, change)


BOOKING_CHANGES = [
    (change, channel, maker)
    for change in ("cancel", "reschedule", "drivers", "substitute")
    for channel in ("api", "page")
    for maker in MAKERS
    if not (change == "substitute" and channel == "page")  # the pages do not substitute
]


@pytest.mark.parametrize(("change", "channel", "maker"), BOOKING_CHANGES)
def test_a_booking_is_changed_only_by_those_who_may(world, change, channel, maker):
    repeatable = change in ("reschedule", "drivers")
    with world.fresh_booking(maker) as booking_id:
        allowed = sorted(change_allowed(world, change, maker, booking_id))
        refused = [who for who in PERSONAS if who not in allowed]
        assert_changes_refused(world, refused, change, channel, booking_id)
        # Then each allowed one really does it: all on this booking when the change can be
        # made again (a reschedule, another driver), each on a fresh one otherwise.
        for who in allowed if repeatable else allowed[:1]:
            assert_change_done(world, who, change, channel, booking_id)
    for who in [] if repeatable else allowed[1:]:
        with world.fresh_booking(maker) as booking_id:
            assert_change_done(world, who, change, channel, booking_id)


@pytest.mark.parametrize(
    ("change", "channel"), sorted({(change, channel) for change, channel, _ in BOOKING_CHANGES})
)
def test_a_revoked_attorney_changes_nothing_it_booked(world, change, channel):
    booking_id = world.bookings["by_revoked"]
    allowed = {"owner"} | agents_of(world, booking_id, change=change)
    refused = [who for who in PERSONAS if who not in allowed]
    assert_changes_refused(world, refused, change, channel, booking_id)


# --- booking ----------------------------------------------------------------------------------

BOOKERS = {"owner", "int_valid", "driver"}  # of truck: owner, attorney with "book", insured


def _truck_booking(world: World) -> dict[str, Any]:
    return {
        "vehicle_id": world.vehicles["truck"],
        "crossing": "NUR_ZHOLY",
        "direction": "exit",
        "date": str(world.next_day()),
        "hour": 10,
        "cargo_category": "general",
    }


def new_booking(world: World, who: str, channel: str) -> httpx.Response:
    body = _truck_booking(world)
    if channel == "api":
        return world[who].api.post("/api/v1/bookings", json=body)
    return page_post(world, who, "/bookings/new", {**body, "priority": "normal"})


@pytest.mark.parametrize("channel", ["api", "page"])
def test_only_those_who_may_book_the_truck_book_it(world, channel):
    for who in PERSONAS:
        if who in BOOKERS:
            continue
        money, counts = world.money(), world.counts()
        r = new_booking(world, who, channel)
        if channel == "api":
            assert_refused(r, who)
        else:
            assert_page_refused(r, who)
        assert world.money() == money and world.counts() == counts, who
    for who in sorted(BOOKERS):
        before = world.counts()["bookings"]
        r = new_booking(world, who, channel)
        if channel == "api":
            assert r.status_code == 201, (who, r.text)
            booking_id = r.json()["id"]
        else:
            assert r.status_code == 303, (who, r.status_code, r.text[-500:])
            booking_id = int(r.headers["location"].rsplit("booking-", 1)[1])
        assert world.counts()["bookings"] == before + 1
        world.cancel_if_active(booking_id)


def test_a_replayed_idempotency_key_returns_nothing_of_the_owners(world):
    """The stored answer to the owner's request is the owner's: the same key and body from
    anyone else is their own request, refused."""
    headers = {"Idempotency-Key": "access-matrix-replay"}
    r = world["owner"].api.post("/api/v1/bookings", json=_truck_booking(world), headers=headers)
    assert r.status_code == 201, r.text
    try:
        for who in PERSONAS:
            if who in BOOKERS:
                continue
            body = {**_truck_booking(world), "date": r.json()["date"]}
            replay = world[who].api.post("/api/v1/bookings", json=body, headers=headers)
            assert_refused(replay, who)
            assert r.json()["reference"] not in replay.text, who
    finally:
        world.cancel_if_active(r.json()["id"])


# --- attorneys --------------------------------------------------------------------------------


def grant_page(world: World, who: str, body: dict[str, Any]) -> httpx.Response:
    return confirmed_grant(world, who, body, page=True)


@pytest.mark.parametrize("channel", ["api", "page"])
def test_only_the_owner_grants_an_attorney_over_the_owners_truck(world, channel):
    body = grant_body(world, "int_valid", vehicles=["truck"], scopes=("view",))
    for who in PERSONAS:
        if who == "owner":
            continue
        counts = world.counts()
        if channel == "api":
            # Another carrier is a grantor, but not of this truck: vehicle_not_owned (422).
            assert_refused(confirmed_grant(world, who, body), who, also=(422,))
        else:
            assert_page_refused(grant_page(world, who, body), who)
        assert world.counts() == counts, who
    # Nor for the owner's company: only those who represent it grant in its name.
    for_company = {**body, "owner_company_id": owners_company(world)}
    for who in ("other", "int_valid", "driver", "anonymous"):
        counts = world.counts()
        if channel == "api":
            assert_refused(confirmed_grant(world, who, for_company), who)
        else:
            assert_page_refused(grant_page(world, who, for_company), who)
        assert world.counts() == counts, who
    attorneys = world.counts()["attorneys"]
    if channel == "api":
        r = confirmed_grant(world, "owner", body)
        assert r.status_code == 201, r.text
    else:
        r = grant_page(world, "owner", body)
        assert r.status_code == 303, r.text[-500:]
    assert world.counts()["attorneys"] == attorneys + 1


@pytest.mark.parametrize("channel", ["api", "page"])
def test_only_the_owner_revokes(world, channel):
    attorney = issue_attorney(world, "int_valid", vehicles=["truck2"], scopes=("view",))
    for who in PERSONAS:
        if who == "owner":
            continue
        counts = world.counts()
        if channel == "api":
            r = world[who].api.post(f"/api/v1/attorneys/{attorney}/revoke", json={})
            assert_refused(r, who)
        else:
            assert_page_refused(page_post(world, who, f"/attorneys/{attorney}/revoke", {}), who)
        assert world.counts() == counts, (who, "revoked or added something")
    if channel == "api":
        r = world["owner"].api.post(f"/api/v1/attorneys/{attorney}/revoke", json={})
        assert r.status_code == 200 and r.json()["status"] == "revoked", r.text
    else:
        r = page_post(world, "owner", f"/attorneys/{attorney}/revoke", {})
        assert r.status_code == 303, r.text[-500:]
    assert world["owner"].api.get(f"/api/v1/attorneys/{attorney}").json()["status"] == "revoked"


# --- vehicles ---------------------------------------------------------------------------------


def owners_company(world: World) -> int:
    return int(
        world.scalar(
            select(CompanyMember.company_id).where(
                CompanyMember.person_id == world["owner"].person_id
            )
        )
    )


def test_only_the_owner_registers_a_vehicle_to_the_owners_company(world):
    company = owners_company(world)
    for n, who in enumerate(PERSONAS):
        body = {
            "plate": f"{n:02d}AB777",
            "vin": make_vin(5000 + n),
            "category": "truck",
            "country": "UZ",
            "owner_company_id": company,
        }
        r = world[who].api.post("/api/v1/vehicles", json=body)
        if who == "owner":
            assert r.status_code == 201 and r.json()["owner_id"] == company, r.text
        else:
            counts = world.counts()
            assert_refused(r, who)
            assert world.counts() == counts


def test_only_the_owner_uploads_the_certificate_of_the_owners_vehicle(world):
    url = f"/api/v1/vehicles/{world.vehicles['pending']}/certificate"
    files = {"certificate": ("certificate.png", PNG, "image/png")}
    for who in PERSONAS:
        if who == "owner":
            continue
        assert_refused(world[who].api.post(url, files=files), who)
    r = world["owner"].api.post(url, files=files)
    assert r.status_code == 200 and r.json()["has_certificate"], r.text


def test_the_vehicles_page_shows_the_callers_own_fleet_only(world):
    owners_plate = "000DAA02"  # CARRIER_TRUCK's
    for who in PERSONAS:
        r = world[who].web.get("/vehicles")
        if who == "owner":
            assert r.status_code == 200 and owners_plate in r.text, who
        elif who == "other":
            assert r.status_code == 200 and owners_plate not in r.text, who
        else:  # only carriers (and admins) keep a fleet
            assert_page_refused(r, who)


def test_only_the_owner_registers_a_vehicle_to_the_owners_company_on_the_page(world):
    company = owners_company(world)
    for n, who in enumerate(PERSONAS):
        form = {
            "plate": f"{n:02d}AC777",
            "vin": make_vin(5100 + n),
            "category": "truck",
            "country": "UZ",
            "make": "",
            "owner_company_id": str(company),
        }
        counts = world.counts()
        r = page_post(world, who, "/vehicles", form)
        if who == "owner":
            assert r.status_code == 303, (r.status_code, r.text[-500:])
            assert world.counts()["vehicles"] == counts["vehicles"] + 1
        else:
            assert_page_refused(r, who)
            assert world.counts() == counts, who


def test_only_the_owner_uploads_the_certificate_on_the_page(world):
    url = f"/vehicles/{world.vehicles['pending']}/certificate"
    files = {"certificate": ("certificate.png", PNG, "image/png")}
    for who in PERSONAS:
        if who == "owner":
            continue
        persona = world[who]
        r = persona.web.post(url, data={"csrf_token": persona.csrf or "none"}, files=files)
        assert_page_refused(r, who)
    owner = world["owner"]
    r = owner.web.post(url, data={"csrf_token": owner.csrf}, files=files)
    assert r.status_code in (200, 303), (r.status_code, r.text[-500:])


# --- unused reservations, compensations and appeals ----------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def charged_unused(world: World) -> list[tuple[int, str]]:
    """The owner's charged unused reservations (id, booking reference): three bookings at DOSTYK,
    whose own policy (threshold 1, 1 MRP) charges every one beyond the first of the month."""
    session = new_session(world.engine)
    try:
        dostyk = session.scalars(select(Crossing).where(Crossing.code == "DOSTYK")).one()
        terms = PolicyTerms(monthly_threshold=1, amount_mrp=1, adaptive=False)
        set_policy(session, crossing_id=dostyk.id, terms=terms)
        session.commit()
    finally:
        session.close()
    truck = world.fleet.vehicle(LOGINS["owner"])  # a truck of its own: the others' are busy
    for days in (5, 6, 7):
        body = booking_body(truck, crossing="DOSTYK", date=str(future_day(days)))
        booked = world["owner"].api.post("/api/v1/bookings", json=body)
        assert booked.status_code == 201, booked.text
        r = world["owner"].api.post(f"/api/v1/bookings/{booked.json()['id']}/cancel")
        assert r.status_code == 200, r.text
    with world.engine.connect() as conn:
        rows = conn.execute(
            select(UnusedReservation.id, Booking.reference)
            .join(Booking, Booking.id == UnusedReservation.booking_id)
            .where(UnusedReservation.charge_entry_id.is_not(None))
            .where(UnusedReservation.owner_id == world["owner"].person_id)
            .order_by(UnusedReservation.id)
        ).all()
    found = [(int(i), str(ref)) for i, ref in rows]
    assert len(found) >= 2, found
    return found


def appeals_count(world: World) -> int:
    return int(world.scalar(select(func.count()).select_from(Appeal)))


def test_only_the_owner_sees_and_appeals_the_owners_compensations(world):
    (api_one, reference), (page_one, _) = charged_unused(world)[-2:]
    for who in SIGNED_IN:  # every booker has a month; only the owner's shows the charge
        r = world[who].api.get("/api/v1/compensation/me")
        if who in ("owner", "other", "driver") or who.startswith("int_"):
            assert r.status_code == 200, (who, r.status_code)
            assert (reference in r.text) == (who == "owner"), who
    assert_refused(world["anonymous"].api.get("/api/v1/compensation/me"), "anonymous")

    files = {"attachment": ("receipt.pdf", PDF, "application/pdf")}
    for who in PERSONAS:
        if who == "owner":
            continue
        before, money = appeals_count(world), world.money()
        url = f"/api/v1/compensation/unused/{api_one}/appeals"
        assert_refused(world[who].api.post(url, data={"reason": "mine"}, files=files), who)
        page = world[who].web.post(
            f"/account/unused/{page_one}/appeal",
            data={"reason": "mine", "csrf_token": world[who].csrf or "none"},
        )
        assert_page_refused(page, who)
        assert (appeals_count(world), world.money()) == (before, money), who

    owner = world["owner"]
    r = owner.api.post(
        f"/api/v1/compensation/unused/{api_one}/appeals",
        data={"reason": "The post was closed when we came"},
        files=files,
    )
    assert r.status_code == 201, r.text
    appeal = r.json()["id"]
    page = owner.web.post(
        f"/account/unused/{page_one}/appeal",
        data={"reason": "The truck broke down", "csrf_token": owner.csrf},
    )
    assert page.status_code in (200, 303), (page.status_code, page.text[-300:])
    assert appeals_count(world) >= 2

    for path in (
        f"/api/v1/compensation/appeals/{appeal}",
        f"/api/v1/compensation/appeals/{appeal}/attachment",
    ):
        for who in PERSONAS:
            r = world[who].api.get(path)
            if who == "owner":
                assert r.status_code == 200, (path, r.text[:200])
            else:
                assert_refused(r, who)
    for who in SIGNED_IN:
        r = world[who].api.get("/api/v1/compensation/appeals")
        assert r.status_code == 200, who
        assert (appeal in [a["id"] for a in r.json()]) == (who == "owner"), who
    assert_refused(world["anonymous"].api.get("/api/v1/compensation/appeals"), "anonymous")


def test_nobody_registers_into_the_owners_identity_or_company(world):
    """Signing up with the owner's IIN, or naming the owner's company, makes no membership."""
    bin_ = world.scalar(select(Party.bin).where(Party.id == owners_company(world)))
    fresh_iin = make_iin(date(1977, 7, 7), 4000)
    tries = [
        {"iin": iin_of(world, LOGINS["owner"])},
        {"iin": fresh_iin, "company": {"bin": bin_, "name": "Demo Logistics LLP"}},
    ]
    for n, extra in enumerate(tries):
        counts = world.counts()
        body = {"login": f"newcomer{n}", "password": "a-long-password-2026", "full_name": "New"}
        r = world["anonymous"].api.post("/api/v1/auth/register", json=body | extra)
        assert r.status_code == 409, r.text
        assert world.counts() == counts


def test_nobody_joins_the_owners_company_by_registering_its_bin(world):
    bin_ = world.scalar(select(Party.bin).where(Party.id == owners_company(world)))
    for who in PERSONAS:
        members = world.counts()
        r = world[who].api.post("/api/v1/me/companies", json={"bin": bin_, "name": "Mine now"})
        assert r.status_code in (401, 409), (who, r.status_code, r.text)
        assert world.counts() == members


# --- every route has an access decision -------------------------------------------------------

# Routes that read or change a carrier's data, and the tests above that decide who may.
APPEALS_TEST = "test_only_the_owner_sees_and_appeals_the_owners_compensations"
MATRIX = {
    "GET /api/v1/bookings": "test_the_booking_list_holds_only_what_the_caller_may_read",
    "POST /api/v1/bookings": "test_only_those_who_may_book_the_truck_book_it",
    "GET /api/v1/bookings/{booking_id}": "test_an_object_is_read_only_by_those_it_concerns",
    "POST /api/v1/bookings/{booking_id}/cancel": "test_a_booking_is_changed_only_by_those_who_may",
    "POST /api/v1/bookings/{booking_id}/reschedule": "test_a_booking_is_changed_only_by_...",
    "POST /api/v1/bookings/{booking_id}/drivers": "test_a_booking_is_changed_only_by_...",
    "POST /api/v1/bookings/{booking_id}/substitute": "test_a_booking_is_changed_only_by_...",
    "GET /api/v1/vehicles": "test_the_vehicle_list_is_the_callers_own_fleet",
    "GET /api/v1/vehicles/bookable": "test_the_bookable_list_offers_only_..., test_a_plate_is_...",
    "POST /api/v1/vehicles": "test_only_the_owner_registers_a_vehicle_to_the_owners_company",
    "POST /api/v1/vehicles/{vehicle_id}/certificate": "test_only_the_owner_uploads_the_...",
    "POST /api/v1/attorneys": "test_only_the_owner_grants_an_attorney_over_the_owners_truck",
    "GET /api/v1/attorneys": "test_the_attorney_list_shows_each_party_its_own",
    "GET /api/v1/attorneys/{public_id}": "test_an_object_is_read_only_by_those_it_concerns",
    "GET /api/v1/attorneys/{public_id}/pdf": "test_an_object_is_read_only_by_those_it_concerns",
    "POST /api/v1/attorneys/{public_id}/revoke": "test_only_the_owner_revokes",
    "GET /api/v1/accounts/me": "test_accounts_and_statements_are_the_callers_own",
    "GET /api/v1/accounts/me/statement": "test_accounts_and_statements_are_the_callers_own",
    "GET /api/v1/notifications": "test_notifications_go_to_their_party_only",
    "GET /api/v1/me": "test_who_am_i_tells_only_about_the_caller",
    "POST /api/v1/me/companies": "test_nobody_joins_the_owners_company_by_registering_its_bin",
    "GET /api/v1/identity": "test_who_am_i_tells_only_about_the_caller",
    "GET /api/v1/identity/documents/{document_id}/photo": "test_an_object_is_read_only_by_...",
    "GET /bookings": "test_the_bookings_page_shows_only_what_the_caller_may_read",
    "GET /bookings/new": "test_the_booking_form_offers_the_owners_trucks_only_to_...",
    "POST /bookings/new": "test_only_those_who_may_book_the_truck_book_it",
    "POST /bookings/{booking_id}/cancel": "test_a_booking_is_changed_only_by_those_who_may",
    "POST /bookings/{booking_id}/reschedule": "test_a_booking_is_changed_only_by_those_who_may",
    "POST /bookings/{booking_id}/drivers": "test_a_booking_is_changed_only_by_those_who_may",
    "GET /account": "test_accounts_and_statements_are_the_callers_own",
    "GET /attorneys": "test_the_attorney_list_shows_each_party_its_own",
    "POST /attorneys": "test_only_the_owner_grants_an_attorney_over_the_owners_truck",
    "GET /vehicles": "test_the_vehicles_page_shows_the_callers_own_fleet_only",
    "GET /api/v1/compensation/me": APPEALS_TEST,
    "GET /api/v1/compensation/appeals": APPEALS_TEST,
    "GET /api/v1/compensation/appeals/{appeal_id}": APPEALS_TEST,
    "GET /api/v1/compensation/appeals/{appeal_id}/attachment": APPEALS_TEST,
    "POST /api/v1/compensation/unused/{unused_id}/appeals": APPEALS_TEST,
    "POST /account/unused/{unused_id}/appeal": APPEALS_TEST,
    "POST /vehicles": "test_only_the_owner_registers_a_vehicle_to_the_owners_company_on_the_page",
    "POST /vehicles/{vehicle_id}/certificate": "test_only_the_owner_uploads_the_certificate_on_...",
    "POST /attorneys/{public_id}/revoke": "test_only_the_owner_revokes",
    "GET /attorneys/{public_id}/pdf": "test_an_object_is_read_only_by_those_it_concerns",
    "GET /me": "test_who_am_i_tells_only_about_the_caller",
    "GET /identity": "test_who_am_i_tells_only_about_the_caller",
    "GET /identity/document": "test_who_am_i_tells_only_about_the_caller",
    "GET /identity/documents/{document_id}/photo": "test_an_object_is_read_only_by_those_...",
}

# Routes that touch no carrier's data: public reference data, signing in, operations.
PUBLIC = {
    "* /static": "static files",
    "GET /api/v1/openapi.json": "the API description",
    "GET /api/v1/docs": "the API documentation page",
    "GET /healthz": "liveness",
    "GET /metrics": "process metrics (counts, no personal data)",
    "POST /api/v1/auth/token": "logging in",
    # registering oneself (test_nobody_registers_into_the_owners_identity_or_company)
    "POST /api/v1/auth/register": "registering oneself",
    "GET /login": "logging in",
    "POST /login": "logging in",
    "POST /logout": "logging out",
    "GET /register": "registering oneself",
    "POST /register": "registering oneself",
    "GET /": "the public home page",
    "GET /api/v1/crossings": "public crossing data",
    "GET /api/v1/crossings/{code}": "public crossing data",
    "GET /api/v1/crossings/{code}/availability": "free places per hour, no bookings",
    "GET /crossings/{code}": "public crossing page",
    "GET /crossings/{code}/availability": "the heat map fragment",
    # An attorney's public check: masked parties (test_public_attorney_verification_masks_...)
    "GET /api/v1/attorneys/public-key": "the service's public key",
    "POST /api/v1/attorneys/verification": "checks a presented document",
    "GET /api/v1/attorneys/{public_id}/verification": "masked status for a border officer",
    "GET /attorneys/{public_id}/verify": "masked status for a border officer (QR code)",
}

# Routes that act on the caller's own person only: no id of anyone else's object is taken, so
# there is no other carrier's data to reach. Anonymous callers are refused (checked below).
SELF = {
    "POST /api/v1/identity/challenges": "a challenge for my own camera check",
    "POST /api/v1/identity/verifications": "my own camera check",
    "POST /api/v1/identity/document": "my own document photo",
    "POST /identity/challenge": "a challenge for my own camera check",
    "POST /identity/verification": "my own camera check",
    "POST /identity/document": "my own document photo",
    "POST /attorneys/confirm": "keeps my own grant form while I take a camera check",
}

# Staff routes (admin, operator, analyst). No carrier persona nor an anonymous caller may get a
# 2xx from any of them (test_staff_routes_refuse_carriers_and_strangers).
STAFF = {
    "POST /api/v1/admin/users": "admin",
    "POST /api/v1/admin/users/{login}/roles": "admin",
    "DELETE /api/v1/admin/users/{login}/roles/{role}": "admin",
    "PUT /api/v1/admin/mrp/{year}": "admin",
    "PATCH /api/v1/crossings/{code}": "admin",
    "PUT /api/v1/crossings/{code}/directions/{direction}/hours": "admin",
    "POST /api/v1/crossings/{code}/directions/{direction}/exceptions": "admin",
    "DELETE /api/v1/crossings/{code}/exceptions/{exception_id}": "admin",
    "POST /api/v1/crossings/{code}/directions/{direction}/capacity": "admin",
    "GET /api/v1/accounts": "operator, admin: find an account",
    "POST /api/v1/accounts/{account_id}/top-ups": "operator, admin: record a payment",
    "GET /api/v1/vehicles/pending": "operator, admin",
    "GET /api/v1/vehicles/{vehicle_id}/certificate": "operator, admin",
    "POST /api/v1/vehicles/{vehicle_id}/certificate/decision": "operator, admin",
    "POST /api/v1/checkpoint/arrivals": "operator",
    "GET /api/v1/checkpoint/queue": "operator",
    "GET /api/v1/identity/verifications/{attempt_id}": "analyst",
    "GET /api/v1/identity/verifications/{attempt_id}/video": "analyst",
    "POST /api/v1/identity/verifications/{attempt_id}/flag": "analyst",
    "GET /api/v1/identity/reviews": "analyst",
    "POST /api/v1/identity/reviews/{review_id}/decision": "analyst",
    "GET /admin/crossings": "admin",
    "GET /admin/crossings/{code}": "admin",
    "POST /admin/crossings/{code}/settings": "admin",
    "POST /admin/crossings/{code}/hours/{direction}": "admin",
    "POST /admin/crossings/{code}/exceptions": "admin",
    "POST /admin/crossings/{code}/exceptions/{exception_id}/delete": "admin",
    "POST /admin/crossings/{code}/capacity": "admin",
    "GET /checkpoint": "operator",
    "GET /checkpoint/queue": "operator",
    "POST /checkpoint": "operator",
    "GET /analyst/identity-reviews": "analyst",
    "POST /analyst/identity-reviews/{review_id}/decision": "analyst",
    "GET /analyst/identity-attempts": "analyst",
    "GET /analyst/identity-attempts/{attempt_id}/video": "analyst",
    "POST /analyst/identity-attempts/{attempt_id}/flag": "analyst",
    "GET /checkpoint/vehicles": "operator, admin: certificates to check",
    "GET /api/v1/compensation/appeals/queue": "analyst",
    "POST /api/v1/compensation/appeals/{appeal_id}/decision": "analyst",
    "GET /api/v1/compensation/reports/frequent-owners": "analyst",
    "GET /api/v1/compensation/reports/frequent-vehicles": "analyst",
    "GET /api/v1/compensation/reports/monthly": "analyst",
    "GET /api/v1/compensation/reports/over-threshold": "analyst",
    "GET /api/v1/compensation/reports/repeat-offenders": "analyst",
    "GET /api/v1/compensation/reports/{report}.csv": "analyst",
    "GET /api/v1/admin/compensation-policy": "admin",
    "PUT /api/v1/admin/compensation-policy": "admin",
    "GET /api/v1/admin/crossings/{code}/compensation-policy": "admin",
    "PUT /api/v1/admin/crossings/{code}/compensation-policy": "admin",
    "GET /analyst/appeals": "analyst",
    "GET /analyst/appeals/{appeal_id}/attachment": "analyst",
    "POST /analyst/appeals/{appeal_id}/decision": "analyst",
    "GET /analyst/unused": "analyst",
    "GET /analyst/unused/{report}.csv": "analyst",
    "GET /admin/compensation-policy": "admin",
    "POST /admin/compensation-policy": "admin",
    "GET /checkpoint/vehicles/{vehicle_id}/certificate": "operator, admin",
    "POST /checkpoint/vehicles/{vehicle_id}/decision": "operator, admin",
}


def app_routes() -> set[str]:
    from kezek.config import Settings
    from kezek.main import create_app

    app = create_app(Settings(database_url="sqlite://", secret_key="x" * 40))
    found = set()
    for route in api_routes(app):
        methods = sorted(set(getattr(route, "methods", None) or {"*"}) - {"HEAD"}) or ["GET"]
        found |= {f"{m} {route.path}" for m in methods}
    return found


def test_every_route_has_an_access_decision(templates):  # (once: the module's one backend)
    decided = {**MATRIX, **PUBLIC, **SELF, **STAFF}
    undecided = sorted(app_routes() - set(decided))
    assert not undecided, (
        "routes without an access decision: put each in MATRIX (with a test of who may get a "
        f"2xx), or in PUBLIC, SELF or STAFF with the reason: {undecided}"
    )
    gone = sorted(set(decided) - app_routes())
    assert not gone, f"routes in the access lists that the app no longer has: {gone}"


# A carrier, an intermediary, a driver and a stranger: one of each kind of caller.
STAFF_CHECKED = ["owner", "int_valid", "driver", "anonymous"]


def staff_url(world: World, path: str) -> str:
    values = {
        "login": "carrier",
        "role": "carrier",
        "year": "2026",
        "code": "NUR_ZHOLY",
        "direction": "exit",
        "exception_id": "1",
        "account_id": str(world.accounts["owner"]),
        "vehicle_id": str(world.vehicles["pending"]),
        "attempt_id": "1",
        "review_id": "1",
        "appeal_id": "1",
        "report": "monthly",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_staff_routes_refuse_carriers_and_strangers(world):
    counts, money = world.counts(), world.money()
    for route in STAFF:
        method, path = route.split(" ", 1)
        url = staff_url(world, path)
        for who in STAFF_CHECKED:
            persona = world[who]
            if path.startswith("/api/"):
                r = persona.api.request(method, url, json={} if method != "GET" else None)
                assert_refused(r, who, also=(422,))
            else:
                data = {"csrf_token": persona.csrf or "none"} if method == "POST" else None
                r = persona.web.request(method, url, data=data)
                assert_page_refused(r, who)
    assert world.counts() == counts and world.money() == money


def test_self_routes_refuse_strangers(world):
    for route in SELF:
        method, path = route.split(" ", 1)
        anonymous = world["anonymous"]
        if path.startswith("/api/"):
            assert_refused(anonymous.api.request(method, path), "anonymous")
        else:
            form = {"csrf_token": anonymous.csrf}
            assert_page_refused(anonymous.web.request(method, path, data=form), "anonymous")
