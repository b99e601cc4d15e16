"""Friendly error pages in the user's language."""
from flask import Flask, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.audit import security_event
from tracker.i18n import gettext as _
from tracker.navigation import leave_out_badges
from tracker.transactions import discard


def _messages():
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        403: (_("Access denied"), _("Your role does not allow you to open this page or do this action.")),
        404: (_("Page not found"), _("The page you are looking for does not exist or has been moved.")),
        405: (_("Not allowed"), _("This address does not accept this kind of request.")),
        413: (_("Too large"), _("What you sent is larger than the app accepts.")),
        429: (_("Too many attempts"), _("Please wait a moment before trying again.")),
        500: (_("Something went wrong"), _("An unexpected error happened. It has been logged; please try again.")),
    }


def render_error(code: int, detail: str | None = None):
    """The error page for an HTTP status code (plain text when no URL can be built)."""
    title, message = _messages().get(code, (_("Error"), _("The request could not be completed.")))
    leave_out_badges()
    if request_ctx.url_adapter is None:  # e.g. an untrusted Host header: no URLs can be built
        return f"{code} {title}", code, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register(app: Flask) -> None:
    """Install the handlers for CSRF failures, HTTP errors and unexpected exceptions."""
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        security_event("csrf_failure", reason=error.description)
        return render_error(400, _("The form has expired or was not sent from this app. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        if error.code == 403:
            security_event("forbidden")
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("unhandled error")
        discard()  # a failed flush leaves the session unusable; the error page still needs it
        return render_error(500)


def refuse_nul_bytes():
    """Before a form is handled: a value with a NUL byte cannot be stored (PostgreSQL refuses
    it in text), so the request is refused with a message instead of failing in the database."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.blueprint == "api":
        return None  # queries are checked by their filters; the API checks its JSON itself
    if any("\x00" in value for values in request.form.listvalues() for value in values):
        return render_error(400, _("The form contains a character that cannot be saved (a NUL byte). "
                                   "Remove it and try again."))
    return None
