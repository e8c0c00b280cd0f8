"""The booker's pages: book a slot (from the heat map), my bookings and their actions.

Every change goes through kezek.booking.service, as the API does; refusals are written to the
footprints and shown in the page's language, with the values typed kept in the form.
"""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kezek.booking import service
from kezek.booking.bookable import bookable_by_plate
from kezek.booking.schemas import BookingIn, CargoCategory, DriverIn, RescheduleIn
from kezek.crossings import service as crossings
from kezek.deps import DbSession, get_registry
from kezek.errors import AppError, ValidationFailed
from kezek.models.booking import Priority
from kezek.models.crossing import DirectionKind
from kezek.models.party import User
from kezek.web import booking_view as view
from kezek.web.auth import BookerPageUser, refused
from kezek.web.csrf import csrf_protect
from kezek.web.forms import FORM_LEVEL, FormData, blank_to_none, error_text, validation_errors
from kezek.web.i18n import N_, locale_of
from kezek.web.templating import flash, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

DRIVER_ROWS = service.MAX_DRIVERS
DRIVER_FIELDS = ("full_name", "iin", "passport_number", "passport_country")


def _redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# --- book -----------------------------------------------------------------------------------


def _driver_field(loc: tuple[Any, ...]) -> str:
    """Form field names of BookingIn's error locations: ("drivers", 0, "iin") -> "driver0_iin"."""
    if len(loc) >= 3 and loc[0] == "drivers":
        return f"driver{loc[1]}_{loc[2]}"
    if loc and loc[0] == "drivers":
        return "drivers"
    return "_".join(str(part) for part in loc if isinstance(part, str))


