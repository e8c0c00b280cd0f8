"""Public pages: the crossings with their availability heat maps."""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kezek.crossings import service
from kezek.db import utcnow
from kezek.deps import DbSession
from kezek.models.crossing import Crossing
from kezek.models.party import User
from kezek.web import crossing_view as view
from kezek.web.auth import BOOKER_ROLES, MaybeUser
from kezek.web.csrf import csrf_protect
from kezek.web.heatmap import LEGEND
from kezek.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, _user: MaybeUser) -> HTMLResponse:
    """Every open crossing with two weeks of free places per direction."""
    now = utcnow()
    strips = [
        view.crossing_strip(session, crossing, now)
        for crossing in service.list_crossings(session, active_only=True)
    ]
    return render(
        request, "crossings/index.html", {"strips": strips, "legend": LEGEND, "active": "home"}
    )


def _map_context(crossing: Crossing, hour_map: view.HourMap, user: User | None) -> dict[str, Any]:
    legend = (*LEGEND, "past")  # the hour map greys out hours that can no longer be booked
    return {
        "crossing": crossing,
        "map": hour_map,
        "legend": legend,
        "map_url": _map_url,
        # Signed-in bookers get a link in each free cell to the prefilled booking form.
        "book_here": user is not None and bool(BOOKER_ROLES & user.roles),
        "book_url": _book_url,
    }


def _book_url(crossing: Crossing, kind: str, day: object, hour: int) -> str:
    query = {"crossing": crossing.code, "direction": kind, "date": str(day), "hour": hour}
    return f"/bookings/new?{urlencode(query)}"


def _map_url(crossing: Crossing, kind: str, start: object, *, fragment: bool = False) -> str:
    path = f"/crossings/{crossing.code}" + ("/availability" if fragment else "")
    return f"{path}?{urlencode({'direction': kind, 'start': str(start)})}"


@router.get("/crossings/{code}", response_class=HTMLResponse)
def crossing_page(
    request: Request,
    code: str,
    session: DbSession,
    _user: MaybeUser,
    direction: str = "exit",
    start: str = "",
) -> HTMLResponse:
    """Details, hours, exceptions, capacity, and the day x hour map of one direction."""
    crossing = service.get_crossing(session, code=code)
    hour_map = view.hour_map(session, crossing, direction=direction, start=start)
    today = hour_map.first_day
    directions = [
        {
            "direction": d,
            "weekly": view.weekly_hours(d),
            "exceptions": view.exceptions_in_force(d, today),
            "capacity": view.capacity_in_force(d, today),
            "upcoming": view.capacity_upcoming(d, today),
        }
        for d in crossing.directions
    ]
    context = {**_map_context(crossing, hour_map, _user), "directions": directions}
    return render(request, "crossings/detail.html", context)


@router.get("/crossings/{code}/availability")
def availability_fragment(
    request: Request,
    code: str,
    session: DbSession,
    _user: MaybeUser,
    direction: str = "exit",
    start: str = "",
) -> Response:
    """The map alone, for HTMX; the address bar gets the full page's address."""
    crossing = service.get_crossing(session, code=code)
    hour_map = view.hour_map(session, crossing, direction=direction, start=start)
    page_url = _map_url(crossing, hour_map.kind, hour_map.start)
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(page_url, status_code=303)
    return render(
        request,
        "crossings/_availability.html",
        _map_context(crossing, hour_map, _user),
        headers={"HX-Push-Url": page_url},
    )
