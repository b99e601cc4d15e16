"""Home page, health check and the language switch."""
from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from tracker.extensions import db
from tracker.permissions import can_view_dashboard
from tracker.security import public
from tracker.urls import back_or

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Heads, viewers and admins start on the dashboard; members on their tasks."""
    if can_view_dashboard(current_user):
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("lists.my"))


@bp.route("/healthz")
@public
def healthz():
    """200 when the app can talk to its database, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        current_app.logger.exception("health check failed")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the UI language for this session (and remember it for a signed-in user)."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
        if current_user.is_authenticated:
            current_user.language = language
    return redirect(back_or(url_for("main.index")))
