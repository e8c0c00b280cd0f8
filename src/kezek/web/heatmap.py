"""Heat map cells from availability: the colour level is the free share of the capacity."""

from dataclasses import dataclass
from datetime import date

from kezek.crossings.schemas import AvailabilityOut, DayAvailability

HOURS = range(24)
# Free share from which a level starts; "low" is anything free below a quarter.
THRESHOLDS = (("high", 0.75), ("good", 0.5), ("mid", 0.25))
LEGEND = ("high", "good", "mid", "low", "full", "closed")


def level(*, free: int, capacity: int) -> str:
    """A CSS level name: "closed" without capacity, else by the share of places still free."""
    if capacity <= 0:
        return "closed"
    if free <= 0:
        return "full"
    share = free / capacity
    return next((name for name, start in THRESHOLDS if share >= start), "low")


@dataclass(frozen=True)
class Cell:
    capacity: int
    booked: int
    free: int
    level: str
    bookable: bool = True


@dataclass(frozen=True)
class DayCell(Cell):
    day: date = date.min


@dataclass(frozen=True)
class HourRow:
    """One day of the day x hour map: a cell per hour (None when closed) and the day's totals."""

    day: date
    cells: list[Cell | None]
    total: DayCell


def day_cell(day: DayAvailability) -> DayCell:
    return DayCell(
        capacity=day.capacity,
        booked=day.booked,
        free=day.free,
        level=level(free=day.free, capacity=day.capacity),
        bookable=any(h.bookable for h in day.hours),
        day=day.date,
    )


def day_strip(availability: AvailabilityOut) -> list[DayCell]:
    """One cell per day (the home page's strip)."""
    return [day_cell(day) for day in availability.days]


def hour_rows(availability: AvailabilityOut) -> list[HourRow]:
    """Rows of days, columns of hours 0-23 (the crossing page's map)."""
    rows = []
    for day in availability.days:
        by_hour = {h.hour: h for h in day.hours}
        cells: list[Cell | None] = []
        for hour in HOURS:
            h = by_hour.get(hour)
            cells.append(
                None
                if h is None
                else Cell(
                    capacity=h.capacity,
                    booked=h.booked,
                    free=h.free,
                    level=level(free=h.free, capacity=h.capacity),
                    bookable=h.bookable,
                )
            )
        rows.append(HourRow(day=day.date, cells=cells, total=day_cell(day)))
    return rows
