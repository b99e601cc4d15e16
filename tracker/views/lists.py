"""Finding items: the filtered list, its CSV and Excel exports, and "My tasks"."""
from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Priority, Role, Status, Theme, Unit, User, Webinar
from tracker.permissions import has_tasks
from tracker.services import exports
from tracker.services.item_query import (
    PER_PAGE_CHOICES,
    ItemFilter,
    my_task_groups,
    paginate,
)
from tracker.services.workflow import allowed_moves

bp = Blueprint("lists", __name__)


def _filter_choices() -> dict:
    """Options of the filter form: one query per list, whatever the number of items."""
    language = str(get_locale() or "id")
    webinars = db.session.execute(
        select(Webinar.id, Webinar.series, Webinar.title).order_by(Webinar.series.desc())
    ).all()
    owners = db.session.execute(
        select(User.id, User.full_name)
        .where(User.role.in_([Role.MEMBER, Role.HEAD]))
        .order_by(User.active.desc(), User.full_name)
    ).all()
    themes = db.session.scalars(select(Theme).order_by(Theme.sort_order, Theme.name)).all()
    units = db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name)).all()
    return {
        "webinars": [(w.id, _("Series %(series)d: %(title)s", series=w.series, title=w.title)) for w in webinars],
        "owners": [(o.id, o.full_name) for o in owners],
        "themes": [(t.id, t.label(language)) for t in themes],
        "units": [(u.id, u.name) for u in units],
        "statuses": list(Status),
        "priorities": list(Priority),
        "per_page_choices": PER_PAGE_CHOICES,
    }


@bp.route("/items")
def items():
    item_filter, notices = ItemFilter.from_args(request.args)
    pagination = paginate(item_filter)
    return render_template(
        "lists/items.html",
        pagination=pagination,
        item_filter=item_filter,
        notices=notices,
        export_args=item_filter.query_args(),
        choices=_filter_choices(),
    )


def _download(body: bytes, mimetype: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{exports.filename(extension)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/items/export.csv")
def export_csv():
    item_filter, _notices = ItemFilter.from_args(request.args)
    return _download(exports.write_csv(item_filter), "text/csv; charset=utf-8", "csv")


@bp.route("/items/export.xlsx")
def export_xlsx():
    item_filter, _notices = ItemFilter.from_args(request.args)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(exports.write_xlsx(item_filter), mimetype, "xlsx")


@bp.route("/my")
def my():
    if not has_tasks(current_user):
        return render_template("lists/my.html", groups=None)
    groups = my_task_groups(current_user)
    moves = {item.id: allowed_moves(current_user, item) for group in groups.items.values() for item in group}
    return render_template("lists/my.html", groups=groups, moves=moves)
