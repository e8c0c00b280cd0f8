"""The stand-in insurance registry: `kezek registry-stub [--port P] [--data FILE]`.

A separate small HTTP service on 127.0.0.1 with its own JSON data file (stub_data.json by
default: the demo's vehicles and people). It answers like the real registry's adapter expects:

    GET  /api/v1/vehicles/{vin}   200 and the vehicle, or 404
    GET  /healthz                 200

and takes orders from tests (never expose it beyond 127.0.0.1):

    GET  /control                 the current behaviour and the count of lookups served
    POST /control                 {"delay_seconds": 2, "slow_count": 1, "fail_count": 3}
                                  the next `slow_count` lookups wait `delay_seconds` first
                                  (-1: all), the next `fail_count` answer 503 (-1: all)
    POST /control/reset           back to normal, counters to zero
"""

import json
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

DEFAULT_DATA = files("kezek.registry").joinpath("stub_data.json")
VEHICLE_PATH = "/api/v1/vehicles/"


@dataclass
class Behaviour:
    delay_seconds: float = 0.0
    slow_count: int = 0
    fail_count: int = 0
    lookups: int = 0  # vehicle lookups that reached the stub, answered or not

    def take(self, name: str) -> bool:
        """Whether the next lookup is slow/failing, counting one down (-1 never runs out)."""
        left = getattr(self, name)
        if left == 0:
            return False
        if left > 0:
            setattr(self, name, left - 1)
        return True


class StubRegistry(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, vehicles: dict[str, dict[str, Any]]):
        super().__init__(("127.0.0.1", port), Handler)
        self.vehicles = vehicles
        self.behaviour = Behaviour()
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    server: StubRegistry

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send(200, {"status": "ok"})
        elif self.path == "/control":
            with self.server.lock:
                self._send(200, asdict(self.server.behaviour))
        elif self.path.startswith(VEHICLE_PATH):
            self._lookup(self.path[len(VEHICLE_PATH) :])
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        if self.path == "/control/reset":
            with self.server.lock:
                self.server.behaviour = Behaviour()
                self._send(200, asdict(self.server.behaviour))
        elif self.path == "/control":
            length = int(self.headers.get("Content-Length") or 0)
            orders = json.loads(self.rfile.read(length) or b"{}")
            with self.server.lock:
                for name in ("delay_seconds", "slow_count", "fail_count"):
                    if name in orders:
                        setattr(self.server.behaviour, name, orders[name])
                self._send(200, asdict(self.server.behaviour))
        else:
            self._send(404, {"error": "not_found"})

    def _lookup(self, vin: str) -> None:
        with self.server.lock:
            behaviour = self.server.behaviour
            behaviour.lookups += 1
            delay = behaviour.delay_seconds if behaviour.take("slow_count") else 0.0
            fail = behaviour.take("fail_count")
        time.sleep(delay)
        if fail:
            self._send(503, {"error": "unavailable"})
        elif (vehicle := self.server.vehicles.get(vin.upper())) is not None:
            self._send(200, vehicle)
        else:
            self._send(404, {"error": "unknown_vin"})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test): nothing to answer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests start and stop it often


def load_data(path: Path | None) -> dict[str, dict[str, Any]]:
    """The data file's vehicles by VIN: {"vehicles": [RegistryVehicle.to_json(), ...]}."""
    text = path.read_text() if path else DEFAULT_DATA.read_text()
    return {v["vin"].upper(): v for v in json.loads(text)["vehicles"]}


def serve(port: int, data: Path | None) -> None:
    server = StubRegistry(port, load_data(data))
    print(f"stand-in registry on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
