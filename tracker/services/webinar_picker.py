"""The webinar field of the filter and scope forms: the latest webinars, not all of them.

A programme can hold a thousand webinars; a drop-down of a thousand options is slow to send and
impossible to use on a phone. Forms list the PICKER_LIMIT newest series plus the one already
chosen; older webinars are reached from the webinar list, whose rows link to their items.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Webinar

PICKER_LIMIT = 30


@dataclass(frozen=True)
class WebinarPicker:
    """Options as (id, "Series 28: title"), newest series first, how many webinars exist, and the
    chosen webinar's series and title (None when none is chosen or it does not exist)."""

    options: list[tuple[int, str]]
    total: int
    chosen: Mapping | None = None

    @property
    def partial(self) -> bool:
        """Whether some webinars are left out of the options."""
        return self.total > len(self.options)


def option_label(series: int, title: str) -> str:
    """A webinar's option text, e.g. "Series 28: title", in the current language."""
    return _("Series %(series)d: %(title)s", series=series, title=title)


def picker_condition(selected):
    """Webinars the picker lists: among the newest PICKER_LIMIT series, or the selected one
    (an id, 0 for none, or a bound parameter)."""
    newest = select(Webinar.id).order_by(Webinar.series.desc()).limit(PICKER_LIMIT)
    return or_(Webinar.id.in_(newest.scalar_subquery()), Webinar.id == selected)


def webinar_count():
    """A scalar subquery that counts every webinar."""
    return select(func.count(Webinar.id)).scalar_subquery()


def picker(selected: int | None) -> WebinarPicker:
    """The picker in one query (forms that have no other use for the webinar list)."""
    rows = db.session.execute(
        select(Webinar.id, Webinar.series, Webinar.title, webinar_count().label("total"))
        .where(picker_condition(selected or 0)).order_by(Webinar.series.desc())
    ).mappings().all()
    return _picker(rows, selected, rows[0]["total"] if rows else 0)


def picker_from_rows(rows: Iterable[Mapping], selected: int | None, total: int | None = None) -> WebinarPicker:
    """The picker from webinar rows already loaded (id, series, title; newest series first).

    `total` is how many webinars exist when the rows are only those the picker lists.
    """
    rows = list(rows)
    return _picker([row for index, row in enumerate(rows) if index < PICKER_LIMIT or row["id"] == selected],
                   selected, len(rows) if total is None else total)


def _picker(rows: list[Mapping], selected: int | None, total: int) -> WebinarPicker:
    return WebinarPicker(
        options=[(row["id"], option_label(row["series"], row["title"])) for row in rows],
        total=total,
        chosen=next((row for row in rows if row["id"] == selected), None) if selected else None,
    )
