"""Ledger requests and answers. Amounts travel as integer tiyn and as a KZT string "1234.56"
(never a float); a debt is a negative balance."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class AccountOut(BaseModel):
    account_id: int
    party_id: int
    party_kind: str
    party_name: str
    national_id: str
    balance_tiyn: int
    balance_kzt: str


class StatementLineOut(BaseModel):
    entry_id: int
    at: datetime
    kind: str
    memo: str
    booking_reference: str | None
    amount_tiyn: int
    amount_kzt: str
    balance_after_tiyn: int
    balance_after_kzt: str


class StatementOut(BaseModel):
    account_id: int
    balance_tiyn: int
    balance_kzt: str
    total: int
    limit: int
    offset: int
    lines: list[StatementLineOut]


class TopUpIn(BaseModel):
    """Give the amount either in KZT (a decimal string, at most two decimals) or in tiyn."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    amount_kzt: Decimal | None = None
    amount_tiyn: int | None = None
    payment_reference: Annotated[str, Field(min_length=3, max_length=100)]
    memo: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _one_amount(self) -> Self:
        if (self.amount_kzt is None) == (self.amount_tiyn is None):
            raise ValueError("give the amount once: amount_kzt or amount_tiyn")
        return self


class TopUpOut(BaseModel):
    entry_id: int
    account_id: int
    amount_tiyn: int
    amount_kzt: str
    payment_reference: str
    created_at: datetime
    balance_tiyn: int
    balance_kzt: str
    replayed: bool  # True when this payment reference was already recorded: nothing was posted


class MrpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_kzt: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class MrpOut(BaseModel):
    year: int
    amount_tiyn: int
    amount_kzt: str
    previous_kzt: str | None
    changed: bool
