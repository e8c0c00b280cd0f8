"""The insurance registry link: who owns or holds a vehicle and who is insured to drive it.

`client.HttpRegistry` talks to the registry over HTTP (timeouts, retries, a circuit breaker);
`cache.CachedRegistry` keeps its answers in the database; `service` has the checks the booking
rule calls; `stub` is the stand-in registry server for development and tests.
"""
