"""Evidence files (bukti dukung): attach on the item page, download, thumbnails, withdraw.

A stored file is never shown as a page of ours: downloads are attachments with nosniff and a
sandbox CSP, so even a file that a browser would run could not script this origin.
"""
import io

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.errors import render_error
from tracker.forms import EvidenceForm
from tracker.i18n import gettext as _
from tracker.models import EvidenceFile
from tracker.permissions import can_attach_evidence, can_download_evidence, require_item
from tracker.services import evidence as files
from tracker.services.errors import ServiceError
from tracker.transactions import discard
from tracker.views.items import get_item, render_detail

bp = Blueprint("evidence", __name__)

# The routes that receive a file: the item page's form and the API.
UPLOAD_ENDPOINTS = frozenset({"evidence.upload", "api.item_evidence"})
FORM_OVERHEAD = 64 * 1024  # the multipart boundaries, the note and the CSRF token around the file
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


@bp.app_url_value_preprocessor
def allow_evidence_uploads(endpoint, values) -> None:
    """Raise the body limit (MAX_CONTENT_LENGTH, 2 MB) to EVIDENCE_MAX_MB for the upload routes only.

    A URL value preprocessor runs before every before_request hook, in particular before CSRFProtect's,
    which reads (and so limits) the form. The file itself is measured exactly by the service. Someone
    not signed in keeps the app's limit: nobody makes us read 10 MB before the sign-in wall.
    """
    if endpoint in UPLOAD_ENDPOINTS and current_user.is_authenticated:
        request.max_content_length = files.max_bytes() + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A body far beyond the limit: the error page names the limit (to those it applies to)."""
    if not current_user.is_authenticated:
        return render_error(413)
    return render_error(413, _("The file is too large: at most %(max)d MB.", max=current_app.config["EVIDENCE_MAX_MB"]))


def _show_refusal(item_id: int, error: ServiceError, form: EvidenceForm | None = None):
    """Nothing stored: the item page as it is, with the reason next to the form."""
    discard()
    item = get_item(item_id)
    if form is not None:
        form.add_refusal(error)
    return render_detail(item, evidence_form=form, error=error.message, code=error.status_code)


@bp.route("/items/<int:item_id>/evidence", methods=["POST"])
def upload(item_id: int):
    """Attach an evidence file to the item (multipart: `file`, optional `note`)."""
    item = get_item(item_id)
    require_item(can_attach_evidence, item)
    form = EvidenceForm()
    try:
        stored = files.attach(item, current_user, request.files.get("file"), request.form.get("note"))
    except ServiceError as error:
        return _show_refusal(item_id, error, form)
    flash(_("File %(name)s attached.", name=stored.file_name), "success")
    return redirect(url_for("items.detail", item_id=item_id) + "#bukti")


def _readable_file(evidence_id: int) -> EvidenceFile:
    """The file's record if the current user may read it: 404 when there is none, 403 when not allowed."""
    evidence = files.get_file(evidence_id) or abort(404)
    if not can_download_evidence(current_user, evidence):
        abort(403)
    return evidence


def _sandboxed(response):
    """Headers that keep a stored file from being run or sniffed as a page of this origin."""
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.route("/evidence/<int:evidence_id>")
def download(evidence_id: int):
    """Download a file, always as an attachment under its sanitised name (RFC 6266 filename*)."""
    stored = files.download(_readable_file(evidence_id))
    return _sandboxed(send_file(io.BytesIO(stored.content), mimetype=stored.media_type, as_attachment=True,
                                download_name=stored.file_name, conditional=False, etag=False))


@bp.route("/evidence/<int:evidence_id>/thumbnail")
def thumbnail(evidence_id: int):
    """The small JPEG preview of a picture, shown inline on the item page."""
    evidence = _readable_file(evidence_id)
    preview = files.thumbnail(evidence) if evidence.has_preview else None
    if preview is None:
        abort(404)
    return _sandboxed(send_file(io.BytesIO(preview), mimetype="image/jpeg", conditional=False, etag=False))


@bp.route("/evidence/<int:evidence_id>/withdraw", methods=["POST"])
def withdraw(evidence_id: int):
    """Withdraw a file before the item is verified (it stays stored; heads can still download it)."""
    evidence = files.get_file(evidence_id) or abort(404)
    item_id = evidence.item_id
    try:
        files.withdraw(evidence, current_user, request.form.get("note"))
    except ServiceError as error:  # a StaleVersion too (409): someone saved the item meanwhile
        if error.status_code == 403:
            abort(403)
        return _show_refusal(item_id, error)
    flash(_("File %(name)s withdrawn.", name=evidence.file_name), "success")
    return redirect(url_for("items.detail", item_id=item_id) + "#bukti")
