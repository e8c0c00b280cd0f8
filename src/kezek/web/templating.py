"""The Jinja2 environment and the one function that renders a page."""

from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_skeleton, get_day_names
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from kezek import __version__
from kezek.ledger.money import format_kzt
from kezek.models.crossing import Crossing
from kezek.web import messages
from kezek.web.auth import nav_user_outside_request
from kezek.web.crossing_view import country_name, neighbour_name
from kezek.web.csrf import csrf_token
from kezek.web.i18n import HTML_LANG, LANGUAGE_NAMES, LOCALES, locale_of, switch_url, translations

TEMPLATES_DIR = Path(__file__).parent / "templates"
FLASH_KEY = "flash"

# Pages run no inline script or style; HTMX is told not to inject its own style (base.html).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Vary": "Cookie, Accept-Language, HX-Request",
}


@pass_context
def _gettext(ctx: Context, message: str) -> str:
    return translations(ctx["locale"]).gettext(message)


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, n: int) -> str:
    return translations(ctx["locale"]).ngettext(singular, plural, n)


@pass_context
def _date(ctx: Context, day: date, style: str = "medium") -> str:
    """A date in the page's language: "medium", "full", or a CLDR pattern such as "EEE"."""
    return format_date(day, format=style, locale=ctx["locale"])


@pass_context
def _date_skeleton(ctx: Context, day: date, skeleton: str) -> str:
    """A date by a CLDR skeleton ("MMMd"): each language orders the parts its own way."""
    return format_skeleton(skeleton, day, locale=ctx["locale"])


@pass_context
def _weekday(ctx: Context, weekday: int, width: str = "wide") -> str:
    """The name of a weekday (0 = Monday) in the page's language."""
    return str(get_day_names(width, locale=ctx["locale"])[weekday])


@pass_context
def _country(ctx: Context, code: str) -> str:
    return country_name(code, ctx["locale"])


@pass_context
def _neighbour(ctx: Context, crossing: Crossing) -> str:
    return neighbour_name(crossing, ctx["locale"])


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = _date
    env.filters["date_short"] = _date_skeleton
    env.globals.update(
        weekday_name=_weekday,
        country_name=_country,
        neighbour_name=_neighbour,
        ROLE=messages.ROLE,
        IDENTITY_STATUS=messages.IDENTITY_STATUS,
        DIRECTION=messages.DIRECTION,
        EXCEPTION_KIND=messages.EXCEPTION_KIND,
        CATEGORY=messages.CATEGORY,
        GROUNDS=messages.GROUNDS,
        BOOKING_STATUS=messages.BOOKING_STATUS,
        PRIORITY=messages.PRIORITY,
        CARGO=messages.CARGO,
        ENTRY_KIND=messages.ENTRY_KIND,
        VEHICLE_CATEGORY=messages.VEHICLE_CATEGORY,
        REGISTRY_STATUS=messages.REGISTRY_STATUS,
        UNUSED_KIND=messages.UNUSED_KIND,
        APPEAL_STATUS=messages.APPEAL_STATUS,
        ERROR_TEXT=messages.ERROR_TEXT,
        GENERIC_ERROR=messages.GENERIC_ERROR,
        kzt=format_kzt,
    )
    return env


env = _environment()


def flash(request: Request, message: str, **params: int | str) -> None:
    """A message for the next page shown (after a redirect); `message` is a msgid, formatted
    with `params` once translated."""
    request.session.setdefault(FLASH_KEY, []).append([message, params])


def _take_flashes(request: Request) -> list[tuple[str, dict[str, int | str]]]:
    # A plain string is a message flashed before messages took parameters (an older cookie).
    return [
        (item, {}) if isinstance(item, str) else (item[0], item[1])
        for item in request.session.pop(FLASH_KEY, [])
    ]


def page_context(request: Request) -> dict[str, Any]:
    locale = locale_of(request)
    return {
        "request": request,
        "locale": locale,
        "html_lang": HTML_LANG[locale],
        "languages": [(code, LANGUAGE_NAMES[code], switch_url(request, code)) for code in LOCALES],
        "nav_user": nav_user_outside_request(request),
        "csrf_token": csrf_token(request),
        "take_flashes": lambda: _take_flashes(request),
        "is_htmx": request.headers.get("hx-request") == "true",
        "active": "",
        "version": __version__,
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    html = env.get_template(template).render({**page_context(request), **(context or {})})
    return HTMLResponse(
        html, status_code=status_code, headers={**SECURITY_HEADERS, **(headers or {})}
    )
