"""Import of a sheet the working group already keeps: upload, map the columns, preview, save all or nothing."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Webinar
from tracker.services.errors import ServiceError
from tracker.services.import_check import check_table
from tracker.services.import_columns import auto_mapping, clean_mapping, field_choices
from tracker.services.import_files import MAX_BYTES, read_table
from tracker.services.import_save import find_upload, may_import, save_plan, store_upload
from tracker.transactions import discard
from tracker.validation import positive_int

bp = Blueprint("imports", __name__, url_prefix="/import")
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the mapping's fields around the file


@bp.app_url_value_preprocessor
def allow_import_uploads(endpoint, values) -> None:
    """Raise the body limit to the import's own for this route (before CSRFProtect reads the form)."""
    if endpoint == "imports.index" and current_user.is_authenticated:
        request.max_content_length = MAX_BYTES + FORM_OVERHEAD


def _webinars() -> list[Webinar]:
    return list(db.session.scalars(select(Webinar).order_by(Webinar.series.desc())))


def _action_names() -> dict[str, str]:
    return {"create": _("New item"), "update": _("Update"), "same": _("No change"), "error": _("Problem")}


def _page(plan=None, upload=None, problem=None, status=200, default_webinar=None):
    """The import page: the upload form, and the checked sheet when there is one."""
    return render_template(
        "imports/index.html", plan=plan, upload=upload, problem=problem or (plan.problem if plan else None),
        webinars=_webinars(), default_webinar=default_webinar, fields=field_choices(), max_mb=MAX_BYTES // 2**20,
        action_names=_action_names(), confirmed=set(request.form.getlist("confirm")),
    ), status


def _default_webinar() -> Webinar | None:
    webinar_id = positive_int(request.form.get("webinar", ""))
    return db.session.get(Webinar, webinar_id) if webinar_id else None


def _check(upload, *, submitted_mapping: bool, table=None):
    """Read the stored file again and check it under the submitted (or the automatic) mapping."""
    table = table or read_table(upload.content)
    if submitted_mapping:
        mapping = clean_mapping([request.form.get(f"map-{index}") or None for index in range(len(table.headers))],
                                len(table.headers))
    else:
        mapping = auto_mapping(table.headers)
    return check_table(table, mapping, current_user, confirmed=set(request.form.getlist("confirm")),
                       default_webinar=_default_webinar())


@bp.route("", methods=["GET", "POST"])
def index():
    """Upload a sheet (action=upload), check it again under a changed mapping (check), or save it (save)."""
    if not may_import(current_user):
        abort(403)
    if request.method == "GET":
        return _page()
    action = request.form.get("action")
    if action == "upload":
        return _upload()
    upload = find_upload(current_user, request.form.get("token", ""))
    if upload is None:
        return _page(problem=_("This upload is no longer available: upload the file again."), status=422)
    try:
        plan = _check(upload, submitted_mapping=True)
    except ServiceError as error:
        return _page(problem=error.message, status=422)
    if action != "save":
        return _page(plan, upload, default_webinar=_default_webinar())
    try:
        result = save_plan(plan, current_user, upload.file_name)
    except ServiceError as error:
        discard()
        upload = find_upload(current_user, request.form.get("token", ""))
        return _page(_check(upload, submitted_mapping=True), upload, problem=error.message, status=422,
                     default_webinar=_default_webinar())
    db.session.delete(upload)
    flash(_("Import saved: %(created)d items created, %(updated)d items updated.",
            created=result.created, updated=result.updated), "success")
    return redirect(url_for("lists.items"))


def _upload():
    """Keep the uploaded file and show it checked under the automatic mapping."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return _page(problem=_("Choose a file to import."), status=422)
    content = file.read(MAX_BYTES + 1)
    try:
        table = read_table(content)  # refuse an unreadable file before keeping it
    except ServiceError as error:
        return _page(problem=error.message, status=422)
    upload = store_upload(current_user, file.filename, content)
    return _page(_check(upload, submitted_mapping=False, table=table), upload, default_webinar=_default_webinar())
