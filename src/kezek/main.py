"""The application factory: API routers, web pages, middleware and error handlers."""

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from starlette.middleware.sessions import SessionMiddleware

from kezek import __version__
from kezek.admission import AdmissionLimit
from kezek.api_docs import router as api_docs_router
from kezek.attorneys.endpoints import router as attorneys_router
from kezek.attorneys.signing import KeyHolder
from kezek.booking.endpoints import router as booking_router
from kezek.checkpoint.endpoints import router as checkpoint_router
from kezek.compensation.endpoints import admin_router as compensation_admin_router
from kezek.compensation.endpoints import router as compensation_router
from kezek.config import Settings, get_settings
from kezek.crossings.endpoints import router as crossings_router
from kezek.db import make_engine
from kezek.handlers import install_handlers
from kezek.identity.document_endpoints import router as identity_document_router
from kezek.identity.endpoints import router as identity_router
from kezek.identity.review_endpoints import router as identity_review_router
from kezek.identity.storage import MediaStore
from kezek.ledger.endpoints import admin_router as mrp_router
from kezek.ledger.endpoints import router as ledger_router
from kezek.notifications.endpoints import router as notifications_router
from kezek.observability import RequestContextMiddleware, configure_logging
from kezek.openapi import install_openapi
from kezek.ops import router as ops_router
from kezek.people.endpoints import admin_router as people_admin_router
from kezek.people.endpoints import router as people_router
from kezek.people.throttle import LoginThrottle
from kezek.registry.service import make_registry
from kezek.vehicles.certificate_endpoints import router as certificates_router
from kezek.vehicles.endpoints import router as vehicles_router
from kezek.web import install_web

API_DESCRIPTION = """
Book an hour slot at a land border crossing instead of queueing for days.

Every error has the shape `{"error": code, "detail": message}`; `code` is stable and
machine-readable, `detail` is for people. Authenticate with `POST /api/v1/auth/token`
(OAuth2 password flow) and send `Authorization: Bearer <token>`.
"""


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(json=settings.log_json)
    app = FastAPI(
        title="Kezek",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served from local files by kezek.api_docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url, settings=settings)
    app.state.throttle = LoginThrottle(settings)
    app.state.media = MediaStore(settings.media_dir)
    app.state.registry = make_registry(settings)  # None: no registry configured

    app.state.signing_key = KeyHolder(settings.signing_key_file)
    app.state.signing_key.get()  # made on first start; an unwritable path fails here, not later

    install_handlers(app)
    app.include_router(people_router)
    app.include_router(people_admin_router)
    app.include_router(crossings_router)
    app.include_router(booking_router)
    app.include_router(ops_router)
    app.include_router(certificates_router)  # before /{vehicle_id} routes could shadow /pending
    app.include_router(vehicles_router)
    app.include_router(attorneys_router)
    app.include_router(ledger_router)
    app.include_router(mrp_router)
    app.include_router(checkpoint_router)
    app.include_router(identity_router)
    app.include_router(identity_document_router)
    app.include_router(identity_review_router)
    app.include_router(notifications_router)
    app.include_router(compensation_router)
    app.include_router(compensation_admin_router)
    app.include_router(api_docs_router)
    install_web(app)
    install_openapi(app)

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="kezek_session",
        same_site="lax",
        https_only=settings.cookie_secure,
        max_age=12 * 3600,
    )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(
        AdmissionLimit,
        max_concurrent=settings.max_concurrent_requests,
        wait_seconds=settings.admission_wait_seconds,
    )
    return app
