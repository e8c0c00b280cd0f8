"""Languages of the pages: catalogues compiled in memory, and the choice of each request's locale.

The .po files are the only source; they are compiled at startup (no .mo files in the tree).
A request's locale is, in order: the `kezek_lang` cookie (set by the `?lang=xx` switcher, see
LanguageSwitchMiddleware), the browser's Accept-Language, the configured default. A signed-in
user's choice is also saved on their account, and their next login sets the cookie from it.
"""

from functools import cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from kezek.audit.context import identify_actor
from kezek.db import new_session
from kezek.people.service import set_preferred_locale, user_by_id
from kezek.web.auth import SESSION_USER

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LOCALES = ("kk", "ru", "en", "zh")
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English", "zh": "中文"}
# The lang attribute of <html>: Simplified Chinese, so browsers pick the right CJK glyphs.
HTML_LANG = {"kk": "kk", "ru": "ru", "en": "en", "zh": "zh-Hans"}
COOKIE = "kezek_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


@cache
def translations(locale: str) -> Translations:
    """The catalogue of `locale`, compiled from its .po file on first use."""
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def load_all() -> None:
    """Compile every catalogue now, so a broken .po file fails at startup, not on a page."""
    for locale in LOCALES:
        translations(locale)


def translate(locale: str, message: str) -> str:
    return translations(locale).gettext(message)


def _from_accept_language(header: str) -> str | None:
    """The supported language the browser prefers most (q-values honoured)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LOCALES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def negotiate(request: Request) -> str:
    cookie = request.cookies.get(COOKIE)
    if cookie in LOCALES:
        return cookie
    preferred = _from_accept_language(request.headers.get("accept-language", ""))
    if preferred:
        return preferred
    default = request.app.state.settings.default_locale
    return default if default in LOCALES else "ru"


def locale_of(request: Request) -> str:
    """The locale of this request, negotiated once."""
    locale = getattr(request.state, "locale", None)
    if locale is None:
        locale = request.state.locale = negotiate(request)
    return locale


def switch_url(request: Request, locale: str) -> str:
    """This page's address with ?lang=locale (the switcher's link)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode([*params, ('lang', locale)])}"


class LanguageSwitchMiddleware:
    """`GET /any/page?lang=kk` remembers the language in a cookie and reloads the page without
    the parameter, so links and bookmarks stay clean."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            params = QueryParams(scope.get("query_string", b""))
            chosen = params.get("lang")
            if chosen in LOCALES and not path.startswith(("/api/", "/static/")):
                uid = scope.get("session", {}).get(SESSION_USER)
                if isinstance(uid, int):
                    await run_in_threadpool(_save_for_user, scope["app"].state.engine, uid, chosen)
                await _remember(path, params, chosen)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _save_for_user(engine: Engine, user_id: int, locale: str) -> None:
    """Keep a signed-in user's choice on their account, so it follows them to other devices."""
    session = new_session(engine)
    try:
        user = user_by_id(session, user_id)
        if user is not None and user.is_active:
            identify_actor(user_id=user.id, login=user.login)
            set_preferred_locale(session, user=user, locale=locale)
            session.commit()
    finally:
        session.close()


def remember_cookie(response: Response, locale: str) -> None:
    response.set_cookie(COOKIE, locale, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)


def _remember(path: str, params: QueryParams, locale: str) -> RedirectResponse:
    rest = [(k, v) for k, v in params.multi_items() if k != "lang"]
    # Only a path of this same site ("//host" would leave it): never an open redirect.
    target = "/" + path.lstrip("/") + (f"?{urlencode(rest)}" if rest else "")
    response = RedirectResponse(target, status_code=303)
    remember_cookie(response, locale)
    return response
