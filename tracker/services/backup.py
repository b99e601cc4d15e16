"""Backups that can be taken while the app is serving: SQLite's online backup API, pg_dump."""
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be completed (the message says why)."""


def default_backup_path(instance_path: str, database_url: str) -> Path:
    """A timestamped file in the instance's backups folder (created if missing), suffixed for the database kind."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if make_url(database_url).get_backend_name() == "sqlite" else "dump"
    folder = Path(instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"tracker-{stamp}.{suffix}"


def _make_folder(folder: Path) -> None:
    """Create the backup's folder if missing; a clear BackupError when that is not allowed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create the folder {folder} for the backup: {error.strerror or error}") from None
    if not os.access(folder, os.W_OK):
        raise BackupError(f"cannot write the backup into {folder}: permission denied")


def _pg_env(url) -> dict:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _pg_args(url) -> list[str]:
    args = ["--host", url.host or "localhost", "--dbname", url.database]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args


def backup(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the database to target, without stopping writers."""
    url = make_url(database_url)
    target = Path(target)
    _make_folder(target.parent)
    if url.get_backend_name() == "sqlite":
        partial = target.with_suffix(target.suffix + ".partial")
        source = sqlite3.connect(url.database, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=1024)  # copies in steps; writers keep going
        finally:
            copy.close()
            source.close()
        partial.replace(target)
        return target
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (apt-get install postgresql-client)")
    result = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(url)],
        env=_pg_env(url), capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup (stop the app servers first)."""
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no such backup file: {source}")
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(source)
        try:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the backup file is damaged (integrity check failed)")
            live = sqlite3.connect(url.database, timeout=30)
            try:
                backup_db.backup(live)
            finally:
                live.close()
        finally:
            backup_db.close()
        return
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (apt-get install postgresql-client)")
    result = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *_pg_args(url),
         str(source)],
        env=_pg_env(url), capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
