"""The shipped deploy/ files are valid: systemd units (systemd-analyze verify) and the nginx site (nginx -t)."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
INSTALL_DIR = "/srv/tindaklanjut"  # where the units and the site expect the checkout
CERT_DIR = "/etc/letsencrypt/live/tindaklanjut.example.go.id"
UNITS = sorted((DEPLOY / "systemd").glob("tindaklanjut*"))


def _need(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} is not installed here (CI installs it: .ci/run)")
    return path


def test_every_service_has_its_timer_or_is_the_app():
    names = {unit.name for unit in UNITS}
    assert "tindaklanjut.service" in names
    for job in ("reminders", "digest", "backup"):
        assert {f"tindaklanjut-{job}.service", f"tindaklanjut-{job}.timer"} <= names


def test_systemd_units_verify_cleanly(tmp_path):
    """Checked as installed into this checkout, so every ExecStart must point at a real program."""
    analyze = _need("systemd-analyze")
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALL_DIR, str(ROOT)))
    result = subprocess.run([analyze, "verify", *sorted(str(path) for path in tmp_path.iterdir())],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_timers_fire_in_wita_whatever_the_server_clock(tmp_path):
    analyze = _need("systemd-analyze")
    for timer in (unit for unit in UNITS if unit.suffix == ".timer"):
        line = next(row for row in timer.read_text().splitlines() if row.startswith("OnCalendar="))
        spec = line.split("=", 1)[1]
        assert spec.endswith(" Asia/Makassar"), timer.name
        result = subprocess.run([analyze, "calendar", spec], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr


def _self_signed_certificate(folder: Path) -> None:
    subprocess.run([_need("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=tindaklanjut.example.go.id", "-keyout", str(folder / "privkey.pem"),
                    "-out", str(folder / "fullchain.pem")], check=True, capture_output=True, timeout=60)


def test_nginx_site_passes_nginx_t(tmp_path):
    """The site inside a minimal nginx.conf; only the certificate paths point at a throwaway pair."""
    nginx = _need("nginx")
    _self_signed_certificate(tmp_path)
    site = (DEPLOY / "nginx" / "tindaklanjut.conf").read_text()
    assert "gzip on;" in site and "gzip_static" in site  # the place for pre-compressed static files
    (tmp_path / "site.conf").write_text(site.replace(CERT_DIR, str(tmp_path)))
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    include {tmp_path}/site.conf;
}}
""")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                             "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_logrotate_config_reads_without_errors(tmp_path):
    """logrotate --debug reads the file and rotates nothing; it reports bad lines as `error:`."""
    logrotate = _need("logrotate")
    config = (DEPLOY / "logrotate" / "tindaklanjut").read_text()
    assert "/var/log/tindaklanjut/*.log" in config  # SECURITY_LOG_FILE's folder (LogsDirectory=)
    # The service user does not exist on a test machine: root stands in for it.
    (tmp_path / "tindaklanjut").write_text(config.replace("su tindaklanjut tindaklanjut", "su root root"))
    result = subprocess.run([logrotate, "--debug", "--state", str(tmp_path / "state"), str(tmp_path / "tindaklanjut")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "error" not in (result.stdout + result.stderr).lower(), result.stderr
