"""Unused reservations (user cancellations and no-shows), their monthly count per owner, the
compensation charged beyond the threshold, appeals, and the analysts' reports."""
