"""The code stays in the house style: ruff's lint rules and formatting (pyproject.toml)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = [p for p in ("src", "tests", "bench", "dev.py") if (ROOT / p).exists()]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (it comes with the test extras)")
    command = [sys.executable, "-m", "ruff", *args, *CHECKED]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_lint_rules_pass():
    result = ruff("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted():
    result = ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
