"""Finding items: the filtered list, its CSV and Excel exports, and "My tasks"."""
from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from sqlalchemy import Integer, Select, String, bindparam, case, cast, literal_column, null, select, union_all

from tracker.extensions import db
from tracker.i18n import language
from tracker.models import Priority, Status, Theme, Unit, User, Webinar
from tracker.models.rules import OWNER_ROLES
from tracker.permissions import has_tasks
from tracker.services import exports, search_query
from tracker.services.horizon import current_horizon
from tracker.services.item_filter import PER_PAGE_CHOICES, ItemFilter
from tracker.services.item_pages import paginate_search
from tracker.services.my_tasks import my_task_groups
from tracker.services.search_text import highlight
from tracker.services.webinar_picker import WebinarPicker, option_label, picker_condition, webinar_count
from tracker.services.workflow import allowed_moves

bp = Blueprint("lists", __name__)


def _constant(number: int):
    """A literal number in SQL (not a bound parameter, whose type PostgreSQL cannot infer in a UNION)."""
    return literal_column(str(number), Integer)


def _choices_statement() -> Select:
    """The option lists of the filter form in one UNION ALL; the chosen webinar is a bound parameter."""
    no_text = cast(null(), String).label("extra")
    lists = union_all(
        select(_constant(0).label("kind"), Webinar.id, (-Webinar.series).label("num"),
               Webinar.title.label("text"), no_text).where(picker_condition(bindparam("webinar"))),
        select(_constant(1), User.id, case((User.active, 0), else_=1), User.full_name, no_text)
        .where(User.role.in_(OWNER_ROLES)),  # past owners too: a filter finds their items
        select(_constant(2), Theme.id, Theme.sort_order, Theme.name, Theme.name_en),
        select(_constant(3), Unit.id, _constant(0), Unit.name, no_text),
        select(_constant(4), webinar_count(), _constant(0), cast(null(), String), no_text),
    ).subquery()
    return select(lists).order_by(lists.c.kind, lists.c.num, lists.c.text, lists.c.id)


_CHOICES = _choices_statement()  # built once: building it cost more than running it


def _filter_choices(item_filter: ItemFilter) -> dict:
    """Options of the filter form: one query for the four lists, whatever the number of items or webinars."""
    language_code = language().name
    rows = db.session.execute(_CHOICES, {"webinar": item_filter.webinar or 0}).all()
    options: list[list] = [[], [], [], [], []]
    for row in rows:
        if row.kind == 0:
            label = option_label(-row.num, row.text)
        elif row.kind == 2:
            label = row.extra if language_code == "en" and row.extra else row.text  # as Theme.label()
        else:
            label = row.text
        options[row.kind].append((row.id, label))
    webinars, owners, themes, units, ((webinar_total, _label),) = options
    return {
        "webinars": WebinarPicker(webinars, webinar_total),
        "owners": owners,
        "themes": themes,
        "units": units,
        "statuses": list(Status),
        "priorities": list(Priority),
        "per_page_choices": PER_PAGE_CHOICES,
    }


@bp.route("/items")
def items():
    """The item list: filters, search, sort and pages."""
    item_filter, notices = ItemFilter.from_args(request.args)
    pagination, searched, correction = paginate_search(item_filter)
    current_horizon()  # due badges read it: loaded now, not while the page renders
    return render_template(
        "lists/items.html",
        pagination=pagination,
        item_filter=item_filter,
        notices=notices,
        correction=correction,
        search_terms=searched.terms if searched.q else [],
        snippets=search_query.snippets(pagination.items, searched.terms) if searched.q else {},
        highlight=highlight,
        export_args=item_filter.query_args(),
        choices=_filter_choices(item_filter),
    )


def _download(body: bytes, mimetype: str, extension: str) -> Response:
    """An export as an attachment; text types get `charset=utf-8` once, from Werkzeug."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{exports.filename(extension)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _export_filter() -> ItemFilter:
    """The list's filter from the query string, its search corrected as the list page corrects it."""
    item_filter, _notices = ItemFilter.from_args(request.args)
    return search_query.corrected(item_filter)[0] if item_filter.terms else item_filter


@bp.route("/items/export.csv")
def export_csv():
    """The filtered list as CSV (UTF-8 with BOM, formula-guarded); `sep=semicolon|comma` picks the separator."""
    delimiter = exports.csv_delimiter(request.args.get("sep"))
    return _download(exports.write_csv(_export_filter(), delimiter), "text/csv", "csv")


@bp.route("/items/export.xlsx")
def export_xlsx():
    """The filtered list as an Excel workbook."""
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(exports.write_xlsx(_export_filter()), mimetype, "xlsx")


@bp.route("/my")
def my():
    """My tasks: what I own or support, grouped by urgency."""
    if not has_tasks(current_user):
        return render_template("lists/my.html", groups=None)
    groups = my_task_groups(current_user)
    moves = {item.id: allowed_moves(current_user, item) for group in groups.items.values() for item in group}
    return render_template("lists/my.html", groups=groups, moves=moves)
