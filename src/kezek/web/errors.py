"""The error page: what kezek.handlers shows a browser for a refusal on a page."""

from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from kezek.errors import AppError
from kezek.web.auth import safe_next
from kezek.web.csrf import SAFE_METHODS
from kezek.web.forms import error_text
from kezek.web.i18n import locale_of, translate
from kezek.web.messages import ERROR_TITLE
from kezek.web.templating import render


def _login_url(request: Request) -> str:
    if request.method in SAFE_METHODS:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:  # after a form post, come back to the page the form was on
        back = urlsplit(request.headers.get("referer", "")).path or "/"
    return "/login?" + urlencode({"next": safe_next(back, default="/")})


def render_error_page(request: Request, err: AppError) -> Response:
    """A translated page with the status, code and message; anonymous visitors of a page that
    needs a login are sent to the login form instead."""
    htmx = request.headers.get("hx-request") == "true"
    if err.code == "not_authenticated":
        target = _login_url(request)
        if htmx:  # HTMX follows this header with a full page load
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    locale = locale_of(request)
    title = ERROR_TITLE.get(err.status_code) or ERROR_TITLE[400 if err.status_code < 500 else 500]
    context = {
        "status": err.status_code,
        "code": err.code,
        "title": translate(locale, title),
        "message": error_text(locale, err),
    }
    headers = {k: v for k, v in (err.headers or {}).items() if k.lower() != "www-authenticate"}
    if htmx:  # show it in the message area, leaving the form that was posted in place
        headers |= {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
        return render(
            request, "errors/_error.html", context, status_code=err.status_code, headers=headers
        )
    return render(
        request, "errors/error.html", context, status_code=err.status_code, headers=headers
    )
