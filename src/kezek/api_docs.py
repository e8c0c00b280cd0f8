"""The interactive API docs page, served from vendored Swagger UI files (no external CDN).

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script; this
one loads both from /static/swagger-ui/ so a strict Content-Security-Policy can forbid
everything that is not this site's own.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

DOCS_PATH = "/api/v1/docs"
ASSETS = "/static/swagger-ui"
# Swagger UI sets style attributes from its own code, hence 'unsafe-inline' for styles only;
# images of the schema viewer are data: URLs. Scripts, fonts, frames: this site only.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get(DOCS_PATH)
def api_docs(request: Request) -> HTMLResponse:
    title = f"{request.app.title} API"
    openapi_url = request.app.openapi_url
    html = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="{ASSETS}/kezek-docs.js"></script>
</body>
</html>
"""
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP})
