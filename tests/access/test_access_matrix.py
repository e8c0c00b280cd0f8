def test_world(world):
    print(world.vehicles, world.bookings, world.attorneys)
