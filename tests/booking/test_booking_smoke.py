from booking_support import booking_body


def test_book_and_cancel(client, auth, fleet):
    vid = fleet.vehicle()
    fleet.top_up()
    r = client.post("/api/v1/bookings", json=booking_body(vid), headers=auth("carrier"))
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["fees_kzt"] == "4325.00"
    r = client.post(f"/api/v1/bookings/{b['id']}/cancel", headers=auth("carrier"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
