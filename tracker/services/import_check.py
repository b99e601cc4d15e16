"""Checking an imported sheet: what each row would create or change, and every problem, in the user's words.

Everything a row may name is loaded first (people, units, themes, webinars, the items with the sheet's
codes), so checking 10,000 rows costs a handful of queries. A row's values pass the same checks as a
form's (services.items.check_fields) and status changes the workflow's allowed moves.
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.display import PRIORITY_TEXT, STATUS_LABELS, STATUS_TEXT
from tracker.extensions import db
from tracker.i18n import force_language
from tracker.i18n import gettext as _
from tracker.models import ActionItem, Priority, Status, Theme, Unit, User, Webinar
from tracker.models.rules import may_support
from tracker.services.errors import InvalidInput
from tracker.services.import_columns import mapping_problem, normal
from tracker.services.import_files import Table
from tracker.services.import_values import NameIndex, read_code, read_date, read_progress, read_series, text_of
from tracker.services.items import check_fields, check_owner_not_supporter, raw
from tracker.services.workflow import allowed_moves

CODE_CHUNK = 500  # codes per IN (...) query


@dataclass
class Guess:
    """A name matched closely but not exactly: used only once the user confirms it."""

    key: str
    text: str
    label: str


@dataclass
class ImportRow:
    """One row of the sheet: the item it names or creates, its values, its changes and its problems."""

    row_no: int
    code: str | None = None
    number: int | None = None
    item: ActionItem | None = None
    webinar: Webinar | None = None
    values: dict = field(default_factory=dict)
    supporters: list | None = None
    owner_name: str | None = None
    status: Status | None = None
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    guesses: list[Guess] = field(default_factory=list)

    @property
    def action(self) -> str:
        """error, create, update or same (an existing item the row does not change)."""
        if self.errors:
            return "error"
        if self.item is None:
            return "create"
        return "update" if self.changes else "same"

    @property
    def title(self) -> str:
        """The title the row gives, else the existing item's."""
        return self.values.get("title") or (self.item.title if self.item else "")

    @property
    def due_date(self):
        """The due date the row gives, else the existing item's."""
        return self.values["due_date"] if "due_date" in self.values else getattr(self.item, "due_date", None)


@dataclass
class ImportPlan:
    """The checked sheet: its rows, the close name matches to confirm and what stops the save."""

    headers: list[str]
    mapping: list[str | None]
    rows: list[ImportRow]
    guesses: dict[str, Guess]
    problem: str | None

    def count(self, action: str) -> int:
        """How many rows have this action."""
        return sum(1 for row in self.rows if row.action == action)


@dataclass
class Lookups:
    """What the rows may name, loaded once."""

    people: NameIndex
    units: NameIndex
    themes: NameIndex
    webinars: dict[int, Webinar]
    items: dict[str, ActionItem]
    statuses: dict[str, Status]
    priorities: dict[str, Priority]


def _words(enum_cls, texts: dict) -> dict:
    """Every way a status or priority may be written: its stored value and its name in each language."""
    names = {}
    for member in enum_cls:
        names[normal(member.value)] = names[normal(member.name)] = member
    for locale in ("en", "id"):
        with force_language(locale):
            names.update({normal(_(text)): member for member, text in texts.items()})
    return names


def load_lookups(codes: set[str]) -> Lookups:
    """People, units, themes and webinars, and the items with these codes (with their supporters)."""
    items = {}
    codes = sorted(codes)
    for start in range(0, len(codes), CODE_CHUNK):
        chunk = codes[start:start + CODE_CHUNK]
        query = select(ActionItem).options(selectinload(ActionItem.supporters)).where(ActionItem.code.in_(chunk))
        items.update({item.code: item for item in db.session.scalars(query)})
    statuses = _words(Status, STATUS_TEXT)
    statuses[normal("done")] = Status.DONE
    return Lookups(
        people=NameIndex(db.session.scalars(select(User)), lambda user: (user.full_name, user.username)),
        units=NameIndex(db.session.scalars(select(Unit)), lambda unit: (unit.name, unit.short_name)),
        themes=NameIndex(db.session.scalars(select(Theme)), lambda theme: (theme.name, theme.name_en, theme.slug)),
        webinars={webinar.series: webinar for webinar in db.session.scalars(select(Webinar))},
        items=items, statuses=statuses, priorities=_words(Priority, PRIORITY_TEXT),
    )


