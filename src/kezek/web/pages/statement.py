"""The account statement: balance and entries with the running balance, per party I act for."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from kezek.deps import DbSession
from kezek.web.auth import BookerPageUser
from kezek.web.csrf import csrf_protect
from kezek.web.pages.compensation import account_context, chosen_month
from kezek.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


@router.get("/account", response_class=HTMLResponse)
def statement(
    request: Request, session: DbSession, user: BookerPageUser, month: str | None = None
) -> HTMLResponse:
    """The statements, and each party's month of unused reservations (`month` as YYYY-MM)."""
    context = account_context(session, user, chosen_month(month))
    return render(request, "account/statement.html", context)
