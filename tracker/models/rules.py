"""Every rule about which items count and who may hold them, each written once for SQL and Python.

`ActionItem.is_open` is `item.status in OPEN` on an object and `status IN (...)` in a query; the
same holds for every hybrid below, so a list, a count, an export, a report, a reminder, the calendar
and the API all mean the same rows. Rules that depend on the day take a `Horizon` (today in WITA and
the last day that is "due soon"), built once per request by `services.horizon.current_horizon()`.
A test fails when a literal status tuple or a `due_date <` comparison appears outside this module.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, func, literal_column
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property

from tracker.models.enums import Role, Status

# On someone's desk and not finished: new, in progress, blocked.
OPEN = (Status.NEW, Status.IN_PROGRESS, Status.BLOCKED)
# Still needing someone: open, or done and waiting for a head to verify it.
ACTIVE = (*OPEN, Status.DONE)
# Marked complete by the owner (done) or confirmed by a head (verified).
COMPLETED = (Status.DONE, Status.VERIFIED)
# Finished for good (verified) or not to be done (cancelled).
CLOSED = (Status.VERIFIED, Status.CANCELLED)
# SIPTL follow-up categories by the statuses they hold (names and explanations: services/dashboard.py).
CATEGORY_STATUSES = (
    ("sesuai", (Status.VERIFIED,)),
    ("dalam_proses", (Status.IN_PROGRESS, Status.BLOCKED, Status.DONE)),
    ("belum", (Status.NEW,)),
    ("tidak_dapat", (Status.CANCELLED,)),
)
# Where items without a due date sort: after every dated one (written as a literal, not a bound
# parameter, so that the query's expression is the indexed one on SQLite and PostgreSQL alike).
FAR_FUTURE = date(9999, 12, 31)
_FAR_FUTURE_SQL = literal_column(f"'{FAR_FUTURE.isoformat()}'", Date)
# Roles that lead the work: assign, verify, reopen, cancel.
LEAD_ROLES = (Role.HEAD, Role.ADMIN)
# Roles whose people may own (be penanggung jawab of) or support an item.
OWNER_ROLES = (Role.MEMBER, Role.HEAD)


@dataclass(frozen=True)
class Horizon:
    """Today in the configured zone and the last day that still counts as "due soon"."""

    today: date
    soon_until: date


class ItemRules:
    """Hybrid rules mixed into ActionItem: usable on an item and in a query alike."""

    @hybrid_property
    def is_visible(self) -> bool:
        """Whether the item appears anywhere at all: not deleted as entered by mistake."""
        return self.deleted_at is None

    @is_visible.inplace.expression
    @classmethod
    def _is_visible_expression(cls):
        return cls.deleted_at.is_(None)

    @hybrid_property
    def is_open(self) -> bool:
        """New, in progress or blocked."""
        return self.status in OPEN

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls):
        return cls.status.in_(OPEN)

    @hybrid_property
    def is_active(self) -> bool:
        """Open or waiting for verification: what my tasks and the calendar show."""
        return self.status in ACTIVE

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls):
        return cls.status.in_(ACTIVE)

    @hybrid_property
    def is_done(self) -> bool:
        """Done and waiting for a head's verification."""
        return self.status == Status.DONE

    @hybrid_property
    def is_verified(self) -> bool:
        """Verified by a head: complete for the completion rate."""
        return self.status == Status.VERIFIED

    @hybrid_property
    def counts_toward_completion(self) -> bool:
        """Part of the completion rate's denominator: every item that is not cancelled."""
        return self.status != Status.CANCELLED

    @hybrid_property
    def due_key(self) -> date:
        """The due date, or FAR_FUTURE without one: the list's due order (index ix_action_items_due_key)."""
        return self.due_date if self.due_date is not None else FAR_FUTURE

    @due_key.inplace.expression
    @classmethod
    def _due_key_expression(cls):
        return func.coalesce(cls.due_date, _FAR_FUTURE_SQL)

    @hybrid_method
    def is_overdue(self, today: date) -> bool:
        """Open with a due date before today."""
        return self.is_open and self.due_date is not None and self.due_date < today

    @is_overdue.expression
    @classmethod
    def _is_overdue_expression(cls, today: date):
        return and_(cls.status.in_(OPEN), cls.due_date < today)

    @classmethod
    def overdue_by_status(cls, today: date) -> list:
        """is_overdue split into one condition per open status: each reads its index range in due order."""
        return [and_(cls.status == status, cls.due_date < today) for status in OPEN]

    @hybrid_method
    def is_due_soon(self, horizon: Horizon) -> bool:
        """Open and due from today up to the horizon's last "soon" day."""
        return (self.is_open and self.due_date is not None
                and horizon.today <= self.due_date <= horizon.soon_until)

    @is_due_soon.expression
    @classmethod
    def _is_due_soon_expression(cls, horizon: Horizon):
        return and_(cls.status.in_(OPEN), cls.due_date >= horizon.today, cls.due_date <= horizon.soon_until)

    @hybrid_method
    def due_before(self, day: date) -> bool:
        """Has a due date before the given day (whatever its status)."""
        return self.due_date is not None and self.due_date < day

    @due_before.expression
    @classmethod
    def _due_before_expression(cls, day: date):
        return cls.due_date < day

    @hybrid_method
    def due_on_or_after(self, day: date) -> bool:
        """Has a due date on or after the given day (whatever its status)."""
        return self.due_date is not None and self.due_date >= day

    @due_on_or_after.expression
    @classmethod
    def _due_on_or_after_expression(cls, day: date):
        return cls.due_date >= day

    @hybrid_method
    def due_by(self, day: date) -> bool:
        """Has a due date on or before the given day (whatever its status)."""
        return self.due_date is not None and self.due_date <= day

    @due_by.expression
    @classmethod
    def _due_by_expression(cls, day: date):
        return cls.due_date <= day


