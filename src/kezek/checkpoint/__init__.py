"""The checkpoint: operators check arriving vehicles in; bookings nobody used become no-shows."""
