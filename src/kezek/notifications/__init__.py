"""Messages to owners: written to the outbox in the transaction of the change they announce."""
