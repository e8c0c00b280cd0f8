"""Places: an hour's capacity, the day's priority quotas on top of it, and one active booking
per vehicle and direction across all crossings."""

from booking_support import booking_body, future_day
from support import almaty_today, last_seq

from booking.rules_support import refusal_codes, set_capacity

DAY = 3


def _book(client, auth, vid, login="carrier", **overrides):
    body = booking_body(vid, crossing="DOSTYK", date=future_day(DAY).isoformat(), **overrides)
    return client.post("/api/v1/bookings", json=body, headers=auth(login))


def _small_dostyk(client, auth, daily_limit):
    """DOSTYK is open 09-21: 12 hours sharing the daily limit."""
    set_capacity(client, auth("admin"), daily_limit=daily_limit, valid_from=almaty_today())


def _booked(client, auth, hour):
    r = client.get(
        "/api/v1/crossings/DOSTYK/availability",
        params={"direction": "exit", "from": future_day(DAY).isoformat(), "days": 1},
        headers=auth("carrier"),
    )
    assert r.status_code == 200, r.text
    return next(h for h in r.json()["days"][0]["hours"] if h["hour"] == hour)


def test_a_full_hour_is_refused_and_a_cancellation_frees_the_place(client, auth, engine, fleet):
    _small_dostyk(client, auth, 24)  # 2 per hour
    fleet.top_up()
    vids = [fleet.vehicle() for _ in range(3)]
    first = _book(client, auth, vids[0], hour=10)
    assert first.status_code == 201, first.text
    assert _book(client, auth, vids[1], hour=10).status_code == 201
    seq = last_seq(engine)
    r = _book(client, auth, vids[2], hour=10)
    assert r.status_code == 409 and r.json()["error"] == "slot_full", r.text
    assert refusal_codes(engine, after=seq) == ["slot_full"]
    assert _booked(client, auth, 10)["free"] == 0
    # the next hour is another slot
    assert _book(client, auth, vids[2], hour=11).status_code == 201
    r = client.post(f"/api/v1/bookings/{first.json()['id']}/cancel", headers=auth("carrier"))
    assert r.status_code == 200, r.text
    assert _booked(client, auth, 10)["free"] == 1
    r = client.post(f"/api/v1/bookings/{r.json()['id']}/cancel", headers=auth("carrier"))
    assert r.json()["error"] == "booking_not_active"


def test_capacity_drop_from_a_date_applies_to_new_bookings(client, auth, fleet):
    fleet.top_up()
    set_capacity(client, auth("admin"), daily_limit=12, valid_from=future_day(DAY))  # 1 per hour
    vids = [fleet.vehicle() for _ in range(2)]
    assert _book(client, auth, vids[0], hour=12).status_code == 201
    assert _book(client, auth, vids[1], hour=12).json()["error"] == "slot_full"


def test_out_of_turn_quota_is_five_percent_of_the_day_on_top_of_the_hours(
    client, auth, engine, fleet
):
    _small_dostyk(client, auth, 40)  # 4 per hour (with the remainder); quota floor(2.0) = 2
    fleet.top_up(kzt=2_000_000)
    normal = [fleet.vehicle() for _ in range(4)]
    for vid in normal:
        assert _book(client, auth, vid, hour=9).status_code == 201
    assert _book(client, auth, fleet.vehicle(), hour=9).json()["error"] == "slot_full"
    priority = dict(priority="out_of_turn", cargo_category="livestock", cargo_declaration="VET-1")
    ok = [_book(client, auth, fleet.vehicle(), hour=9, **priority) for _ in range(2)]
    assert [r.status_code for r in ok] == [201, 201], [r.text for r in ok]
    seq = last_seq(engine)
    r = _book(client, auth, fleet.vehicle(), hour=15, **priority)
    assert r.status_code == 409 and r.json()["error"] == "quota_full", r.text
    assert refusal_codes(engine, after=seq) == ["quota_full"]
    # priority places do not count against the hour
    assert _booked(client, auth, 9)["booked"] == 4
    # a cancelled priority booking gives its quota place back
    r = client.post(f"/api/v1/bookings/{ok[0].json()['id']}/cancel", headers=auth("carrier"))
    assert r.status_code == 200
    assert _book(client, auth, fleet.vehicle(), hour=15, **priority).status_code == 201


