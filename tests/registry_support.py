"""The stand-in registry as a real subprocess on a free local port, for the registry tests."""

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import _free_port, child_env

from kezek.config import Settings
from kezek.vehicles.vin import make_vin

# VINs of the shipped stub_data.json (generated from kezek.demo)
CARRIER_TRUCK = make_vin(0, wmi="LZZ", vds="5BLSB")  # owner: demo carrier; insured: driver
STRANGERS_TRUCK = make_vin(9001, wmi="LZZ", vds="5BLSB")  # owner: someone outside the demo
UNKNOWN_VIN = make_vin(777)  # not in the data


class StubRegistry:
    """`kezek registry-stub` in its own process; `stop()` is the registry being down."""

    def __init__(self, workdir: Path, *, port: int | None = None, data: Path | None = None):
        self.workdir = workdir
        self.data = data
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "StubRegistry":
        log = (self.workdir / f"registry-stub-{self.port}.log").open("ab")
        data = ["--data", str(self.data)] if self.data else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kezek.cli", "registry-stub", "--port", str(self.port), *data],
            env=child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self._call("GET", "/healthz")
                return self
            except OSError:
                assert self.process.poll() is None, "the stand-in registry exited"
                time.sleep(0.05)
        raise RuntimeError("the stand-in registry did not start in 20 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def control(self, **orders: Any) -> dict[str, Any]:
        return self._call("POST", "/control", orders)

    def reset(self) -> None:
        self._call("POST", "/control/reset", {})

    def lookups(self) -> int:
        return int(self._call("GET", "/control")["lookups"])

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())


def fast_registry_settings(url: str, **changes: Any) -> dict[str, Any]:
    """Registry settings in fractions of a second, so failure tests stay fast."""
    return {
        "registry_url": url,
        "registry_connect_timeout_seconds": 0.5,
        "registry_read_timeout_seconds": 0.3,
        "registry_retries": 2,
        "registry_backoff_seconds": 0.01,
        "registry_breaker_failures": 3,
        "registry_breaker_reset_seconds": 0.5,
        **changes,
    }


@pytest.fixture(scope="session")
def shared_stub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StubRegistry]:
    stub = StubRegistry(tmp_path_factory.mktemp("registry")).start()
    yield stub
    stub.stop()


@pytest.fixture
def stub(shared_stub: StubRegistry) -> StubRegistry:
    """The shared stand-in, back to normal behaviour for this test."""
    shared_stub.reset()
    return shared_stub


@pytest.fixture
def own_stub(tmp_path: Path) -> Iterator[StubRegistry]:
    """A stand-in of this test's own, which the test may stop (the registry down)."""
    stub = StubRegistry(tmp_path).start()
    yield stub
    stub.stop()


def registry_settings(base: Settings, url: str, **changes: Any) -> Settings:
    return base.model_copy(update=fast_registry_settings(url, **changes))
