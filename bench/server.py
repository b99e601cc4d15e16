"""gunicorn (2 sync workers, pinned to CPU 1) serving the bench app, and HTTP sessions against it."""
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def can_pin() -> bool:
    """Pin server and load generator to different CPUs when there are two and taskset exists."""
    return (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None


def pinned(cpu: int, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *command] if can_pin() else command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """A gunicorn master with `workers` sync workers on a free loopback port."""

    def __init__(self, database_url: str, instance_path: str, workers: int = 2,
                 factory: str = "create_bench_app()"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        os.makedirs(instance_path, exist_ok=True)
        env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="bench-secret-key", APP_ENV="production",
                   INSTANCE_PATH=instance_path, SECURITY_LOG_FILE=str(Path(instance_path) / "security.log"))
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "--config", str(ROOT / "bench" / "gunicorn_conf.py"), "--workers", str(workers),
                   "--bind", f"127.0.0.1:{self.port}", f"bench.app:{factory}"]
        self.process = subprocess.Popen(pinned(1, command), cwd=ROOT, env=env)
        self._wait_until_healthy(workers)

    def _wait_until_healthy(self, workers: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) >= workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not become healthy in time")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> list[float]:
        """VmHWM (peak resident memory) of each worker, in MB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks.append(round(int(match.group(1)) / 1024, 1))
        return peaks

    def unique_memory_mb(self) -> list[dict]:
        """USS (memory only this worker holds) and PSS (its fair share of shared pages) of each worker, in MB."""
        workers = []
        for pid in self.worker_pids():
            try:
                info = psutil.Process(pid).memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            workers.append({"pid": pid, "uss_mb": round(info.uss / 2**20, 1), "pss_mb": round(info.pss / 2**20, 1)})
        return workers

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session(base_url: str, username: str, password: str, page: str = "/_bench/r2") -> tuple[str, str]:
    """Sign in through the real form; return (Cookie header, CSRF token) of the new session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())

    def fetch(path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with opener.open(base_url + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 302 lands here because redirects are not followed
            return error.code, error.read().decode(errors="replace")

    _status, html = fetch("/login")
    status, _html = fetch("/login", {"username": username, "password": password,
                                     "csrf_token": CSRF_RE.search(html).group(1)})
    if status != 302:
        raise RuntimeError(f"HTTP sign-in as {username} failed with {status}")
    _status, html = fetch(page)  # sign-in starts a fresh session: its CSRF token comes from a page
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, CSRF_RE.search(html).group(1)
