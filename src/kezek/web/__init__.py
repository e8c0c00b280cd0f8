"""Web pages (Jinja2 + HTMX), served by the same app and calling the same services."""

from fastapi import FastAPI


def install_web(app: FastAPI) -> None:
    from kezek.web.setup import install

    install(app)
