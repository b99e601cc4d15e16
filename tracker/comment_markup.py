"""Comment text as safe HTML: everything escaped, web addresses as links, `@username` as a link to the person.

Links are found by linkify-it-py (the port of the linkify-it library markdown-it uses); only http(s)
addresses (and www.… written without one) become links, with rel="noopener noreferrer", so a
`javascript:` text stays text. Names are resolved by the caller in one query (services/mentions.py).
"""
import threading

from flask import url_for
from linkify_it import LinkifyIt
from markupsafe import Markup, escape

from tracker.services.mentions import MENTION

LINK_SCHEMAS = ("https:", "http:", "")  # "": a fuzzy www.example.go.id, which linkify-it gives as http://
_local = threading.local()  # a LinkifyIt keeps the state of its last match: one per thread


def _linkify() -> LinkifyIt:
    if not hasattr(_local, "linkify"):
        _local.linkify = LinkifyIt(options={"fuzzy_email": False, "fuzzy_ip": False})
    return _local.linkify


def _links(text: str) -> list:
    """The http(s) links linkify-it finds in the text, in order."""
    matches = _linkify().match(text) or []
    return [m for m in matches if m.schema.lower() in LINK_SCHEMAS and m.url.lower().startswith(("http://", "https://"))]


def _mentions(text: str, people: dict) -> Markup:
    """Escaped text with each known `@name` as a link to the person's items; unknown names stay text."""
    out, position = Markup(""), 0
    for match in MENTION.finditer(text):
        person = people.get(match.group(1).lower())
        if person is None:
            continue
        out += escape(text[position:match.start()])
        out += Markup('<a class="mention" href="{}" title="{}">@{}</a>').format(
            url_for("lists.items", owner=person.id), person.full_name, match.group(1))
        position = match.end()
    return out + escape(text[position:])


def render(text: str | None, people: dict) -> Markup:
    """The comment as HTML: escaped, links and mentions made clickable (`people`: lowercase username → User)."""
    text = text or ""
    out, position = Markup(""), 0
    for link in _links(text):
        out += _mentions(text[position:link.index], people)
        out += Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(link.url, link.raw)
        position = link.last_index
    return out + _mentions(text[position:], people)
