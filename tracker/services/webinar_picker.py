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
    """Options as (id, "Series 28: title"), newest series first, and how many webinars exist."""

    options: list[tuple[int, str]]
    total: int

    @property
    def partial(self) -> bool:
        return self.total > len(self.options)


def option_label(series: int, title: str) -> str:
    return _("Series %(series)d: %(title)s", series=series, title=title)


def picker_condition(selected: int | None):
    """Webinars the picker lists: among the newest PICKER_LIMIT series, or the selected one."""
    newest = select(Webinar.id).order_by(Webinar.series.desc()).limit(PICKER_LIMIT)
    return or_(Webinar.id.in_(newest.scalar_subquery()), Webinar.id == (selected or 0))


def webinar_count():
    return select(func.count(Webinar.id)).scalar_subquery()


def picker(selected: int | None) -> WebinarPicker:
    """The picker in one query (forms that have no other use for the webinar list)."""
    rows = db.session.execute(
        select(Webinar.id, Webinar.series, Webinar.title, webinar_count())
        .where(picker_condition(selected)).order_by(Webinar.series.desc())
    ).all()
    return WebinarPicker([(row.id, option_label(row.series, row.title)) for row in rows],
                         rows[0][3] if rows else 0)


def picker_from_rows(rows: Iterable[Mapping], selected: int | None) -> WebinarPicker:
    """The picker from webinar rows already loaded (id, series, title; newest series first)."""
    rows = list(rows)
    chosen = [row for index, row in enumerate(rows) if index < PICKER_LIMIT or row["id"] == selected]
    return WebinarPicker([(row["id"], option_label(row["series"], row["title"])) for row in chosen], len(rows))
