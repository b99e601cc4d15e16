"""The letterhead logo: uploaded by an administrator (PNG, or SVG that passes a strict check), kept in the database.

SVG is accepted only when defusedxml parses it (no DTD, entities or external references) and every
element is a plain SVG drawing element, no attribute is an event handler, and every reference (href,
url(...)) points inside the file. Anything else (scripts, foreignObject, other namespaces such as an
editor's metadata, links to other files) is refused with a reason rather than rewritten: the logo
an administrator sees in the preview is exactly the file that was uploaded.
"""
import base64
import hashlib
import io
import re

import filetype
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from PIL import Image
from sqlalchemy import select

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import SettingFile, User, utcnow
from tracker.services.errors import InvalidInput
from tracker.services.settings import static_file

KEY = "logo"
PNG, SVG = "image/png", "image/svg+xml"
MAX_BYTES = 512 * 1024
MAX_SIDE = 4000  # pixels of a PNG; a letterhead logo is printed about 2 cm wide
DEFAULT_LOGO = "img/logo.svg"  # shipped with the app, shown until one is uploaded
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Drawing elements a logo needs; nothing that runs, embeds or animates.
SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
    "symbol", "use", "style",
})
EXTERNAL = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|javascript:|expression\(", re.IGNORECASE)


def _refuse(message: str):
    raise InvalidInput(message, {"logo": message})


def svg_problem(data: bytes) -> str | None:
    """Why this SVG may not be a logo, or None when it passes the check."""
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return _("The SVG file cannot be read as XML (or declares a DTD or entities).")
    if root.tag != f"{SVG_NS}svg":
        return _("The file is not an SVG image.")
    for element in root.iter():
        name = element.tag[len(SVG_NS):] if isinstance(element.tag, str) and element.tag.startswith(SVG_NS) else None
        if name not in SVG_ELEMENTS:
            return _("The SVG contains an element that is not allowed in a logo (%(name)s).", name=str(element.tag))
        if name == "style" and EXTERNAL.search(element.text or ""):
            return _("The SVG refers to something outside the file.")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return _("The SVG contains an event handler (%(name)s).", name=local)
            if (local == "href" or attribute == XLINK_HREF) and not value.strip().startswith("#"):
                return _("The SVG refers to something outside the file.")
            if EXTERNAL.search(value):
                return _("The SVG refers to something outside the file.")
    return None


def png_problem(data: bytes) -> str | None:
    """Why this PNG may not be a logo (unreadable, too many pixels), or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if max(image.size) > MAX_SIDE:
                return _("The image is too large: at most %(side)d pixels on each side.", side=MAX_SIDE)
            image.verify()
    except (OSError, ValueError, Image.DecompressionBombError):
        return _("The PNG file cannot be read.")
    return None


def media_type_of(data: bytes) -> str | None:
    """PNG or SVG from the content itself (never the file name), or None."""
    kind = filetype.guess(data)
    if kind is not None:
        return PNG if kind.mime in (PNG, "image/apng") else None
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    return SVG if head.startswith((b"<?xml", b"<svg", b"<!--")) else None


def save_logo(data: bytes, actor: User | None) -> SettingFile:
    """Check and store an uploaded logo (replacing the previous one) and flush; refuse with a reason."""
    if not data:
        _refuse(_("The logo file is empty."))
    if len(data) > MAX_BYTES:
        _refuse(_("The logo is too large: at most %(kb)d KB.", kb=MAX_BYTES // 1024))
    media_type = media_type_of(data)
    if media_type is None:
        _refuse(_("The logo must be a PNG or SVG image."))
    problem = svg_problem(data) if media_type == SVG else png_problem(data)
    if problem:
        _refuse(problem)
    stored = db.session.get(SettingFile, KEY) or SettingFile(key=KEY)
    stored.media_type, stored.content, stored.size = media_type, data, len(data)
    stored.sha256 = hashlib.sha256(data).hexdigest()
    stored.uploaded_at, stored.uploaded_by_id = utcnow(), actor.id if actor else None
    db.session.add(stored)
    db.session.flush()
    return stored


def remove_logo() -> None:
    """Go back to the default logo, and flush."""
    stored = db.session.get(SettingFile, KEY)
    if stored is not None:
        db.session.delete(stored)
        db.session.flush()


def has_uploaded_logo() -> bool:
    """Whether an administrator uploaded a logo (without reading its bytes)."""
    return db.session.scalar(select(SettingFile.key).where(SettingFile.key == KEY)) is not None


def uploaded_logo() -> tuple[str, bytes] | None:
    """The uploaded logo as (media type, bytes), or None while none is uploaded."""
    row = db.session.execute(select(SettingFile.media_type, SettingFile.content).where(SettingFile.key == KEY)).first()
    return (row.media_type, row.content) if row else None


def current_logo() -> tuple[str, bytes] | None:
    """The uploaded logo, else the default shipped with the app (None if even that is missing)."""
    uploaded = uploaded_logo()
    if uploaded:
        return uploaded
    path = static_file(DEFAULT_LOGO)
    return (SVG, path.read_bytes()) if path else None


def logo_data_uri() -> str | None:
    """The logo as a data: URI, so pages, PDFs and frozen reports carry it without another request."""
    logo = current_logo()
    if logo is None:
        return None
    media_type, content = logo
    return f"data:{media_type};base64," + base64.b64encode(content).decode("ascii")