@dataclass
class Context:
    """What every row's check shares: the lookups, the confirmed guesses, the codes seen so far."""

    lookups: Lookups
    actor: User
    confirmed: set[str]
    default_webinar: Webinar | None
    guesses: dict[str, Guess] = field(default_factory=dict)
    seen_codes: dict[str, int] = field(default_factory=dict)


def _find(ctx: Context, row: ImportRow, kind: str, index: NameIndex, text: str, unknown: str):
    """The row a name names: exact, or close and confirmed; otherwise the row gets a problem."""
    found, certain = index.find(text)
    if found is None:
        row.errors.append(unknown)
        return None
    if certain:
        return found
    label = getattr(found, "full_name", None) or getattr(found, "name", str(found))
    guess = Guess(key=f"{kind}:{normal(text)}", text=text, label=label)
    ctx.guesses.setdefault(guess.key, guess)
    row.guesses.append(guess)
    if guess.key in ctx.confirmed:
        return found
    row.errors.append(_("“%(text)s” is not exactly %(name)s: confirm the match above or correct the file.",
                        text=text, name=label))
    return None


def _person(ctx: Context, row: ImportRow, text: str, kind: str):
    person = _find(ctx, row, kind, ctx.lookups.people, text, _("Unknown person “%(name)s”.", name=text))
    # Someone who already holds the item stays (an export of it imports back even after they left).
    holders = {row.item.owner_id, *(member.id for member in row.item.supporters)} if row.item else set()
    if person is not None and person.id not in holders and not may_support(person, row.item):
        row.errors.append(_("%(name)s cannot own or support items: they must be an active member or head.",
                            name=person.full_name))
        return None
    return person


def _supporter_names(ctx: Context, value) -> list[str]:
    """The names of a cell; commas inside a name ("Andi, S.Kom.") are kept when the whole name is known."""
    text = text_of(value)
    parts = [part.strip() for part in text.replace(";", "\n").replace(",", "\n,").split("\n") if part.strip()]
    names, start = [], 0
    while start < len(parts):
        end = next((end for end in range(len(parts), start, -1)
                    if normal("".join(parts[start:end]).lstrip(",")) in ctx.lookups.people.exact), start + 1)
        names.append(" ".join("".join(parts[start:end]).lstrip(",").split()).replace(" ,", ","))
        start = end
    return [name for name in names if name]


def _identity(ctx: Context, row: ImportRow, cells: dict) -> None:
    """The code (and the item it names), and the webinar of a new item."""
    code_series = None
    if text_of(cells.get("code")):
        row.code, code_series, row.number = read_code(cells["code"])
        if len(row.code) > 20:
            row.errors.append(_("The code %(code)s is longer than 20 characters.", code=row.code))
        elif row.code in ctx.seen_codes:
            row.errors.append(_("The code %(code)s is already on row %(row)d.", code=row.code,
                                row=ctx.seen_codes[row.code]))
        ctx.seen_codes.setdefault(row.code, row.row_no)
        row.item = ctx.lookups.items.get(row.code)
        if row.item is not None and not row.item.is_visible:
            row.errors.append(_("Item %(code)s was deleted; an administrator can restore it first.", code=row.code))
    if text_of(cells.get("webinar")):
        try:
            series = read_series(cells["webinar"])
        except ValueError:
            row.errors.append(_("“%(text)s” is not a webinar series number.", text=text_of(cells["webinar"])))
            return
        row.webinar = ctx.lookups.webinars.get(series)
        if row.webinar is None:
            row.errors.append(_("There is no webinar series %(series)d: add it first.", series=series))
    elif row.item is None:
        row.webinar = ctx.lookups.webinars.get(code_series) if code_series else ctx.default_webinar
        if row.webinar is None:
            row.errors.append(_("Which webinar? Map a webinar column or choose one for rows without it."))
    if row.item is None and row.number and row.webinar and row.webinar.series != code_series:
        row.errors.append(_("The code %(code)s belongs to series %(series)d, not to the row's webinar.",
                            code=row.code, series=code_series))


