"""The first hour: `make run` says which Python it needs and serves on the PORT asked for."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args],
                          capture_output=True, text=True, timeout=60)


def test_an_old_python_is_named_before_pip_fails(tmp_path):
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\ncase "$1" in --version) echo "Python 3.10.12";; *) exit 1;; esac\n')
    old.chmod(0o755)
    result = _make("check-python", f"PYTHON={old}")
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stdout and "Python 3.10.12" in result.stdout


def test_the_current_python_passes_the_check():
    result = _make("check-python", "PYTHON=python3")
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_serves_on_the_port_asked_for_and_links_follow_it():
    commands = _make("-n", "run", "PORT=5001").stdout
    assert "--port 5001" in commands and "--port 5000" not in commands
    assert "http://127.0.0.1:5001" in commands  # BASE_URL, so e-mail and calendar links point here
    assert "--port 5000" in _make("-n", "run").stdout
