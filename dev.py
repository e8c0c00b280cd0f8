#!/usr/bin/env python3
"""Set up and run Kezek from a fresh clone with nothing but Python 3.11+.

    python3 dev.py demo   # virtualenv + install + demo data on SQLite + serve on 127.0.0.1:8000
                          # (and `kezek worker` for the scheduled jobs, and the stand-in
                          # insurance registry `kezek registry-stub` on 127.0.0.1:8765, unless
                          # KEZEK_REGISTRY_URL names another registry)
    python3 dev.py demo --port 8080   # the same on another port
    python3 dev.py test   # virtualenv + install with test extras + the whole test suite

Extra arguments after `test` go to pytest; after `demo`, to `kezek serve`.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py runs on whatever python3 is there)
        sys.exit(f"Kezek needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating virtualenv in {VENV.name}/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    marker = VENV / f".installed-{extras or 'base'}"
    pyproject = ROOT / "pyproject.toml"
    if marker.exists() and marker.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    print("installing Kezek and its dependencies ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f".[{extras}]" if extras else "."], check=True, cwd=ROOT)
    marker.touch()


def run(args: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def serve_env(extra: list[str]) -> dict[str, str]:
    """The environment with `--host`/`--port` of the serve arguments as KEZEK_HOST/KEZEK_PORT,
    so the URL the demo prints is the one it serves."""
    env = dict(os.environ)
    for flag, variable in (("--host", "KEZEK_HOST"), ("--port", "KEZEK_PORT")):
        for i, arg in enumerate(extra):
            if arg == flag and i + 1 < len(extra):
                env[variable] = extra[i + 1]
            elif arg.startswith(flag + "="):
                env[variable] = arg.split("=", 1)[1]
    return env


REGISTRY_STUB_PORT = 8765


def demo(extra: list[str]) -> int:
    ensure_venv("")
    kezek = str(BIN / "kezek")
    env = serve_env(extra)
    if code := run([kezek, "demo"], env):
        return code
    helpers = []
    if not env.get("KEZEK_REGISTRY_URL"):
        # The stand-in insurance registry, its own process with its own data (the demo's trucks).
        port = str(REGISTRY_STUB_PORT)
        helpers.append(subprocess.Popen([kezek, "registry-stub", "--port", port], cwd=ROOT))
        env["KEZEK_REGISTRY_URL"] = f"http://127.0.0.1:{port}"
    # The scheduled jobs (the no-show sweep) run beside the server, as in production.
    helpers.append(subprocess.Popen([kezek, "worker"], cwd=ROOT, env=env))
    try:
        print(
            f"serving, with the worker and the registry at {env['KEZEK_REGISTRY_URL']} beside it;"
            " stop with Ctrl+C",
            flush=True,
        )
        return run([kezek, "serve", *extra], env)
    finally:
        for helper in helpers:
            helper.terminate()
            helper.wait(timeout=10)


def test(extra: list[str]) -> int:
    ensure_venv("test")
    # One worker per core (pytest-xdist), a test module's tests together (they share fixtures).
    chosen = any(arg.startswith(("-n", "--numprocesses", "-p no:xdist")) for arg in extra)
    parallel = [] if chosen else ["-n", "auto", "--dist", "loadfile"]
    return run([str(BIN / "python"), "-m", "pytest", *parallel, *extra])


def main() -> int:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
