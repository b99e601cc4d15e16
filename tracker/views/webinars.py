"""Webinar pages: the list with progress figures, detail with carry-over, create/edit, bulk entry."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.extensions import db
from tracker.forms import BulkEntryForm, WebinarForm
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.models import Webinar
from tracker.permissions import can_bulk_enter, can_manage_webinars
from tracker.services import bulk as bulk_service
from tracker.services.dashboard import share_text
from tracker.services.errors import ServiceError
from tracker.services.horizon import current_horizon
from tracker.services.webinars import (
    WEBINAR_FIELDS,
    carry_over_items,
    create_webinar,
    summary_of,
    update_webinar,
    webinar_items,
    webinar_summaries,
)
from tracker.services.working_days import due_in_working_days
from tracker.urls import absolute_url

bp = Blueprint("webinars", __name__, url_prefix="/webinars")


def _get_webinar(webinar_id: int, predicate=None) -> Webinar:
    """Load the webinar or 404, then 403 unless the current user passes the predicate."""
    webinar = db.session.get(Webinar, webinar_id) or abort(404)
    if predicate is not None and not predicate(current_user):
        abort(403)
    return webinar


@bp.route("")
def index():
    """Every webinar, newest series first, with its item count, completion and overdue figures."""
    return render_template("webinars/index.html", summaries=webinar_summaries())


@bp.route("/<int:webinar_id>")
def detail(webinar_id: int):
    """A webinar, its items with their progress, and the open items carried over from earlier ones."""
    webinar = _get_webinar(webinar_id)
    items = webinar_items(webinar)
    summary = summary_of(webinar, items)
    label = _("Webinar Series %(series)d", series=webinar.series)
    current_horizon()  # due badges read it: loaded now, not while the page renders
    return render_template(
        "webinars/detail.html",
        webinar=webinar,
        items=items,
        carry_over=carry_over_items(webinar),
        whatsapp_text=share_text(label, summary.completion, summary.overdue,
                                 absolute_url("webinars.detail", webinar_id=webinar.id)),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Create a webinar (heads and admins)."""
    if not can_manage_webinars(current_user):
        abort(403)
    return _webinar_form(None)


@bp.route("/<int:webinar_id>/edit", methods=["GET", "POST"])
def edit(webinar_id: int):
    """Edit a webinar (heads and admins)."""
    return _webinar_form(_get_webinar(webinar_id, can_manage_webinars))


def _webinar_form(webinar: Webinar | None):
    """The create/edit form: save through the service, or show why it was refused."""
    form = WebinarForm(obj=webinar)
    if form.validate_on_submit():
        values = {name: form[name].data for name in WEBINAR_FIELDS}
        try:
            if webinar is None:
                webinar = create_webinar(current_user, **values)
                message = _("Webinar series %(series)d created.", series=webinar.series)
            else:
                update_webinar(webinar, current_user, **values)
                message = _("Webinar series %(series)d saved.", series=webinar.series)
        except ServiceError as error:
            form.add_refusal(error)
        else:
            flash(message, "success")
            return redirect(url_for("webinars.detail", webinar_id=webinar.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("webinars/form.html", form=form, webinar=webinar), status


@bp.route("/<int:webinar_id>/bulk", methods=["GET", "POST"])
def bulk(webinar_id: int):
    """Paste many items at once: `action=preview` shows what would be created, `action=save` saves all or none."""
    webinar = _get_webinar(webinar_id, can_bulk_enter)
    form = BulkEntryForm()
    rows, problem, status = None, None, 200
    if form.validate_on_submit():
        rows = bulk_service.parse(form.lines.data)
        problem = bulk_service.batch_error(rows)
        if request.form.get("action") == "save":
            try:
                created = bulk_service.save_rows(webinar, current_user, rows)
            except ServiceError as error:
                problem = error.message
            else:
                flash(ngettext("%(num)d item created.", "%(num)d items created.", len(created)), "success")
                return redirect(url_for("webinars.detail", webinar_id=webinar.id))
        if problem:
            status = 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "webinars/bulk.html", webinar=webinar, form=form, rows=rows, problem=problem,
        themes=bulk_service.active_themes(), units=bulk_service.active_units(),
        working_days=due_in_working_days(),
    ), status
