"""Mounting the pages on the app: static files, language switch, routes, the error page."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kezek.web.errors import render_error_page
from kezek.web.i18n import LanguageSwitchMiddleware, load_all
from kezek.web.pages import (
    account,
    admin,
    attorneys,
    bookings,
    checkpoint,
    compensation,
    compensation_admin,
    crossings,
    identity,
    identity_attempts,
    identity_documents,
    identity_reviews,
    statement,
    vehicle_checks,
    vehicles,
)

STATIC_DIR = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    load_all()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(crossings.router)
    app.include_router(account.router)
    app.include_router(admin.router)
    app.include_router(bookings.router)
    app.include_router(statement.router)
    app.include_router(compensation.router)
    app.include_router(compensation_admin.router)
    app.include_router(checkpoint.router)
    app.include_router(identity.router)
    app.include_router(identity_documents.router)
    app.include_router(identity_reviews.router)
    app.include_router(identity_attempts.router)
    app.include_router(attorneys.router)
    app.include_router(vehicles.router)
    app.include_router(vehicle_checks.router)
    app.state.render_error_page = render_error_page
    app.add_middleware(LanguageSwitchMiddleware)
