"""Bookings: claiming hour slots, fees, cancellation, rescheduling, drivers, substitution."""
