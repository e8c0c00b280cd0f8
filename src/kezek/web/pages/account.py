"""Login, logout, registration and "my account"."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from kezek.deps import DbSession
from kezek.errors import AppError, ValidationFailed
from kezek.models.party import SELF_SERVICE_ROLES, Role
from kezek.people import service
from kezek.people.errors import NationalIdTaken
from kezek.people.login import attempt_login
from kezek.people.schemas import RegistrationIn
from kezek.web.auth import (
    MaybeUser,
    SignedInUser,
    end_session,
    refused,
    safe_next,
    start_session,
)
from kezek.web.csrf import csrf_protect
from kezek.web.forms import FORM_LEVEL, FormData, blank_to_none, error_text, validation_errors
from kezek.web.i18n import LOCALES, N_, locale_of, remember_cookie, translate
from kezek.web.templating import flash, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

ROLES = [r for r in Role if r in SELF_SERVICE_ROLES]  # in the enum's order


def _redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: MaybeUser, next: str = "") -> Response:
    if user is not None:
        return _redirect(safe_next(next))
    return render(request, "account/login.html", {"next": safe_next(next), "active": "login"})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: DbSession, form: FormData) -> Response:
    login_name, password = form.get("login", "").strip(), form.get("password", "")
    target = safe_next(form.get("next"))
    if not login_name or not password:
        message = translate(locale_of(request), N_("Enter your login and password."))
        return _login_refused(request, login_name, target, message, status_code=422)
    try:
        user = attempt_login(
            session,
            throttle=request.app.state.throttle,
            login=login_name,
            password=password,
            ip=request.client.host if request.client else "unknown",
        )
    except AppError as err:
        refused(
            request,
            session,
            err,
            action=err.audit_action or "user.login",
            payload=err.audit_payload,
        )
        message = error_text(locale_of(request), err)
        return _login_refused(
            request, login_name, target, message, err.status_code, err.headers or {}
        )
    start_session(request, user)
    response = _redirect(target)
    if user.locale in LOCALES:  # the language they chose before, on any device
        remember_cookie(response, user.locale)
    return response


def _login_refused(
    request: Request,
    login_name: str,
    target: str,
    message: str,
    status_code: int,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    headers = {k: v for k, v in (headers or {}).items() if k.lower() != "www-authenticate"}
    context = {"next": target, "login": login_name, "error": message, "active": "login"}
    return render(request, "account/login.html", context, status_code=status_code, headers=headers)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    end_session(request)
    flash(request, N_("You have logged out."))
    return _redirect("/")


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request, user: MaybeUser) -> Response:
    if user is not None:
        return _redirect("/me")
    return _register_form(request, {"id_kind": "iin", "role": Role.CARRIER}, {})


def _register_form(
    request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> HTMLResponse:
    values = {k: v for k, v in values.items() if k not in ("password", "csrf_token")}
    context = {"values": values, "errors": errors, "roles": ROLES, "active": "register"}
    return render(request, "account/register.html", context, status_code=status_code)


def registration(form: dict[str, str]) -> RegistrationIn:
    """The registration the form describes; only the chosen kind of identifier is sent."""
    by_passport = form.get("id_kind") == "passport"
    company_bin, company_name = blank_to_none(form.get("company_bin")), form.get("company_name")
    data: dict[str, Any] = {
        "login": form.get("login", ""),
        "password": form.get("password", ""),
        "full_name": form.get("full_name", ""),
        "email": blank_to_none(form.get("email")),
        "role": form.get("role", Role.CARRIER),
        "iin": None if by_passport else blank_to_none(form.get("iin")),
        "passport_number": blank_to_none(form.get("passport_number")) if by_passport else None,
        "passport_country": blank_to_none(form.get("passport_country")) if by_passport else None,
    }
    if company_bin or blank_to_none(company_name):
        data["company"] = {"bin": company_bin or "", "name": company_name or ""}
    return RegistrationIn.model_validate(data)


def _field_of_refusal(err: AppError, form: dict[str, str]) -> str:
    if err.code == "national_id_taken":
        # The service names the company in its own message; the person's case is the default.
        if form.get("company_bin") and err.detail != NationalIdTaken.message:
            return "company_bin"
        return "passport_number" if form.get("id_kind") == "passport" else "iin"
    fields = {
        "login_taken": "login",
        "invalid_iin": "iin",
        "invalid_bin": "company_bin",
        "invalid_role": "role",
    }
    return fields.get(err.code, FORM_LEVEL)


@router.post("/register", response_class=HTMLResponse)
def register(request: Request, session: DbSession, form: FormData) -> Response:
    locale = locale_of(request)
    try:
        data = registration(form)
    except ValidationError as invalid:
        errors = validation_errors(invalid, locale)
        failed = ValidationFailed()
        failed.audit_payload = {"fields": sorted(errors)}
        refused(request, session, failed)
        return _register_form(request, form, errors, status_code=422)
    try:
        user = service.register(session, data=data)
    except AppError as err:
        refused(request, session, err)
        errors = {_field_of_refusal(err, form): error_text(locale, err)}
        return _register_form(request, form, errors, status_code=err.status_code)
    service.set_preferred_locale(session, user=user, locale=locale)  # the language they used
    start_session(request, user)
    flash(request, N_("Welcome! Your account is created."))
    return _redirect("/identity")


@router.get("/me", response_class=HTMLResponse)
def me(request: Request, session: DbSession, user: SignedInUser) -> HTMLResponse:
    companies = service.companies_of(session, person_id=user.person_id)
    context = {"user": user, "person": user.person, "companies": companies, "active": "me"}
    return render(request, "account/me.html", context)
