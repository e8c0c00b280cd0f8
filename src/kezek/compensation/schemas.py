"""Request and response bodies of the compensation API."""

import enum
from datetime import date, datetime

from pydantic import BaseModel, Field

from kezek.models.compensation import ChargeMode


class CounterOut(BaseModel):
    party_id: int
    party_name: str
    month: date
    used: int = Field(description="Unused reservations counted this month (voided ones not)")
    threshold: int = Field(description="How many are free this month before each one costs")
    charged_kzt: str = Field(description="Compensation charged this month and not refunded")


class UnusedOut(BaseModel):
    id: int
    party_id: int
    kind: str = Field(description="cancellation or no_show")
    occurred_at: datetime
    month: date
    booking_reference: str
    plate: str
    ordinal: int = Field(description="Its place among the owner's counted ones that month")
    threshold: int
    charge_kzt: str = Field(description="0 when nothing was charged")
    refunded: bool
    voided: bool
    appeal_id: int | None
    appeal_status: str | None = Field(description="open, accepted or rejected; null if none")
    appeal_decision_reason: str | None = Field(description="The analyst's reason, once decided")


class MyCompensationOut(BaseModel):
    month: date
    counters: list[CounterOut]
    unused: list[UnusedOut]


class AppealOut(BaseModel):
    id: int
    unused_id: int
    party_id: int
    booking_reference: str
    charge_kzt: str
    reason: str
    has_attachment: bool
    attachment_media_type: str | None
    status: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str | None


class AppealDecision(enum.StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class AppealDecisionIn(BaseModel):
    decision: AppealDecision
    reason: str = Field(max_length=2000, description="Required: the owner is told it")


class PolicyIn(BaseModel):
    """A new version of the policy; it applies from `effective_from` (now if omitted)."""

    monthly_threshold: int = Field(10, ge=1, le=1000)
    amount_mrp: int = Field(100, ge=0, le=10_000)
    charge_mode: ChargeMode = ChargeMode.EACH
    charge_no_show_at_once: bool = False
    adaptive: bool = True
    adaptive_lookback_months: int = Field(3, ge=0, le=24)
    adaptive_divisor: int = Field(2, ge=1, le=100)
    adaptive_floor: int = Field(1, ge=1, le=1000)
    deposit_enabled: bool = False
    deposit_mrp: int = Field(20, ge=0, le=10_000)
    deposit_forfeit_no_shows: int = Field(2, ge=1, le=100)
    deposit_window_days: int = Field(90, ge=1, le=3650)
    effective_from: datetime | None = None


class PolicyOut(PolicyIn):
    id: int
    crossing: str | None = Field(description="The crossing's code; null for the global default")
    effective_from: datetime
    created_at: datetime


class PolicyHistoryOut(BaseModel):
    in_force: PolicyOut = Field(description="The version that judges an event now")
    versions: list[PolicyOut] = Field(description="This scope's versions, newest first")


class FrequentOwnerOut(BaseModel):
    owner_id: int
    owner: str
    unused: int


class FrequentVehicleOut(BaseModel):
    vehicle_id: int
    plate: str
    owner: str
    unused: int


class OverThresholdOut(BaseModel):
    owner_id: int
    owner: str
    unused: int
    threshold: int
    over: int


class RepeatOffenderOut(BaseModel):
    owner_id: int
    owner: str
    months_over: int
    last_month_over: date
    current_threshold: int


class MonthTotalOut(BaseModel):
    month: date
    charges: int
    refunds: int
    net_kzt: str
