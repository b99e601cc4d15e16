"""Small real files for the evidence tests, made on the spot: each allowed type, and what must be refused."""
import io
import zipfile

from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from tracker.services.file_types import DOCX, JPEG, ODS, ODT, PDF, PNG, WEBP, XLSX

GPS_IFD = 0x8825
IMAGE_TYPES = frozenset({JPEG, PNG, WEBP})


def pdf(padding: int = 0) -> bytes:
    """A valid one-page PDF; `padding` bytes ride along as an embedded file (a larger real PDF)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if padding:
        writer.add_attachment("lampiran.bin", b"\x17" * padding)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes (the padding is adjusted until the numbers in it settle)."""
    padding = size - len(pdf(padding=1))
    for _attempt in range(5):
        data = pdf(padding=padding)
        if len(data) == size:
            return data
        padding += size - len(data)
    raise AssertionError(f"no PDF of exactly {size} bytes")


def picture(kind: str = "JPEG", size=(64, 48), colour=(200, 30, 30), gps: bool = False) -> bytes:
    """A picture made with Pillow; with gps=True it carries a camera model and a GPS position in EXIF."""
    image = Image.new("RGB", size, colour)
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x0110] = "Kamera Uji"
        location = exif.get_ifd(GPS_IFD)
        location.update({1: "S", 2: (2.0, 40.0, 30.0), 3: "E", 4: (118.0, 53.0, 10.0)})  # Mamuju
        options["exif"] = exif.tobytes()
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def xlsx() -> bytes:
    """A workbook written by openpyxl."""
    workbook = Workbook()
    workbook.active["A1"] = "Rekap tindak lanjut"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(entries: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=kind)
    return buffer.getvalue()


def docx() -> bytes:
    """A minimal OOXML word-processing package."""
    types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             b'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName='
             b'"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
             b'document.main+xml"/></Types>')
    body = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Laporan</w:t></w:r></w:p></w:body></w:document>')
    return _zip([("[Content_Types].xml", types), ("_rels/.rels", b"<Relationships/>"), ("word/document.xml", body)])


def odf(media_type: str) -> bytes:
    """A minimal OpenDocument package (text or spreadsheet): `mimetype` first and stored."""
    return _zip([("mimetype", media_type.encode()), ("content.xml", b"<office:document-content/>"),
                 ("META-INF/manifest.xml", b"<manifest:manifest/>")], stored_first=True)


def allowed() -> dict[str, tuple[str, bytes]]:
    """Every allowed type: media type -> (a file name, its content)."""
    return {
        PDF: ("laporan.pdf", pdf()),
        JPEG: ("foto.jpg", picture("JPEG")),
        PNG: ("tangkapan.png", picture("PNG")),
        WEBP: ("foto.webp", picture("WEBP")),
        DOCX: ("notulen.docx", docx()),
        XLSX: ("rekap.xlsx", xlsx()),
        ODT: ("notulen.odt", odf(ODT)),
        ODS: ("rekap.ods", odf(ODS)),
    }


def refused() -> dict[str, tuple[str, bytes]]:
    """What must never be stored: case name -> (a file name, its content)."""
    return {
        "html renamed .pdf": ("laporan.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        "svg with script": ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        "zip": ("arsip.zip", _zip([("laporan.txt", b"isi")])),
        "zip named docx": ("laporan.docx", _zip([("word/document.xml", b"<w:document/>")])),
        "jar": ("alat.jar", _zip([("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"), ("Main.class", b"\xca\xfe")])),
        "exe": ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200),
        "elf": ("program", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),
        "pdf without an end": ("potongan.pdf", pdf()[:-200]),
        "script": ("skrip.sh", b"#!/bin/sh\nrm -rf /\n"),
    }
