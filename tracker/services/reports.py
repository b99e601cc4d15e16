"""Official reports for leadership: the report data of a scope, frozen snapshots, PDF and XLSX.

A live report and a frozen snapshot share one plain, JSON-ready structure (see build_report), so one
template renders both, and a snapshot shows exactly what was true when it was taken.
"""
import io
from datetime import UTC, date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.display import status_label
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, EvidenceFile, ReportSnapshot, Status, Unit, User, Webinar, utcnow
from tracker.services import dashboard
from tracker.services import dashboard_units as units
from tracker.services.dashboard import Scope
from tracker.services.horizon import load_horizon
from tracker.services.logo import logo_data_uri
from tracker.services.settings import get_settings
from tracker.services.sheet_print import print_as_table
from tracker.timeutil import local_today, local_zone, zone_label

DATA_VERSION = 1
PENDING_FINGERPRINT = "0" * 64  # until the number is known (after the first flush)
LETTERHEAD_KEYS = ("government_name", "agency_name", "agency_address", "agency_phone", "agency_email",
                   "agency_website", "agency_postcode")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def report_number(prefix: str, sequence: str, day: date) -> str:
    """800/TL/007/XII/2023: prefix, sequence, month in Roman numerals, year (Indonesian style)."""
    return f"{prefix}/{sequence}/{ROMAN_MONTHS[day.month - 1]}/{day.year}"


# Evidence files that count (attached, not withdrawn) per item, joined to the report's rows.
_FILE_COUNTS = (
    select(EvidenceFile.item_id, func.count(EvidenceFile.id).label("files"))
    .where(EvidenceFile.is_current).group_by(EvidenceFile.item_id).subquery()
)


def report_rows(scope: Scope, today: date) -> list[dict]:
    """The items in scope as plain rows (code order per webinar), in one query with their names."""
    query = (
        select(ActionItem.code, ActionItem.title, User.full_name, Unit.name, Unit.short_name,
               ActionItem.due_date, ActionItem.status, ActionItem.progress, ActionItem.evidence_url,
               ActionItem.is_overdue(today), func.coalesce(_FILE_COUNTS.c.files, 0))
        .join(Webinar, Webinar.id == ActionItem.webinar_id)
        .outerjoin(User, User.id == ActionItem.owner_id)
        .outerjoin(Unit, Unit.id == ActionItem.unit_id)
        .outerjoin(_FILE_COUNTS, _FILE_COUNTS.c.item_id == ActionItem.id)
        .where(ActionItem.is_visible, *scope.conditions())
        .order_by(Webinar.series, ActionItem.number)
    )
    return [
        {
            "code": code, "title": title, "owner": owner, "unit": unit_short or unit_name,
            "due_date": due.isoformat() if due else None, "status": Status(status).value,
            "progress": progress, "evidence_url": evidence, "evidence_files": files,
            "overdue": bool(overdue),
        }
        for code, title, owner, unit_name, unit_short, due, status, progress, evidence, overdue, files
        in db.session.execute(query)
    ]


def build_report(scope: Scope, today: date | None = None) -> dict:
    """Everything a report shows, as JSON-ready data: letterhead, number, figures, rows, signer."""
    today = today or local_today()
    settings = get_settings()
    webinar = db.session.get(Webinar, scope.webinar) if scope.webinar else None
    if webinar is None:
        scope = scope.known(set())
    figures = dashboard.figures(scope, load_horizon(today))
    figures.pop("trend")
    return {
        "version": DATA_VERSION,
        "scope": scope.as_json(),
        "webinar": ({"id": webinar.id, "series": webinar.series, "title": webinar.title,
                     "held_on": webinar.held_on.isoformat()} if webinar else None),
        "number": None,  # a live report is a working draft; freezing it gives it a number
        "date": today.isoformat(),
        "generated_at": utcnow().isoformat(),
        "letterhead": {
            **{key: settings[key] for key in LETTERHEAD_KEYS},
            "logo": logo_data_uri(),
        },
        "signer": {
            "place": settings["report_place"],
            "name": settings["report_signer_name"],
            "nip": settings["report_signer_nip"],
            "position": settings["report_signer_position"],
        },
        "figures": figures,
        "units": units.sort_units(units.unit_counts(scope, today), None),
        "rows": report_rows(scope, today),
        "frozen": None,
    }


def scope_of(data: dict) -> Scope:
    """The Scope a report's data was built for."""
    stored = data["scope"]
    return Scope(
        webinar=stored.get("webinar"), period=stored.get("period", "all"),
        start=date.fromisoformat(stored["from"]) if stored.get("from") else None,
        end=date.fromisoformat(stored["to"]) if stored.get("to") else None,
    )


def report_title(data: dict) -> str:
    """The report's title, naming the webinar and period it covers."""
    return _("Follow-up report: %(scope)s", scope=dashboard.scope_label(scope_of(data), data["webinar"]))


def category_title(name: str) -> str:
    """An official category name as a table entry: first letter capitalised ("Dalam proses")."""
    return name[:1].upper() + name[1:]


def present(data: dict) -> dict:
    """Report data ready for the template: dates as dates, the scope and categories in words."""
    rows = [
        dict(row, due_date=date.fromisoformat(row["due_date"]) if row["due_date"] else None,
             status=Status(row["status"]))
        for row in data["rows"]
    ]
    categories = [
        dict(row, name=category_title(dashboard.CATEGORY_NAMES[row["key"]]), explanation=dashboard.CATEGORY_EXPLANATIONS[row["key"]])
        for row in data["figures"]["categories"]
    ]
    frozen = data.get("frozen")
    return dict(
        data,
        rows=rows,
        categories=categories,
        report_date=date.fromisoformat(data["date"]),
        scope_text=dashboard.scope_label(scope_of(data), data["webinar"]),
        scope_args=scope_of(data).query_args(),
        frozen=(dict(frozen, at=datetime.fromisoformat(frozen["at"])) if frozen else None),
    )


