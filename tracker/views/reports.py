"""Reports for leadership: print view, PDF and XLSX of a scope, and frozen snapshots (pemutakhiran data)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.extensions import db
from tracker.models import ReportSnapshot
from tracker.permissions import can_view_dashboard, is_lead, require
from tracker.services import dashboard
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
    return db.session.get(ReportSnapshot, snapshot_id) or abort(404)


def _download(body: bytes, mimetype: str, filename: str, inline: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _live_report() -> dict:
    return service.present(service.build_report(Scope.from_args(request.args)))


@bp.route("")
def index():
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
    report = _live_report()
    return render_template("reports/view.html", report=report, snapshot=None)


@bp.route("/report.pdf")
def pdf():
    report = _live_report()
    body = service.render_pdf(render_template("reports/pdf.html", report=report))
    return _download(body, "application/pdf", f"laporan-tindak-lanjut-{local_today().isoformat()}.pdf", inline=True)


@bp.route("/rekap.xlsx")
def xlsx():
    body = service.write_xlsx(_live_report())
    return _download(body, XLSX, f"rekap-tindak-lanjut-{local_today().isoformat()}.xlsx")


@bp.route("/snapshots", methods=["POST"])
def create_snapshot():
    if not is_lead(current_user):
        abort(403)
    snapshot = service.create_snapshot(Scope.from_args(request.form), current_user)
    db.session.commit()
    flash(_("Data update %(number)s saved. It will keep showing these figures.", number=snapshot.number), "success")
    return redirect(url_for("reports.snapshot", snapshot_id=snapshot.id))


@bp.route("/snapshots/<int:snapshot_id>")
def snapshot(snapshot_id: int):
    snapshot = _get_snapshot(snapshot_id)
    return render_template("reports/view.html", report=service.present(snapshot.data), snapshot=snapshot)


@bp.route("/snapshots/<int:snapshot_id>.pdf")
def snapshot_pdf(snapshot_id: int):
    snapshot = _get_snapshot(snapshot_id)
    body = service.render_pdf(render_template("reports/pdf.html", report=service.present(snapshot.data)))
    return _download(body, "application/pdf", f"pemutakhiran-data-{snapshot.id}.pdf", inline=True)
