"""The interactive API docs run from this site's own files under its Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_render_with_local_assets_only(tab, live_server):
    requested: list[str] = []
    tab.page.on("request", lambda req: requested.append(req.url))
    tab.page.goto("/api/v1/docs")
    expect(tab.page.locator(".swagger-ui .info .title")).to_contain_text("Kezek")
    expect(
        tab.page.locator("#operations-crossings-list_crossings_api_v1_crossings_get")
    ).to_be_visible()
    tab.shot("20-api-docs-desktop")
    assert requested and all(url.startswith(live_server) for url in requested), requested
    assert tab.errors == []
