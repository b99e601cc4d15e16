"""The public "is this report genuine?" page that a frozen report's QR code opens (no sign-in)."""
from flask import Blueprint, render_template

from tracker.errors import render_error
from tracker.i18n import gettext as _
from tracker.security import public
from tracker.services import verification

bp = Blueprint("verify", __name__)


@bp.route("/verify/<string:code>")
@public
def report(code: str):
    """Whether the frozen report with this code is genuine and unchanged; no item data is shown."""
    result = verification.check(code)
    if result is None:
        return render_error(404, _("No frozen report has this verification code. Check the address, "
                                   "or scan the QR code on the report again."))
    return render_template("verify/report.html", check=result)
