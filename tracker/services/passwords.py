"""Password rules (ASVS level 2): 8 to 128 characters, no composition rules, not a common password."""
from functools import cache
from pathlib import Path

from tracker.i18n import gettext as _

PASSWORD_MIN, PASSWORD_MAX = 8, 128
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords from the bundled list (read once, then cached)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str | None) -> str | None:
    """Why a new password is refused (a message for the user), or None when it is acceptable."""
    password = password or ""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return _("A password has %(min)d to %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX)
    if password.lower() in common_passwords():
        return _("This password is too common and easy to guess. Choose another one.")
    return None
