"""The first hour: `make run` says which Python it needs and serves on the PORT asked for."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _make(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """make with the repository's Makefile, run in cwd (a folder without .venv for a first run)."""
    return subprocess.run(["make", "--no-print-directory", "-C", str(cwd), "-f", str(ROOT / "Makefile"), *args],
                          capture_output=True, text=True, timeout=60)


def _python_310(path: Path) -> Path:
    """A stand-in interpreter that reports 3.10 and fails the version check, as a real 3.10 would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('#!/bin/sh\ncase "$1" in --version) echo "Python 3.10.12";; *) exit 1;; esac\n')
    path.chmod(0o755)
    return path


def test_an_old_python_is_named_before_pip_fails(tmp_path):
    old = _python_310(tmp_path / "bin" / "python3.10")
    result = _make(".venv/bin/python", f"PYTHON={old}", cwd=tmp_path)  # the first step of `make run`
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stdout and "Python 3.10.12" in result.stdout
    assert not (tmp_path / ".venv").exists()  # stopped before creating anything


def test_a_venv_made_by_an_old_python_is_named_too(tmp_path):
    _python_310(tmp_path / ".venv" / "bin" / "python")
    result = _make("check-python", "PYTHON=python3", cwd=tmp_path)
    assert result.returncode != 0 and ".venv/bin/python is: Python 3.10.12" in result.stdout


def test_the_current_python_passes_the_check(tmp_path):
    result = _make("check-python", "PYTHON=python3", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_serves_on_the_port_asked_for_and_links_follow_it():
    commands = _make("-n", "run", "PORT=5001").stdout
    assert "--port 5001" in commands and "--port 5000" not in commands
    assert "http://127.0.0.1:5001" in commands  # BASE_URL, so e-mail and calendar links point here
    assert "--port 5000" in _make("-n", "run").stdout
