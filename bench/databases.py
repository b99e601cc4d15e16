"""Benchmark databases: built once per size (real migrations + generator), cached, cloned for each run.

SQLite: a file under bench/cache/ copied for each run. PostgreSQL: a template database
`<database>_template_<size>` cloned with CREATE DATABASE ... TEMPLATE (the role needs CREATEDB).
"""
import shutil
import time
from pathlib import Path

import flask_migrate
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench.generate import GENERATOR_VERSION, SIZES, generate
from config import Config
from tracker import create_app
from tracker.extensions import db

CACHE_DIR = Path(__file__).resolve().parent / "cache"
MIGRATIONS = Path(__file__).resolve().parent.parent / "tracker" / "migrations"


def bench_config(database_url: str, instance_path: str) -> type:
    """Production-like settings (no debug) on the given database."""

    class BenchConfig(Config):
        APP_ENV = "production"
        SECRET_KEY = "bench-secret-key"
        SQLALCHEMY_DATABASE_URI = database_url
        INSTANCE_PATH = instance_path

    return BenchConfig


def cache_key() -> str:
    """Changes when the generator or the schema changes, so a stale cache is rebuilt."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    return f"gen{GENERATOR_VERSION}-{head}"


def build(database_url: str, size_name: str, instance_path: str) -> dict:
    """Migrate an empty database to the head revision and fill it; return the generator's stats."""
    started = time.monotonic()
    app = create_app(bench_config(database_url, instance_path))
    with app.app_context():
        flask_migrate.upgrade()
        stats = generate(SIZES[size_name])
        db.session.remove()
        db.engine.dispose()
    stats["seconds"] = round(time.monotonic() - started, 1)
    return stats


class SQLiteStore:
    """Cached SQLite files, copied for each run so runs never see each other's writes."""

    name = "sqlite"

    def __init__(self, cache_dir: Path = CACHE_DIR):
        self.cache_dir = Path(cache_dir)

    def prepare(self, size_name: str, log=print) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        path, key_file = self._template(size_name), self._template(size_name).with_suffix(".key")
        key = cache_key()
        if path.exists() and key_file.exists() and key_file.read_text() == key:
            return
        log(f"  generating SQLite {size_name} dataset (cached in {path.parent}) ...")
        building = path.with_suffix(".building")
        for leftover in self.cache_dir.glob(building.name + "*"):
            leftover.unlink()
        stats = build(f"sqlite:///{building}", size_name, str(self.cache_dir / "instance"))
        engine = create_engine(f"sqlite:///{building}", poolclass=NullPool)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.exec_driver_sql("PRAGMA journal_mode = DELETE")
        engine.dispose()
        building.replace(path)
        key_file.write_text(key)
        log(f"  generated {stats}")

    def clone(self, size_name: str) -> str:
        run_dir = self.cache_dir / "runs"
        run_dir.mkdir(parents=True, exist_ok=True)
        target = run_dir / f"run_{size_name}.sqlite3"
        for old in run_dir.glob(target.name + "*"):
            old.unlink()
        shutil.copyfile(self._template(size_name), target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        path = Path(make_url(url).database)
        for old in path.parent.glob(path.name + "*"):
            old.unlink()

    def _template(self, size_name: str) -> Path:
        return self.cache_dir / f"tl_bench_{size_name}.sqlite3"


class PostgresStore:
    """Template databases on the server of BENCH_DATABASE_URL, one clone per run."""

    name = "postgresql"

    def __init__(self, url: str, cache_dir: Path = CACHE_DIR):
        self.url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)
                            if url.startswith("postgresql://") else url)
        self.base = self.url.database or "tracker_bench"
        self.admin = create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                                   poolclass=NullPool)
        self.cache_dir = Path(cache_dir)

    def check(self) -> str | None:
        """None when usable, else why not."""
        try:
            with self.admin.connect() as connection:
                allowed = connection.execute(text(
                    "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
        except Exception as error:  # noqa: BLE001 - any failure means: skip PostgreSQL
            return f"not reachable ({type(error).__name__}: {str(error).splitlines()[0]})"
        return None if allowed else "the role lacks CREATEDB"

    def prepare(self, size_name: str, log=print) -> None:
        template, key = self._template(size_name), cache_key()
        with self.admin.connect() as connection:
            found = connection.execute(text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"),
                {"n": template}).first()
        if found is not None and found[0] == key:
            return
        log(f"  generating PostgreSQL {size_name} dataset (template database {template}) ...")
        building = f"{template}_building"
        self._execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)', f'CREATE DATABASE "{building}"')
        url = self.url.set(database=building)
        stats = build(url.render_as_string(hide_password=False), size_name, str(self.cache_dir / "instance"))
        engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum would soon do in production
        engine.dispose()
        self._execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
                      f'ALTER DATABASE "{building}" RENAME TO "{template}"',
                      f"COMMENT ON DATABASE \"{template}\" IS '{key}'")
        log(f"  generated {stats}")

    def clone(self, size_name: str) -> str:
        name = f"{self.base}_{size_name}"
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                      f'CREATE DATABASE "{name}" TEMPLATE "{self._template(size_name)}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def _template(self, size_name: str) -> str:
        # Named after the configured database, so two people benchmarking on one server keep apart.
        return f"{self.base}_template_{size_name}"

    def _execute(self, *statements: str) -> None:
        with self.admin.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