def _references(ctx: Context, row: ImportRow, cells: dict) -> None:
    """Owner, supporters, unit and theme by name."""
    lookups, values = ctx.lookups, row.values
    if row.item is not None and row.item.owner is not None:  # the owner was loaded with the people
        row.owner_name = row.item.owner.full_name
    if "owner" in cells:
        text = text_of(cells["owner"])
        owner = _person(ctx, row, text, "person") if text else None
        row.owner_name = owner.full_name if owner else None
        if row.item is None or (owner.id if owner else None) != row.item.owner_id:
            values["owner_id"] = owner.id if owner else None
    if "supporters" in cells:
        found = [_person(ctx, row, name, "person") for name in _supporter_names(ctx, cells["supporters"])]
        row.supporters = list({person.id: person for person in found if person is not None}.values())
    for name, kind, index, unknown in (
        ("unit", "unit", lookups.units, _("Unknown unit (OPD) “%(name)s”.", name=text_of(cells.get("unit")))),
        ("theme", "theme", lookups.themes, _("Unknown theme “%(name)s”.", name=text_of(cells.get("theme")))),
    ):
        if name in cells:
            text = text_of(cells[name])
            found = _find(ctx, row, kind, index, text, unknown) if text else None
            values[f"{name}_id"] = found.id if found else None


def _plain(ctx: Context, row: ImportRow, cells: dict) -> None:
    """Title, texts, priority, due date, progress, evidence link and status."""
    for name in ("title", "description", "source", "evidence_url"):
        if name in cells:
            row.values[name] = text_of(cells[name]) or None
    for name, words, message in (
        ("priority", ctx.lookups.priorities, _("“%(text)s” is not a priority: tinggi, sedang or rendah.")),
        ("status", ctx.lookups.statuses, _("“%(text)s” is not a status.")),
    ):
        text = text_of(cells.get(name))
        if text:
            found = words.get(normal(text))
            if found is None:
                row.errors.append(message % {"text": text})
            elif name == "status":
                row.status = found
            else:
                row.values[name] = found
    for name, read, message in (("due_date", read_date, _("“%(text)s” is not a date.")),
                                ("progress", read_progress, _("“%(text)s” is not a percentage from 0 to 100."))):
        if name in cells:
            try:
                value = read(cells[name])
            except (ValueError, TypeError, OverflowError):
                row.errors.append(message % {"text": text_of(cells[name])})
                continue
            if value is not None or name == "due_date":
                row.values[name] = value


def _settle(ctx: Context, row: ImportRow) -> None:
    """The form rules on the values, then what would change on an existing item."""
    if row.item is None:
        row.values.setdefault("title", None)  # check_fields says a new item needs one
    if row.webinar is not None and row.item is not None:
        row.values["webinar_id"] = row.webinar.id
    try:
        row.values = check_fields({name: value for name, value in row.values.items()
                                   if not (row.item is not None and name == "title" and not value)})
        owner_id = row.values.get("owner_id", row.item.owner_id if row.item else None)
        check_owner_not_supporter(owner_id, row.supporters or [])
    except InvalidInput as error:
        row.errors.append(error.message)
    if row.item is None or row.errors:
        return
    item = row.item
    row.changes = [name for name, value in row.values.items() if raw(getattr(item, name)) != raw(value)]
    if row.supporters is not None and {m.id for m in row.supporters} != {m.id for m in item.supporters}:
        row.changes.append("supporters")
    if row.status is not None and row.status != item.status:
        if row.status not in allowed_moves(ctx.actor, item):
            row.errors.append(_("Item %(code)s cannot go from %(old)s to %(new)s.", code=item.code,
                                old=STATUS_LABELS[item.status], new=STATUS_LABELS[row.status]))
        row.changes.append("status")


def check_table(table: Table, mapping: list[str | None], actor: User, *, confirmed=(),
                default_webinar: Webinar | None = None) -> ImportPlan:
    """Check every row of the sheet under this column mapping; nothing is changed."""
    problem = mapping_problem(mapping)
    columns = [(index, name) for index, name in enumerate(mapping) if name]
    if problem:
        return ImportPlan(table.headers, mapping, [], {}, problem)
    code_column = mapping.index("code") if "code" in mapping else None
    codes = {read_code(cells[code_column])[0] for _no, cells in table.rows} if code_column is not None else set()
    ctx = Context(load_lookups(codes - {""}), actor, set(confirmed), default_webinar)
    rows = []
    for row_no, cells in table.rows:
        values = {name: cells[index] for index, name in columns}
        row = ImportRow(row_no=row_no)
        _identity(ctx, row, values)
        _references(ctx, row, values)
        _plain(ctx, row, values)
        _settle(ctx, row)
        rows.append(row)
    bad = sum(1 for row in rows if row.errors)
    if bad:
        problem = _("%(num)d of %(total)d rows need correcting; nothing is saved until every row is right.",
                    num=bad, total=len(rows))
    elif not any(row.action in ("create", "update") for row in rows):
        problem = _("There is nothing to save: every item is already as the file says.")
    return ImportPlan(table.headers, mapping, rows, ctx.guesses, problem)
