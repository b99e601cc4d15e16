"""The app uses libraries only through their public names, and translates through one gettext."""
import ast
from pathlib import Path

TRACKER = Path(__file__).resolve().parent.parent / "tracker"
OWN_PACKAGES = {"tracker", "config"}
# Flask-Babel's translating and language-switching functions; the app calls tracker.i18n's instead
# (one cached catalog lookup per request, dropped when the language is switched).
BABEL_TRANSLATORS = {"gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext", "lazy_ngettext",
                     "lazy_pgettext", "_", "force_locale", "refresh"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_library(module: str | None, level: int = 0) -> bool:
    return level == 0 and module is not None and module.split(".")[0] not in OWN_PACKAGES


def private_uses(source: str) -> list[str]:
    """Every private name of another package this source imports or reads as an attribute."""
    tree = ast.parse(source)
    library_names, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_library(alias.name):
                    library_names.add((alias.asname or alias.name).split(".")[0])
                    found += [f"import {alias.name}" for part in alias.name.split(".") if _private(part)][:1]
        elif isinstance(node, ast.ImportFrom) and _is_library(node.module, node.level):
            if any(_private(part) for part in node.module.split(".")):
                found.append(f"from {node.module} import ...")
            for alias in node.names:
                library_names.add(alias.asname or alias.name)
                if _private(alias.name):
                    found.append(f"from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [node.attr], node.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in library_names and _private(node.attr):
                found.append(f"{base.id}.{'.'.join(reversed(chain))}")
    return found


def _sources():
    for path in sorted(TRACKER.rglob("*.py")):
        yield path.relative_to(TRACKER.parent), path.read_text(encoding="utf-8")


def test_the_checker_finds_private_names():
    """The check below can fail: it spots the kinds of use it forbids."""
    source = (
        "from flask.globals import _cv_app\n"
        "from flask import g\n"
        "import flask_babel._internal\n"
        "from tracker.models import _helper\n"  # our own private names are fine
        "g._flask_babel.x = 1\n"
        "from flask_login import current_user\n"
        "y = current_user._get_current_object()\n"
        "z = self._cache\n"
    )
    assert private_uses(source) == [
        "from flask.globals import _cv_app", "import flask_babel._internal",
        "g._flask_babel", "current_user._get_current_object",
    ]


def test_no_private_names_of_libraries_are_used():
    """A library upgrade may change its private names at any time; the app never relies on them."""
    problems = {str(path): uses for path, source in _sources() if (uses := private_uses(source))}
    assert problems == {}


def test_one_gettext():
    """Only tracker/i18n.py imports Flask-Babel's translating functions; the rest use tracker.i18n's."""
    offenders = []
    for path, source in _sources():
        if path.as_posix() == "tracker/i18n.py":
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                offenders += [f"{path}: {a.name}" for a in node.names if a.name in BABEL_TRANSLATORS]
            elif isinstance(node, ast.Attribute) and node.attr in BABEL_TRANSLATORS and \
                    isinstance(node.value, ast.Name) and node.value.id == "flask_babel":
                offenders.append(f"{path}: flask_babel.{node.attr}")
    assert offenders == []
