"""Exports of a filtered item list: CSV (UTF-8 with BOM, for Excel) and XLSX (openpyxl)."""
import csv
import io
from datetime import date, datetime

from flask_babel import get_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker.display import priority_label, status_label
from tracker.i18n import LOCAL_ZONE_LABEL
from tracker.i18n import lazy_gettext as _l
from tracker.models import ActionItem
from tracker.services.item_filter import ItemFilter
from tracker.services.item_statements import iter_items
from tracker.services.sheet_print import print_as_table
from tracker.timeutil import local_today, local_zone

BOM = "\ufeff"
# Cells a spreadsheet would run as a formula; written with a leading apostrophe in CSV.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# CSV field separators on offer. Excel and LibreOffice in an Indonesian locale split on ";" (the
# comma is their decimal mark) and read a comma file as one column; English locales split on ",".
CSV_DELIMITERS = {"semicolon": ";", "comma": ","}

# (header, width in characters) in column order.
COLUMNS = [
    (_l("Code"), 10),
    (_l("Webinar series"), 10),
    (_l("Title"), 50),
    (_l("Owner"), 24),
    (_l("Supporting members"), 30),
    (_l("Unit (OPD)"), 24),
    (_l("Theme"), 28),
    (_l("Priority"), 10),
    (_l("Due date"), 13),
    (_l("Status"), 22),
    (_l("Progress (%)"), 10),
    (_l("Evidence link"), 40),
    (_l("Source"), 30),
    (_l("Last update (%(zone)s)", zone=LOCAL_ZONE_LABEL), 18),
]


def filename(extension: str) -> str:
    """tindak-lanjut-2026-11-28.csv: named after today in the local zone."""
    return f"tindak-lanjut-{local_today().isoformat()}.{extension}"


def headers() -> list[str]:
    """The column headers in the current language."""
    return [str(header) for header, _width in COLUMNS]


def row_values(item: ActionItem, language: str) -> list:
    """One item as typed export values: numbers, dates and text in column order."""
    updated = item.updated_at.astimezone(local_zone()).replace(tzinfo=None, microsecond=0)
    return [
        item.code,
        item.webinar.series,
        item.title,
        item.owner.full_name if item.owner else "",
        ", ".join(member.full_name for member in item.supporters),
        item.unit.name if item.unit else "",
        item.theme.label(language) if item.theme else "",
        priority_label(item.priority),
        item.due_date,
        status_label(item.status),
        item.progress,
        item.evidence_url or "",
        item.source or "",
        updated,
    ]


def _language() -> str:
    return str(get_locale() or "id")


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_delimiter(choice: str | None) -> str:
    """The separator chosen on the export menu; else ";" in Indonesian and "," in English."""
    if choice in CSV_DELIMITERS:
        return CSV_DELIMITERS[choice]
    return "," if _language() == "en" else ";"


def write_csv(item_filter: ItemFilter, delimiter: str = ";") -> bytes:
    """The filter's rows (all pages, list order) as CSV with a BOM so Excel reads UTF-8."""
    language = _language()
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers())
    for item in iter_items(item_filter):
        writer.writerow([_csv_text(value) for value in row_values(item, language)])
    return buffer.getvalue().encode("utf-8")


def write_xlsx(item_filter: ItemFilter) -> bytes:
    """The filter's rows as an Excel workbook: bold header, column widths, real dates."""
    language = _language()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_l("Action items"))[:31])
    for index, (_header, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    print_as_table(sheet)
    bold = Font(bold=True)
    header_cells = []
    for text in headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for item in iter_items(item_filter):
        sheet.append([_xlsx_cell(sheet, value) for value in row_values(item, language)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    elif isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text
    return cell
