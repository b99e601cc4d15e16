"""`@username` in a comment: which names a text mentions, and the people they name (one query per text)."""
import re

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import User

# A mention starts a word (not inside an e-mail address) and ends on a letter, digit or underscore,
# so "@kepala." at the end of a sentence names kepala. Usernames: [a-z0-9._-], see forms/accounts.py.
MENTION = re.compile(r"(?<![\w.@-])@([A-Za-z0-9_](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9_])?)")
MAX_MENTIONS = 50  # names looked up per text; more is not a comment, it is a mailing list


def mentioned_names(text: str | None) -> set[str]:
    """Every name the text mentions, lowercased."""
    return {match.group(1).lower() for match in MENTION.finditer(text or "")}


def people_named(names: set[str]) -> dict[str, User]:
    """The active accounts with these usernames, by lowercase username (no query for no names)."""
    names = set(sorted(names)[:MAX_MENTIONS])
    if not names:
        return {}
    found = db.session.scalars(select(User).where(func.lower(User.username).in_(names), User.active.is_(True)))
    return {user.username.lower(): user for user in found}


def mentioned_people(text: str | None) -> dict[str, User]:
    """The active people the text mentions, by lowercase username; unknown names are left out."""
    return people_named(mentioned_names(text))
