"""The account statement: balance and entries with the running balance, per party I act for."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from kezek.deps import DbSession
from kezek.web import booking_view as view
from kezek.web.auth import BookerPageUser
from kezek.web.csrf import csrf_protect
from kezek.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


@router.get("/account", response_class=HTMLResponse)
def statement(request: Request, session: DbSession, user: BookerPageUser) -> HTMLResponse:
    statements = [view.statement_of(session, p) for p in view.my_parties(session, user=user)]
    return render(
        request, "account/statement.html", {"statements": statements, "active": "statement"}
    )
