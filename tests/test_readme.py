"""The README's configuration table names every environment variable the code reads."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ_ENV = re.compile(r'(?:environ\.get|environ\[|_bool)\(?\s*"([A-Z][A-Z0-9_]+)"')


def _variables_read() -> set[str]:
    sources = [ROOT / "config.py", ROOT / "gunicorn.conf.py", *sorted((ROOT / "tracker").rglob("*.py"))]
    found = set()
    for source in sources:
        found |= set(READ_ENV.findall(source.read_text(encoding="utf-8")))
    return found - {"CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING"}  # WSGI environ keys, not settings


def test_every_environment_variable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration"):readme.index("## Running on PostgreSQL")]
    variables = _variables_read()
    assert {"SECRET_KEY", "TRUSTED_HOSTS", "BIND", "WEB_CONCURRENCY", "ALLOW_HTTP"} <= variables  # the scan works
    missing = sorted(name for name in variables if f"`{name}`" not in table)
    assert missing == [], f"add these to the README's configuration table: {missing}"
