"""What an uploaded file really is, from its content (never its name), and how it is made safe.

`filetype` reads the magic numbers; an office document is a zip, so its container is then checked
the way office suites do (an ODF `mimetype` entry first and stored; an OOXML `[Content_Types].xml`
declaring the main part, which must exist): a plain zip, a jar or an epub is not a document.
Photos are re-encoded with Pillow: the EXIF block (GPS location above all), XMP and comments stay
behind, the orientation is applied to the pixels, and a small thumbnail is made at the same time.
"""
import io
import re
import zipfile
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import filetype
from pathvalidate import sanitize_filename

if TYPE_CHECKING:
    from PIL.Image import Image as Picture

PDF = "application/pdf"
JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
# Each allowed type with its file name extensions, the usual one first.
EXTENSIONS = {
    PDF: ("pdf",), JPEG: ("jpg", "jpeg"), PNG: ("png",), WEBP: ("webp",),
    DOCX: ("docx",), XLSX: ("xlsx",), ODT: ("odt",), ODS: ("ods",),
}
ALLOWED_NAMES = "PDF, JPEG, PNG, WebP, DOCX, XLSX, ODT, ODS"
# The main part an OOXML package must declare (and hold) to be this kind of document.
OOXML_MAIN_PARTS = {
    DOCX: ("word/document.xml", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    XLSX: ("xl/workbook.xml", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; larger would take too much memory to re-encode
THUMBNAIL_SIZE = (320, 320)
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


class UnreadableImage(ValueError):
    """The content says it is a picture, but it cannot be decoded (or is far too large)."""


def sniff(data: bytes) -> str | None:
    """The allowed media type of this content, or None for anything else (HTML, SVG, programs, archives)."""
    kind = filetype.guess(data)
    if kind is None:
        return None
    if kind.mime == PDF:
        return PDF if b"%%EOF" in data[-4096:] else None  # a truncated or fake PDF has no end marker
    if kind.mime in (JPEG, PNG, WEBP):
        return kind.mime
    if kind.mime == "image/apng":  # an animated PNG is a PNG; its first frame is kept
        return PNG
    if data.startswith(ZIP_SIGNATURE):
        return office_document_type(data)
    return None


def office_document_type(data: bytes) -> str | None:
    """DOCX, XLSX, ODT or ODS when the zip container is really one of them, else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if infos and infos[0].filename == "mimetype":
                return _odf_type(archive, infos[0], names)
            if "[Content_Types].xml" in names:
                return _ooxml_type(archive, names)
    except Exception:  # noqa: BLE001 - a crafted zip can make zipfile raise almost anything: it is not a document
        return None
    return None


def _odf_type(archive: zipfile.ZipFile, first: zipfile.ZipInfo, names: set[str]) -> str | None:
    """ODF: the first entry is an uncompressed `mimetype` naming the type, beside content.xml and a manifest."""
    if first.compress_type != zipfile.ZIP_STORED or first.file_size > 100:
        return None
    declared = archive.read(first).decode("ascii", "replace").strip()
    if declared in (ODT, ODS) and {"content.xml", "META-INF/manifest.xml"} <= names:
        return declared
    return None


def _ooxml_type(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """OOXML: [Content_Types].xml declares the document's main part, and the package holds it."""
    with archive.open("[Content_Types].xml") as manifest:
        declared = manifest.read(MAX_MANIFEST_BYTES + 1)
    if len(declared) > MAX_MANIFEST_BYTES:
        return None
    for media_type, (part, content_type) in OOXML_MAIN_PARTS.items():
        if part in names and re.search(rb'ContentType\s*=\s*["\']' + re.escape(content_type) + rb'["\']', declared):
            return media_type
    return None


def safe_file_name(original: str | None, media_type: str, fallback: str = "bukti") -> str:
    """The uploaded name without folders, control characters, quotes or reserved names, at most
    200 characters, and ending in an extension of its real type (laporan.html that is a PDF: laporan.pdf)."""
    base = re.split(r"[\\/]", original or "")[-1]
    path = PurePosixPath(base)
    extension = path.suffix.lstrip(".").lower()
    stem = path.stem if extension else base
    allowed = EXTENSIONS[media_type]
    if extension not in allowed:
        extension = allowed[0]
    stem = sanitize_filename(stem, platform="universal", replacement_text="_").strip(" .")[:150] or fallback
    return f"{stem}.{extension}"


def clean_image(data: bytes, media_type: str) -> tuple[bytes, bytes]:
    """The picture re-encoded without its metadata (EXIF, GPS, XMP, comments), and a JPEG thumbnail."""
    from PIL import Image, ImageOps  # Pillow is loaded by the first photo, not by every worker at start

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.format != PILLOW_FORMATS[media_type] or opened.width * opened.height > MAX_PIXELS:
                raise UnreadableImage(media_type)
            image = ImageOps.exif_transpose(opened)  # the orientation lives in the EXIF that goes
            image.load()
    except UnreadableImage:
        raise
    except Exception as error:  # noqa: BLE001 - decoders and the EXIF parser raise many kinds on crafted files
        raise UnreadableImage(media_type) from error
    # Only what the pixels need survives: the colour profile and PNG transparency.
    image.info = {key: value for key, value in image.info.items() if key in ("icc_profile", "transparency")}
    return _encode(image, media_type), _thumbnail(image)


def _encode(image: "Picture", media_type: str) -> bytes:
    output = io.BytesIO()
    if media_type == JPEG:
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=90, icc_profile=image.info.get("icc_profile"))
    elif media_type == WEBP:
        image.save(output, "WEBP", quality=90, icc_profile=image.info.get("icc_profile"))
    else:
        image.save(output, "PNG")
    return output.getvalue()


def _thumbnail(image: "Picture") -> bytes:
    from PIL import Image

    small = image.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    if small.mode in ("RGBA", "LA", "P", "PA"):
        small = small.convert("RGBA")
        background = Image.new("RGB", small.size, (255, 255, 255))
        background.paste(small, mask=small.getchannel("A"))
        small = background
    elif small.mode != "RGB":
        small = small.convert("RGB")
    output = io.BytesIO()
    small.save(output, "JPEG", quality=80)
    return output.getvalue()
