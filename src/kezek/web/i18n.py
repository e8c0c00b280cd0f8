"""Languages of the pages: catalogues compiled in memory, and the choice of each request's locale.

The .po files are the only source; they are compiled at startup (no .mo files in the tree).
A request's locale is, in order: the `kezek_lang` cookie (set by the `?lang=xx` switcher, see
LanguageSwitchMiddleware), the browser's Accept-Language, the configured default.
"""

from functools import cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

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
                await _remember(path, params, chosen)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _remember(path: str, params: QueryParams, locale: str) -> RedirectResponse:
    rest = [(k, v) for k, v in params.multi_items() if k != "lang"]
    # Only a path of this same site ("//host" would leave it): never an open redirect.
    target = "/" + path.lstrip("/") + (f"?{urlencode(rest)}" if rest else "")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, locale, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)
    return response
