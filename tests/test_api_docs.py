"""The API docs page: local Swagger UI files only, under a strict Content-Security-Policy."""

import re

from kezek.api_docs import ASSETS


def test_the_docs_page_names_no_external_url(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    assert "SwaggerUIBundle" not in r.text, "the start-up script belongs in a file, not inline"
    assert not re.search(r"(https?:)?//", r.text), "the page must not load anything from elsewhere"
    referenced = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert {f"{ASSETS}/swagger-ui.css", f"{ASSETS}/swagger-ui-bundle.js"} <= set(referenced)
    for path in referenced:
        assert client.get(path).status_code == 200, path


def test_the_docs_page_forbids_scripts_from_elsewhere_and_inline(client):
    csp = client.get("/api/v1/docs").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"


def test_the_vendored_swagger_ui_keeps_its_licence(client):
    r = client.get(f"{ASSETS}/LICENSE")
    assert r.status_code == 200
    assert "Apache License" in r.text