class EvidenceRules:
    """Hybrid rules mixed into EvidenceFile: which files count as an item's evidence."""

    @hybrid_property
    def is_current(self) -> bool:
        """Attached and not withdrawn: it counts as evidence (for `selesai`, reports and the API)."""
        return self.withdrawn_at is None

    @is_current.inplace.expression
    @classmethod
    def _is_current_expression(cls):
        return cls.withdrawn_at.is_(None)


def evidence_is_final(item) -> bool:
    """A verified item's files are what the verification was based on: none is added or withdrawn."""
    return bool(item.is_verified)


class UserRules:
    """Hybrid rules about people, mixed into User."""

    @hybrid_property
    def may_own(self) -> bool:
        """An active member or head may be an item's owner (penanggung jawab) or a supporter."""
        return bool(self.active) and self.role in OWNER_ROLES

    @may_own.inplace.expression
    @classmethod
    def _may_own_expression(cls):
        return and_(cls.active.is_(True), cls.role.in_(OWNER_ROLES))


def is_lead_role(role: Role | None) -> bool:
    """Heads and administrators lead the work."""
    return role in LEAD_ROLES


def may_support(user, item) -> bool:
    """Whether this person may be listed as a supporter of the item (the same people who may own one)."""
    return user is not None and user.may_own


def takes_part(user, item) -> bool:
    """Whether the person owns the item or is one of its supporters."""
    return item.owner_id == user.id or any(member.id == user.id for member in item.supporters)


def may_verify(user, item=None) -> bool:
    """Whether this person may verify a done item (without an item: verify at all).

    Four eyes: a head or an administrator, and never on an item they own or support; with one head
    only, an administrator verifies the head's own items.
    """
    if user is None or not user.is_authenticated or not is_lead_role(user.role):
        return False
    return item is None or not takes_part(user, item)


def may_move_due_date(user) -> bool:
    """Whether this person may change an existing due date directly (others ask for an extension)."""
    return bool(user is not None and user.is_authenticated and is_lead_role(user.role))


def completion_rate(verified: int, countable: int) -> int | None:
    """Verified share of the items that count, as a whole percentage floored (None when none count).

    Floored so that 99.6 % never reads as 100 % while one item is still open.
    """
    return 100 * verified // countable if countable else None