def _drivers_of(form: dict[str, str], prefix: str = "driver") -> list[dict[str, str | None]]:
    rows = []
    for i in range(DRIVER_ROWS):
        row = {name: blank_to_none(form.get(f"{prefix}{i}_{name}")) for name in DRIVER_FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows


def booking_in(form: dict[str, str]) -> BookingIn:
    """The booking the form describes (the API's schema, so the same checks apply)."""
    data: dict[str, Any] = {
        "vehicle_id": form.get("vehicle_id", ""),
        "crossing": form.get("crossing", ""),
        "direction": form.get("direction", ""),
        "date": form.get("date", ""),
        "hour": form.get("hour", ""),
        "cargo_category": form.get("cargo_category", ""),
        "trailer_plate": blank_to_none(form.get("trailer_plate")),
        "priority": form.get("priority") or Priority.NORMAL,
        "cargo_declaration": blank_to_none(form.get("cargo_declaration")),
        "drivers": _drivers_of(form),
    }
    return BookingIn.model_validate(data)


def _new_form(
    request: Request,
    session: Session,
    user: User,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    values = {k: v for k, v in values.items() if k != "csrf_token"}
    active = crossings.list_crossings(session, active_only=True)
    chosen = next((c for c in active if c.code == values.get("crossing")), None)
    crossing = chosen or (active[0] if active else None)
    parties = view.my_parties(session, user=user)
    context = {
        "values": values,
        "errors": errors,
        "crossings": active,
        "crossing": crossing,
        "vehicles": view.my_vehicles(session, user=user),
        "by_plate": BY_PLATE,
        "parties": parties,
        "balances": [(p, view.balance_of(session, p.id)) for p in parties],
        "fees": view.fees_on(session, crossing) if crossing else None,
        "cargo_categories": list(CargoCategory),
        "priorities": list(Priority),
        "driver_rows": range(DRIVER_ROWS),
        # Drivers 2 and 3 fold away unless the form already holds something of theirs.
        "more_drivers_open": any(
            key.startswith(("driver1_", "driver2_")) and (values.get(key) or key in errors)
            for key in {*values, *errors}
        ),
        "active": "book",
    }
    return render(request, "bookings/new.html", context, status_code=status_code)


@router.get("/bookings/new", response_class=HTMLResponse)
def new_booking(
    request: Request,
    session: DbSession,
    user: BookerPageUser,
    crossing: str = "",
    direction: str = "exit",
    date: str = "",
    hour: str = "",
) -> HTMLResponse:
    """The booking form, filled from the heat map cell that was clicked."""
    values = {
        "crossing": crossing,
        "direction": direction if direction in set(DirectionKind) else DirectionKind.EXIT,
        "date": date,
        "hour": hour,
        "cargo_category": CargoCategory.GENERAL,
        "priority": Priority.NORMAL,
    }
    return _new_form(request, session, user, values, {})


def _refused_form(
    request: Request, session: Session, user: User, form: dict[str, str], err: AppError
) -> HTMLResponse:
    refused(request, session, err, action="booking.create", payload=_attempt(form, err))
    errors = {FORM_LEVEL: error_text(locale_of(request), err)}
    return _new_form(request, session, user, form, errors, status_code=err.status_code)


def _attempt(form: dict[str, str], err: AppError) -> dict[str, Any]:
    keys = ("vehicle_id", "vehicle_plate", "crossing", "direction", "date", "hour", "priority")
    return {"detail": err.detail, **{k: form[k] for k in keys if form.get(k)}}


BY_PLATE = "plate"  # the vehicle select's choice "another vehicle, by its plate"


def _vehicle_by_plate(
    request: Request, session: Session, user: User, form: dict[str, str]
) -> dict[str, str]:
    """The form with the vehicle it names by plate (a driver's truck not offered in the list)
    resolved to its id, through the booking rule; raises its refusal."""
    if form.get("vehicle_id") not in ("", BY_PLATE, None):
        return form
    plate = (form.get("vehicle_plate") or "").strip()
    if not plate:
        return {**form, "vehicle_id": ""}  # the schema says the vehicle is missing
    found = bookable_by_plate(
        session, user=user, plate=plate, registry=get_registry(request, session)
    )
    return {**form, "vehicle_id": str(found.vehicle.id)}


@router.post("/bookings/new", response_class=HTMLResponse)
def create_booking(
    request: Request, session: DbSession, user: BookerPageUser, form: FormData
) -> Response:
    locale = locale_of(request)
    try:
        form = _vehicle_by_plate(request, session, user, form)
    except AppError as err:
        refused(request, session, err, action="booking.create", payload=_attempt(form, err))
        errors = {"vehicle_plate": error_text(locale, err)}
        return _new_form(request, session, user, form, errors, status_code=err.status_code)
    try:
        data = booking_in(form)
    except ValidationError as invalid:
        errors = validation_errors(invalid, locale, field_of=_driver_field)
        failed = ValidationFailed()
        failed.audit_payload = {"fields": sorted(errors)}
        refused(request, session, failed, action="booking.create")
        return _new_form(request, session, user, form, errors, status_code=422)
    try:
        booking = service.create_booking(
            session, user=user, data=data, registry=get_registry(request, session)
        )
    except AppError as err:
        return _refused_form(request, session, user, form, err)
    flash(request, N_("Booked. The fee has been debited from the account."))
    return _redirect(f"/bookings#booking-{booking.id}")


# --- my bookings ----------------------------------------------------------------------------


def _list_context(
    session: Session, user: User, show: str, errors: dict[int, str] | None = None
) -> dict[str, Any]:
    past = show == "past"
    bookings = view.split_by_time(service.list_bookings(session, user=user, limit=500), past=past)
    return {
        "rows": [view.booking_row(session, b) for b in bookings],
        "show": "past" if past else "active",
        "row_errors": errors or {},
        "active": "bookings",
    }


@router.get("/bookings", response_class=HTMLResponse)
def my_bookings(
    request: Request, session: DbSession, user: BookerPageUser, show: str = "active"
) -> HTMLResponse:
    return render(request, "bookings/list.html", _list_context(session, user, show))


def _row_answer(
    request: Request,
    session: Session,
    user: User,
    booking_id: int,
    *,
    error: str | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    """After an action: with HTMX the booking's card redrawn; without, the list page."""
    if _is_htmx(request):
        booking = service.get_booking(session, user=user, booking_id=booking_id)
        row = view.booking_row(session, booking)
        context = {"row": row, "row_error": error, "row_done": done}
        return render(request, "bookings/_booking.html", context, status_code=status_code)
    if error is None:
        flash(request, done or N_("Saved."))
        return _redirect(f"/bookings#booking-{booking_id}")
    context = _list_context(session, user, "active", {booking_id: error})
    return render(request, "bookings/list.html", context, status_code=status_code)


def _act(
    request: Request,
    session: Session,
    user: User,
    booking_id: int,
    action: str,
    change: Any,
    done: str,
) -> Response:
    """Run one action on a booking; a refusal goes to the footprints and is shown on its card."""
    try:
        change()
    except ValidationError as invalid:
        failed = ValidationFailed()
        failed.audit_payload = {"booking_id": booking_id}
        refused(request, session, failed, action=action)
        first = next(iter(validation_errors(invalid, locale_of(request)).values()))
        return _row_answer(request, session, user, booking_id, error=first, status_code=422)
    except AppError as err:
        payload = {"booking_id": booking_id, "detail": err.detail}
        refused(request, session, err, action=action, payload=payload)
        if err.code == "booking_not_found":
            raise
        message = error_text(locale_of(request), err)
        return _row_answer(
            request, session, user, booking_id, error=message, status_code=err.status_code
        )
    return _row_answer(request, session, user, booking_id, done=done)


@router.post("/bookings/{booking_id}/cancel")
def cancel(
    request: Request, booking_id: int, session: DbSession, user: BookerPageUser, form: FormData
) -> Response:
    def change() -> None:
        service.cancel_booking(
            session, user=user, booking_id=booking_id, registry=get_registry(request, session)
        )

    done = N_("The booking is cancelled; the place is free again.")
    return _act(request, session, user, booking_id, "booking.cancel", change, done)


@router.post("/bookings/{booking_id}/reschedule")
def reschedule(
    request: Request, booking_id: int, session: DbSession, user: BookerPageUser, form: FormData
) -> Response:
    def change() -> None:
        data = RescheduleIn.model_validate({"date": form.get("date"), "hour": form.get("hour")})
        service.reschedule_booking(
            session,
            user=user,
            booking_id=booking_id,
            data=data,
            registry=get_registry(request, session),
        )

    done = N_("The booking is moved; the reschedule fee has been debited.")
    return _act(request, session, user, booking_id, "booking.reschedule", change, done)


@router.post("/bookings/{booking_id}/drivers")
def add_driver(
    request: Request, booking_id: int, session: DbSession, user: BookerPageUser, form: FormData
) -> Response:
    def change() -> None:
        row = {name: blank_to_none(form.get(name)) for name in DRIVER_FIELDS}
        data = DriverIn.model_validate(row)
        service.add_driver(
            session,
            user=user,
            booking_id=booking_id,
            data=data,
            registry=get_registry(request, session),
        )

    done = N_("The driver is added.")
    return _act(request, session, user, booking_id, "booking.add_driver", change, done)
