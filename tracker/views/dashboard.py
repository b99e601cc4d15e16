"""The dashboard for heads and viewers: where do we stand, for a webinar (or all) and a period."""
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from tracker.display import status_label
from tracker.i18n import gettext as _
from tracker.i18n import show_date, show_decimal
from tracker.models import Status
from tracker.permissions import can_view_dashboard
from tracker.services import dashboard as service
from tracker.services import projection
from tracker.services.dashboard import Scope
from tracker.services.dashboard_units import DEFAULT_SORT as DEFAULT_UNIT_SORT
from tracker.services.dashboard_units import UNIT_SORTS
from tracker.services.webinar_picker import picker_from_rows
from tracker.urls import absolute_url

bp = Blueprint("dashboard", __name__)

STATUS_COLOURS = {
    Status.NEW: "#6c757d", Status.IN_PROGRESS: "#0d6efd", Status.BLOCKED: "#e0a800",
    Status.DONE: "#0aa2c0", Status.VERIFIED: "#198754", Status.CANCELLED: "#343a40",
}


@bp.app_template_global()
def whatsapp_share_url(text: str) -> str:
    """Templates build the "Share on WhatsApp" link with this (see dashboard/_whatsapp.html)."""
    return service.whatsapp_share_url(text)


@bp.app_template_filter("finish")
def finish_filter(result: dict) -> str:
    """A projection's finish: "Maret 2027", or why there is none (see services/projection.py)."""
    return projection.finish_label(result)


@bp.app_template_filter("one_decimal")
def one_decimal_filter(value: float) -> str:
    """3,5 in Indonesian, 3.5 in English."""
    return show_decimal(value)


@bp.app_template_filter("percent")
def percent_filter(value) -> str:
    """33,3% in Indonesian, 33.3% in English; nothing known shows as a dash."""
    if value is None:
        return "–"
    return show_decimal(value) + "%"


@bp.route("/dashboard")
def index():
    """The dashboard of a scope (webinar, period); members are sent to their tasks."""
    if not can_view_dashboard(current_user):
        return redirect(url_for("lists.my"))
    language = str(get_locale() or "id")
    data = service.dashboard(Scope.from_args(request.args), language, everyone=request.args.get("owners") == "all",
                             unit_sort=request.args.get("units"))
    scope, figures = data["scope"], data["figures"]
    label = service.scope_label(scope, data["webinar"])
    whatsapp_text = service.share_text(
        label, figures["completion"], figures["overdue"], absolute_url("dashboard.index", **scope.query_args())
    )
    return render_template(
        "dashboard/index.html",
        **data,
        webinar_picker=picker_from_rows(data["webinars"], scope.webinar, data["webinar_count"]),
        scope_text=label,
        period_text=service.period_label(scope),
        whatsapp_text=whatsapp_text,
        categories=service.CATEGORIES,
        chart_data=_chart_data(data),
        unit_sort=request.args.get("units") if request.args.get("units") in UNIT_SORTS else DEFAULT_UNIT_SORT,
    )


def _chart_data(data: dict) -> dict:
    """What dashboard.js draws, with labels already in the user's language."""
    figures = data["figures"]
    return {
        "status": {
            "labels": [status_label(status) for status in Status],
            "values": [figures["by_status"][status.value] for status in Status],
            "colors": [STATUS_COLOURS[status] for status in Status],
            "label": _("Items"),
        },
        "webinars": {
            "labels": [_("Series %(series)d", series=row["series"]) for row in data["per_webinar"]],
            "values": [row["completion"] or 0 for row in data["per_webinar"]],
            "label": _("Completion (%)"),
            "max": 100,
        },
        "units": {
            "labels": [row["name"] for row in data["per_unit"]],
            "values": [row["completion"] or 0 for row in data["per_unit"]],
            "label": _("Completion (%)"),
            "max": 100,
        },
        "themes": {
            "labels": [row["label"] for row in data["per_theme"]],
            "values": [row["items"] for row in data["per_theme"]],
            "label": _("Items"),
        },
        "owners": {
            "labels": [row["name"] for row in data["per_owner"]],
            "series": [
                {"label": _("Open, on time"), "values": [row["open"] - row["overdue"] for row in data["per_owner"]],
                 "color": "#0d6efd"},
                {"label": _("Open, overdue"), "values": [row["overdue"] for row in data["per_owner"]],
                 "color": "#b02a37"},
            ],
        },
        "trend": {
            "labels": [show_date(date.fromisoformat(row["week"])) for row in figures["trend"]],
            "series": [
                {"label": _("Opened"), "values": [row["opened"] for row in figures["trend"]], "color": "#0d6efd"},
                {"label": _("Completed"), "values": [row["completed"] for row in figures["trend"]],
                 "color": "#198754"},
            ],
        },
    }

