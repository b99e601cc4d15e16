"""The item rules (models/rules.py): one definition, the same answer in SQL and in Python, used everywhere."""
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, Horizon, NonWorkingDay, Role, Setting, Status, User
from tracker.models.rules import ACTIVE, CLOSED, OPEN, completion_rate, may_support, may_verify
from tracker.services.horizon import load_horizon

from .conftest import add_item, add_user, add_webinar

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "tracker" / "models" / "rules.py"
# A literal list of statuses in a membership test (`status.in_((Status.NEW, ...))`, `in (Status.DONE, ...)`)
# or a comparison of a due date: these are rules, and rules live in models/rules.py only.
STATUS_TUPLE = re.compile(r"(?:\bin_|\bnot_in|\bin)\s*\(\s*[\[({]?\s*Status\.\w+\s*,")
DUE_COMPARISON = re.compile(r"\bdue_date\s*[<>]")
TODAY = date(2026, 12, 2)  # a Wednesday


def _sources():
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        if path != RULES and "migrations" not in path.parts:
            yield path
    yield from sorted((ROOT / "templates").rglob("*.html"))


def test_rules_are_written_only_in_the_rules_module():
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STATUS_TUPLE.search(line) or DUE_COMPARISON.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "rules written outside tracker/models/rules.py:\n" + "\n".join(found)


@pytest.mark.parametrize("line", [
    "    .where(ActionItem.status.in_((Status.NEW, Status.BLOCKED)))",
    "if item.status in (Status.DONE, Status.VERIFIED):",
    "where.append(ActionItem.due_date < today)",
    "{% if item.due_date > today %}",
])
def test_the_guard_recognises_a_rule_written_out(line):
    assert STATUS_TUPLE.search(line) or DUE_COMPARISON.search(line)


def _matrix(app, db_ctx):
    """One item per (status, due date) combination that the rules tell apart."""
    dues = [None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=2), TODAY + timedelta(days=30)]
    with db_ctx():
        owner = add_user("pemilik", "Pemilik", Role.MEMBER)
        webinar = add_webinar(1, "Seri 1")
        for status in Status:
            for due in dues:
                add_item(webinar, owner, status=status, title=f"{status} {due}", due_date=due)
        db.session.commit()


def test_every_hybrid_answers_the_same_in_sql_and_in_python(app, db_ctx):
    _matrix(app, db_ctx)
    horizon = Horizon(today=TODAY, soon_until=TODAY + timedelta(days=5))
    rules = {
        "is_visible": (ActionItem.is_visible, lambda i: i.is_visible),
        "is_open": (ActionItem.is_open, lambda i: i.is_open),
        "is_active": (ActionItem.is_active, lambda i: i.is_active),
        "is_done": (ActionItem.is_done, lambda i: i.is_done),
        "is_verified": (ActionItem.is_verified, lambda i: i.is_verified),
        "counts": (ActionItem.counts_toward_completion, lambda i: i.counts_toward_completion),
        "overdue": (ActionItem.is_overdue(TODAY), lambda i: i.is_overdue(TODAY)),
        "soon": (ActionItem.is_due_soon(horizon), lambda i: i.is_due_soon(horizon)),
        "before": (ActionItem.due_before(TODAY), lambda i: i.due_before(TODAY)),
        "by": (ActionItem.due_by(TODAY), lambda i: i.due_by(TODAY)),
        "from": (ActionItem.due_on_or_after(TODAY), lambda i: i.due_on_or_after(TODAY)),
    }
    with db_ctx():
        items = list(db.session.scalars(select(ActionItem)))
        assert len(items) == len(Status) * 5
        for name, (expression, python) in rules.items():
            in_sql = set(db.session.scalars(select(ActionItem.id).where(expression)))
            in_python = {item.id for item in items if python(item)}
            assert in_sql == in_python, name
        overdue = {(i.status, i.due_date) for i in items if i.is_overdue(TODAY)}
        assert overdue == {(status, TODAY - timedelta(days=1)) for status in OPEN}
        soon = {(i.status, i.due_date) for i in items if i.is_due_soon(horizon)}
        assert soon == {(status, due) for status in OPEN for due in (TODAY, TODAY + timedelta(days=2))}


def test_status_groups_cover_every_status_once():
    assert set(ACTIVE) == set(OPEN) | {Status.DONE}
    assert set(ACTIVE) | set(CLOSED) == set(Status)
    assert not set(ACTIVE) & set(CLOSED)


def test_completion_rate():
    assert completion_rate(0, 0) is None
    assert completion_rate(1, 3) == 33
    assert completion_rate(2, 3) == 66  # floored: never 100 % while one is open
    assert completion_rate(199, 200) == 99


def test_who_may_own_support_and_verify(app, db_ctx):
    with db_ctx():
        people = {role: add_user(f"u_{role.value}", role.value, role) for role in Role}
        gone = add_user("pensiun", "Pensiun", Role.MEMBER)
        gone.active = False
        db.session.commit()
        owners = set(db.session.scalars(select(User.username).where(User.may_own)))
        assert owners == {"u_member", "u_head"}
        assert {u.username for u in [*people.values(), gone] if u.may_own} == owners
        assert may_support(people[Role.MEMBER], None) and not may_support(gone, None)
        assert [role for role, user in people.items() if may_verify(user)] == [Role.ADMIN, Role.HEAD]


def test_due_soon_is_the_working_day_setting(app, db_ctx):
    with db_ctx():
        # Default: 3 working days. Wednesday + 3 working days = Monday.
        assert load_horizon(TODAY).soon_until == date(2026, 12, 7)
        db.session.add(Setting(key="due_soon_working_days", value="1"))
        db.session.add(NonWorkingDay(day=date(2026, 12, 3), description="Cuti bersama"))
        db.session.commit()
        # One working day, and Thursday is off: Friday.
        assert load_horizon(TODAY).soon_until == date(2026, 12, 4)
