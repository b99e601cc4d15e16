"""The shape a newcomer can rely on: small modules and functions, documented routes, links built by url_for."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tracker"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# A link or form target written by hand instead of through url_for (href="/items/3", action="/login").
HAND_LINK = re.compile(r"""\b(?:href|action|src)=["']/(?!/)""")


def _modules():
    return [path for path in sorted(PACKAGE.rglob("*.py")) if "migrations" not in path.parts]


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _is_public(node, parents) -> bool:
    return not node.name.startswith("_") and all(not getattr(p, "name", "x").startswith("_") for p in parents)


def _public_functions(tree):
    """Module-level functions and methods of public classes, with nested functions left out."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and not member.name.startswith("_"):
                    yield member


def _is_route(node) -> bool:
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("route", "get", "post")
               for d in node.decorator_list)


def test_modules_stay_small():
    long = {str(p.relative_to(ROOT)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_functions_stay_short():
    long = []
    for path in _modules():
        for node in _functions(ast.parse(path.read_text())):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "functions over 60 lines:\n" + "\n".join(long)


def test_every_route_and_public_function_has_a_docstring():
    missing = []
    for path in _modules():
        tree = ast.parse(path.read_text())
        routes = [node for node in _functions(tree) if _is_route(node)]
        for node in {*routes, *_public_functions(tree)}:
            if node.name.startswith("__") or ast.get_docstring(node):
                continue
            missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not missing, "no docstring:\n" + "\n".join(sorted(missing))


def test_templates_build_links_with_url_for():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if HAND_LINK.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "links written by hand:\n" + "\n".join(found)


def test_the_link_guard_recognises_a_hand_written_link():
    assert HAND_LINK.search('<a href="/items/{{ item.id }}">')
    assert not HAND_LINK.search('<a href="{{ url_for(\'items.detail\', item_id=item.id) }}">')
    assert not HAND_LINK.search('<a href="https://sulbarprov.go.id/">')