def test_accelerated_quota_is_one_percent_of_the_day(client, auth, fleet):
    _small_dostyk(client, auth, 199)  # floor(1.99) = 1
    fleet.top_up(kzt=2_000_000)
    r = _book(client, auth, fleet.vehicle(), hour=10, priority="accelerated")
    assert r.status_code == 201, r.text
    r = _book(client, auth, fleet.vehicle(), hour=11, priority="accelerated")
    assert r.json()["error"] == "quota_full"
    _small_dostyk(client, auth, 99)  # under 100 a day: no accelerated passage at all
    assert _book(client, auth, fleet.vehicle(), hour=11, priority="accelerated").json()[
        "error"
    ] == ("quota_full")


def test_quotas_are_per_day_and_direction(client, auth, fleet):
    _small_dostyk(client, auth, 100)
    fleet.top_up(kzt=2_000_000)
    assert _book(client, auth, fleet.vehicle(), hour=10, priority="accelerated").status_code == 201
    assert _book(client, auth, fleet.vehicle(), priority="accelerated", hour=10).json()[
        "error"
    ] == ("quota_full")
    body = booking_body(
        fleet.vehicle(),
        crossing="DOSTYK",
        date=future_day(DAY + 1).isoformat(),
        hour=10,
        priority="accelerated",
    )
    assert client.post("/api/v1/bookings", json=body, headers=auth("carrier")).status_code == 201


def test_one_active_booking_per_vehicle_and_direction_across_crossings(client, auth, engine, fleet):
    fleet.top_up()
    vid = fleet.vehicle()
    first = _book(client, auth, vid, hour=10)
    assert first.status_code == 201
    other_crossing = booking_body(vid, crossing="NUR_ZHOLY", date=future_day(5).isoformat())
    seq = last_seq(engine)
    r = client.post("/api/v1/bookings", json=other_crossing, headers=auth("carrier"))
    assert r.status_code == 409 and r.json()["error"] == "vehicle_already_booked", r.text
    assert refusal_codes(engine, after=seq) == ["vehicle_already_booked"]
    # the other direction is another trip
    entry = dict(other_crossing, direction="entry")
    assert client.post("/api/v1/bookings", json=entry, headers=auth("carrier")).status_code == 201
    # after a cancellation the vehicle may book again, anywhere
    client.post(f"/api/v1/bookings/{first.json()['id']}/cancel", headers=auth("carrier"))
    r = client.post("/api/v1/bookings", json=other_crossing, headers=auth("carrier"))
    assert r.status_code == 201, r.text


def test_a_capacity_change_applies_to_hours_already_booked(client, auth, fleet):
    """The counter of an hour is made at its first booking; a later change of the capacity rule
    must still decide the next claim (more places bookable, fewer places never exceeded)."""
    fleet.top_up()
    _small_dostyk(client, auth, 12)  # 1 per hour
    assert _book(client, auth, fleet.vehicle(), hour=10).status_code == 201
    assert _book(client, auth, fleet.vehicle(), hour=10).json()["error"] == "slot_full"
    _small_dostyk(client, auth, 36)  # a new lane: 3 per hour
    assert _book(client, auth, fleet.vehicle(), hour=10).status_code == 201
    _small_dostyk(client, auth, 24)  # a lane closes: 2 per hour, both taken
    r = _book(client, auth, fleet.vehicle(), hour=10)
    assert r.status_code == 409 and r.json()["error"] == "slot_full", r.text
    assert _booked(client, auth, 10) | {"starts_at": None} == {
        "hour": 10,
        "starts_at": None,
        "capacity": 2,
        "booked": 2,
        "free": 0,
        "bookable": True,
    }
