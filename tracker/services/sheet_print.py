"""Page setup of exported worksheets, so that printing gives one readable table, not columns on 7 pages."""
from openpyxl.worksheet.worksheet import Worksheet

from tracker.i18n import gettext as _


def print_as_table(sheet, title_rows: int | None = 1) -> None:
    """Landscape A4, fit to the page width (as many pages down as needed), header rows repeated, page footer."""
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0: no limit on the number of pages down
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = f"1:{title_rows}"
    # &P and &N are the spreadsheet's own page number and page count fields.
    sheet.oddFooter.center.text = _("Page &P of &N")
    sheet.oddFooter.center.size = 8
