"""One real server per backend for the whole module: uvicorn in a subprocess over a copy of
the demo database, with the stand-in insurance registry in a process of its own."""

from collections.abc import Iterator

import pytest

from access.world import World, running_world


@pytest.fixture(scope="module")
def world(templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    url = templates.copy("demo")
    try:
        with running_world(url, tmp_path_factory.mktemp("access")) as built:
            yield built
    finally:
        templates.drop(url)
