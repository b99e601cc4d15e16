"""Reports for leadership: print view, PDF and XLSX of a scope, and frozen snapshots (pemutakhiran data)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ReportSnapshot
from tracker.permissions import can_view_dashboard, is_lead, require
from tracker.services import dashboard, verification
from tracker.services import reports as service
from tracker.services.dashboard import Scope
from tracker.services.horizon import current_horizon
from tracker.services.webinar_picker import picker
from tracker.timeutil import local_today

bp = Blueprint("reports", __name__, url_prefix="/reports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@require(can_view_dashboard)
def _readers_only():
    """Heads, administrators and viewers read reports; members get 403."""


def _get_snapshot(snapshot_id: int) -> ReportSnapshot:
    """The saved data update, or 404."""
    return db.session.get(ReportSnapshot, snapshot_id) or abort(404)


def _download(body: bytes, mimetype: str, filename: str, inline: bool = False) -> Response:
    """A file answer, shown in the browser or downloaded."""
    response = Response(body, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _live_report() -> dict:
    """The report of the scope in the query string, computed now."""
    return service.present(service.build_report(Scope.from_args(request.args)))


@bp.route("")
def index():
    """The reports page: the scope's figures, and the saved data updates."""
    scope = Scope.from_args(request.args)
    webinar_picker = picker(scope.webinar)
    scope = scope.known({webinar_id for webinar_id, _label in webinar_picker.options})
    figures = dashboard.figures(scope, current_horizon())
    return render_template(
        "reports/index.html",
        scope=scope,
        webinar_picker=webinar_picker,
        scope_action=url_for("reports.index"),
        scope_text=dashboard.scope_label(scope, webinar_picker.chosen),
        figures=figures,
        categories=dashboard.CATEGORIES,
        snapshots=service.list_snapshots(),
    )


@bp.route("/view")
def view():
    """The printable report of the chosen scope, as it is now."""
    report = _live_report()
    return render_template("reports/view.html", report=report, snapshot=None)


@bp.route("/report.pdf")
def pdf():
    """The report of the chosen scope as a PDF."""
    report = _live_report()
    body = service.render_pdf(render_template("reports/pdf.html", report=report))
    return _download(body, "application/pdf", f"laporan-tindak-lanjut-{local_today().isoformat()}.pdf", inline=True)


@bp.route("/rekap.xlsx")
def xlsx():
    """The recap of the chosen scope as an Excel workbook."""
    body = service.write_xlsx(_live_report())
    return _download(body, XLSX, f"rekap-tindak-lanjut-{local_today().isoformat()}.xlsx")


@bp.route("/snapshots", methods=["POST"])
def create_snapshot():
    """Freeze the scope's figures as a numbered data update (heads and admins)."""
    if not is_lead(current_user):
        abort(403)
    snapshot = service.create_snapshot(Scope.from_args(request.form), current_user)
    flash(_("Data update %(number)s saved. It will keep showing these figures.", number=snapshot.number), "success")
    return redirect(url_for("reports.snapshot", snapshot_id=snapshot.id))


@bp.route("/snapshots/<int:snapshot_id>")
def snapshot(snapshot_id: int):
    """A saved data update, showing the figures it froze, its fingerprint and verification QR code."""
    snapshot = _get_snapshot(snapshot_id)
    return render_template("reports/view.html", report=service.present(snapshot.data), snapshot=snapshot,
                           seal=verification.seal(snapshot))


@bp.route("/snapshots/<int:snapshot_id>.pdf")
def snapshot_pdf(snapshot_id: int):
    """A saved data update as a PDF, with its fingerprint and verification QR code."""
    snapshot = _get_snapshot(snapshot_id)
    html = render_template("reports/pdf.html", report=service.present(snapshot.data), seal=verification.seal(snapshot))
    body = service.render_pdf(html)
    return _download(body, "application/pdf", f"pemutakhiran-data-{snapshot.id}.pdf", inline=True)
