"""The installable app: web app manifest, service worker, offline page and what the offline queue needs.

The service worker (tracker/static/js/sw.js) keeps the last seen copy of *My tasks* and of the items
on it, per user, and the static files of this deploy; the page's offline.js queues changes made
without a connection (IndexedDB) and sends them through the JSON API with an Idempotency-Key.
"""
import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from tracker.display import status_label
from tracker.headers import asset
from tracker.i18n import gettext as _
from tracker.i18n import language, show_datetime
from tracker.models import Status, utcnow
from tracker.security import public

bp = Blueprint("pwa", __name__)

THEME_COLOR = "#0a58ca"  # the navigation bar's blue (static/css/app.css)
# Pages the service worker may keep for reading offline: their answers name the signed-in user.
OFFLINE_ENDPOINTS = frozenset({"lists.my", "items.detail"})
USER_HEADER = "Tindak-Lanjut-User"
VERSION_HEADER = "Tindak-Lanjut-Version"  # the version of the item a kept item page shows
# Static files every page needs, cached when the service worker installs.
PRECACHE = (
    "vendor/bootstrap/bootstrap.min.css", "css/app.css", "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/offline.js", "js/outbox.js", "vendor/idb-keyval/index.js", "img/icon-192.png",
)
ICONS = ((192, "img/icon-192.png"), (512, "img/icon-512.png"))


PRECOMPRESSED = frozenset({".br", ".gz"})  # copies written by `make static`, not files of their own


@cache
def static_fingerprint(static_folder: str) -> str:
    """One hash of every static file: it changes, and so does the service worker, when any file does."""
    digest = hashlib.sha256()
    root = Path(static_folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in PRECOMPRESSED):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@bp.route("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest: name, icons, colours, start at My tasks, standalone window."""
    document = {
        "id": url_for("lists.my"),
        "name": _("Tindak Lanjut — BPSDM Sulawesi Barat"),
        "short_name": _("Tindak Lanjut"),
        "description": _("Follow-up actions of the BPSDM Sulawesi Barat webinar series."),
        "lang": language().name,
        "start_url": url_for("lists.my"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": "#ffffff",
        "icons": [{"src": url_for("static", filename=name), "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "any maskable"} for size, name in ICONS],
    }
    return _revalidated(Response(json.dumps(document, ensure_ascii=False), mimetype="application/manifest+json"))


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker at the root (its scope is the whole app), versioned by the static files."""
    static_folder = current_app.static_folder
    settings = {
        "version": static_fingerprint(static_folder),
        "precache": [url_for("static", filename=name) for name in PRECACHE],
        "offlinePage": url_for("pwa.offline"),
        "logout": url_for("auth.logout"),
        "apiPrefix": url_for("api.me").rsplit("/", 1)[0] + "/",
        "userHeader": USER_HEADER,
        "versionHeader": VERSION_HEADER,
        "myTasks": url_for("lists.my"),
    }
    source = (Path(static_folder) / "js" / "sw.js").read_text(encoding="utf-8")
    body = f"self.TL_SETTINGS = {json.dumps(settings)};\n{source}"
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return _revalidated(response)


def _revalidated(response: Response) -> Response:
    """Kept by the browser and checked on each use: an unchanged answer costs a 304, not its bytes."""
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/offline")
@public
def offline():
    """What a phone shows for a page it has not kept while there is no connection (no user data)."""
    return render_template("pwa/offline.html")


@bp.route("/offline/session")
def session_state():
    """The signed-in user and a CSRF token, for sending the changes queued on the phone."""
    return jsonify({"user": current_user.id, "csrf_token": generate_csrf()})


@bp.after_app_request
def name_the_user(response):
    """A page the phone may keep offline says whose it is, so it is never shown to someone else."""
    if request.endpoint in OFFLINE_ENDPOINTS and current_user.is_authenticated and response.status_code == 200:
        response.headers[USER_HEADER] = str(current_user.id)
        if "tracker_shown_version" in g:
            response.headers[VERSION_HEADER] = str(g.tracker_shown_version)
    return response


def offline_texts() -> dict:
    """What offline.js says, in the user's language ({name} marks a value the script fills in)."""
    return _texts_in(language().name)


@cache
def _texts_in(language_name: str) -> dict:
    """offline_texts for one language, built once per process (the catalogs do not change at run time)."""
    return {
        "waiting": _("Waiting to send"),
        "sending": _("Sending…"),
        "queued": _("Saved on this phone: it will be sent when the connection returns."),
        "sent": _("%(count)s waiting changes were sent.", count="{count}"),
        "reload": _("Reload the page to see them."),
        "conflict": _("Someone else changed this item meanwhile; it is now: %(status)s. Send yours anyway, "
                      "or discard it?", status="{status}"),
        "refused": _("Not accepted: %(message)s", message="{message}"),
        "signin": _("Your session has ended. Sign in, then the waiting changes are sent."),
        "signin_link": _("Sign in"),
        "send_now": _("Send now"),
        "send_anyway": _("Send mine anyway"),
        "discard": _("Discard"),
        "open_item": _("See what changed"),
        "offline_form": _("You are offline. This can be done when the connection returns."),
        "logout_pending": _("%(count)s changes are still waiting to send and are lost if you sign out now. "
                            "Sign out anyway?", count="{count}"),
        "kind_status": _("Status → %(status)s", status="{status}"),
        "kind_comment": _("Comment: %(text)s", text="{text}"),
        "kind_progress": _("Progress %(progress)s %%", progress="{progress}"),
        "kind_evidence": _("Evidence file: %(name)s", name="{name}"),
        "statuses": {status.value: status_label(status) for status in Status},
    }


@bp.app_template_global()
def offline_settings() -> dict:
    """What the page's offline.js needs: who is signed in, where things are, and its words."""
    settings = {
        "serviceWorker": url_for("pwa.service_worker"),
        "user": None,
        "modules": {"outbox": asset("js/outbox.js"), "idbKeyval": asset("vendor/idb-keyval/index.js")},
    }
    if current_user.is_authenticated:
        settings.update(user=current_user.id, session=url_for("pwa.session_state"), login=url_for("auth.login"),
                        texts=offline_texts())
    return settings


@bp.app_template_global()
def offline_banner() -> str:
    """'Offline — data as of <now in WITA>': shown by offline.js when this copy is read without a connection."""
    return _("Offline — data as of %(time)s", time=show_datetime(utcnow()))
