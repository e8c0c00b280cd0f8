"""The account ledger: owner accounts, fees, refunds, top-ups, statements."""
