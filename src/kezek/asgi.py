"""The ASGI entry point for uvicorn: `kezek.asgi:app`."""

from kezek.main import create_app

app = create_app()