def create_snapshot(scope: Scope, actor: User) -> ReportSnapshot:
    """Freeze the report of a scope (pemutakhiran data), give it its number and fingerprint, and flush."""
    data = build_report(scope)
    snapshot = ReportSnapshot(number="", title=report_title(data)[:300], scope=data["scope"], data=data,
                              created_by=actor, created_at=utcnow(), fingerprint=PENDING_FINGERPRINT)
    db.session.add(snapshot)
    db.session.flush()
    # The id makes the number unique even when two heads freeze a report at the same moment.
    prefix = get_settings()["report_number_prefix"]
    snapshot.number = report_number(prefix, f"{snapshot.id:03d}", date.fromisoformat(data["date"]))
    snapshot.data = dict(data, number=snapshot.number, frozen={
        "id": snapshot.id, "at": snapshot.created_at.astimezone(UTC).isoformat(), "by": actor.full_name,
    })
    snapshot.fingerprint = snapshot.computed_fingerprint()  # of exactly what it now holds
    db.session.flush()
    return snapshot


def list_snapshots(limit: int = 100) -> list[ReportSnapshot]:
    """The latest snapshots, newest first, with who made them."""
    return list(db.session.scalars(
        select(ReportSnapshot).options(joinedload(ReportSnapshot.created_by))
        .order_by(ReportSnapshot.id.desc()).limit(limit)
    ))


def render_pdf(html: str) -> bytes:
    """The report's HTML as a PDF (WeasyPrint loads only here: ~1.2 s and ~22 MB per process)."""
    from tracker.services import pdf

    return pdf.render_pdf(html)


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value, number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"  # text that looks like a formula stays text
    if number_format:
        cell.number_format = number_format
    return cell


def write_xlsx(report: dict) -> bytes:
    """The rekap workbook of a presented report: a summary sheet and an items sheet."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary")[:31])
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 60
    summary.column_dimensions["C"].width = 12
    summary.column_dimensions["D"].width = 12
    print_as_table(summary, title_rows=None)
    letterhead, figures = report["letterhead"], report["figures"]
    summary.append([_bold(summary, letterhead.get("government_name") or "")])
    summary.append([_bold(summary, letterhead["agency_name"])])
    summary.append([letterhead["agency_address"]])
    summary.append([])
    summary.append([_bold(summary, _("Follow-up report")), report["scope_text"]])
    summary.append([_("Number"), report["number"] or _("Working draft (not yet numbered)")])
    summary.append([_("Date"), _cell(summary, report["report_date"], "dd/mm/yyyy")])
    if report["frozen"]:
        at = report["frozen"]["at"].astimezone(local_zone()).replace(tzinfo=None)
        summary.append([_("Data as of (%(zone)s)", zone=zone_label()), _cell(summary, at, "dd/mm/yyyy hh:mm")])
    summary.append([])
    summary.append([_bold(summary, text) for text in (_("Category"), _("Explanation"), _("Items"), _("Share (%)"))])
    for row in report["categories"]:
        summary.append([row["name"], str(row["explanation"]), row["count"], row["percent"]])
    summary.append([_bold(summary, _("Total")), "", figures["total"], 100.0 if figures["total"] else 0.0])
    summary.append([])
    summary.append([_("Completion rate (%)"), "", figures["completion"]])
    summary.append([_("Overdue"), "", figures["overdue"]])
    summary.append([_("Blocked"), "", figures["blocked"]])

    items = workbook.create_sheet(_("Action items")[:31])
    columns = [(_("No."), 5), (_("Code"), 10), (_("Action"), 50), (_("Owner"), 24), (_("Unit (OPD)"), 18),
               (_("Due date"), 13), (_("Status"), 24), (_("Progress (%)"), 11), (_("Evidence link"), 40),
               (_("Evidence files"), 12)]
    for index, (_header, width) in enumerate(columns, start=1):
        items.column_dimensions[get_column_letter(index)].width = width
    items.freeze_panes = "A2"
    print_as_table(items)
    items.append([_bold(items, header) for header, _width in columns])
    for number, row in enumerate(report["rows"], start=1):
        items.append([
            number, _cell(items, row["code"]), _cell(items, row["title"]), _cell(items, row["owner"] or ""),
            _cell(items, row["unit"] or ""), _cell(items, row["due_date"], "dd/mm/yyyy"),
            status_label(row["status"]), row["progress"], _cell(items, row["evidence_url"] or ""),
            row.get("evidence_files", 0),  # snapshots frozen before evidence files have no count
        ])
    if report.get("units"):  # snapshots frozen before the unit table have none
        _unit_sheet(workbook, report["units"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _unit_sheet(workbook, rows: list[dict]) -> None:
    """The per-unit (OPD) sheet of the rekap: most overdue first, then the lowest completion."""
    sheet = workbook.create_sheet(_("Per unit (OPD)")[:31])
    columns = [(_("Unit (OPD)"), 40), (_("Items"), 10), (_("Verified"), 12), (_("Completion (%)"), 14),
               (_("Overdue"), 12), (_("Blocked"), 12)]
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_as_table(sheet)
    sheet.append([_bold(sheet, header) for header, _width in columns])
    for row in rows:
        sheet.append([_cell(sheet, row["name"]), row["items"], row["verified"], row["completion"], row["overdue"],
                      row["blocked"]])
