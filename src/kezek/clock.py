"""The law's calendar: months and days in Asia/Almaty, whatever the server's zone.

Kazakhstan's rules count by the capital's calendar day (attorney periods, MRP years, the
monthly count of unused reservations), so these helpers are the one place that turns an
instant into such a day or month.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kezek.db import utcnow

ALMATY = ZoneInfo("Asia/Almaty")


def almaty_date(moment: datetime | None = None) -> date:
    """The Almaty calendar day of `moment` (now by default)."""
    return (moment or utcnow()).astimezone(ALMATY).date()


def almaty_today() -> date:
    """Today in Almaty: attorney periods and MRP years are such calendar days."""
    return almaty_date()


def month_start(day: date) -> date:
    return day.replace(day=1)


def almaty_month(moment: datetime | None = None) -> date:
    """The first day of the Almaty calendar month of `moment` (now by default)."""
    return month_start(almaty_date(moment))


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after (or, negative, before) `month`."""
    index = month.year * 12 + (month.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The instants where an Almaty month starts and the next one starts."""
    start = datetime(month.year, month.month, 1, tzinfo=ALMATY)
    following = add_months(month, 1)
    end = datetime(following.year, following.month, 1, tzinfo=ALMATY)
    return start, end
