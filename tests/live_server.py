"""Run the app in a real server process (gunicorn) on a free loopback port."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A gunicorn process serving create_app() against the given database.

    Options for the hardening tests: `env` adds environment variables, `stderr_path` writes the
    server's output (errors, tracebacks, the access log) to a file, and `kill_hard()` SIGKILLs the master and its
    workers at once (the server runs in its own process group).
    """

    def __init__(self, database_url: str, instance_path: str, workers: int = 2,
                 env: dict | None = None, stderr_path: str | None = None, timeout: float = 30.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = dict(os.environ)
        environment.update(
            DATABASE_URL=database_url,
            SECRET_KEY="live-server-test-key",
            INSTANCE_PATH=instance_path,
            APP_ENV="production",
        )
        environment.update(env or {})
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self._stderr = open(stderr_path, "ab") if stderr_path else None  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "tracker:create_app()"],
            cwd=ROOT, env=environment, stdout=self._stderr, stderr=self._stderr, start_new_session=True,
        )
        self._wait_until_healthy(timeout)

    def _wait_until_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("server did not become healthy in time")

    def kill_hard(self) -> None:
        """SIGKILL the master and every worker (the whole process group), as a power cut would."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self._close_stderr()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill_hard()
        self._close_stderr()

    def _close_stderr(self) -> None:
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
