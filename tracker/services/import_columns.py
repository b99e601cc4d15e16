"""Which item field each column of an imported sheet holds: recognised from Indonesian and English names.

A header is compared in a normal form (lower case, punctuation as spaces), so "Unit (OPD)", "OPD/Unit"
and "unit opd" read alike; the headers of our own export are among the names, in both languages.
"""
import re

from tracker.i18n import N_
from tracker.i18n import gettext as _

# (field, its name for the user, header names it is recognised by) in the order the mapping lists them.
FIELDS = (
    ("code", N_("Code"), ("kode", "code", "kode tindak lanjut", "id tindak lanjut", "kode tl")),
    ("title", N_("Action"), ("tindak lanjut", "judul", "tindak lanjut judul", "judul tindak lanjut", "title",
                             "action", "action item", "follow up", "rencana tindak lanjut", "kegiatan")),
    ("description", N_("Description"), ("uraian", "deskripsi", "keterangan", "description", "details")),
    ("webinar", N_("Webinar"), ("webinar", "seri", "webinar seri", "seri webinar", "series", "webinar series",
                                "seri ke")),
    ("owner", N_("Owner"), ("penanggung jawab", "pj", "pic", "owner", "person in charge", "responsible")),
    ("supporters", N_("Supporting members"), ("pendukung", "anggota pendukung", "supporting members",
                                              "supporters", "tim pendukung")),
    ("theme", N_("Theme"), ("unsur", "tema", "theme", "unsur ekosistem")),
    ("unit", N_("Unit (OPD)"), ("opd", "unit", "opd unit", "unit opd", "perangkat daerah", "instansi")),
    ("priority", N_("Priority"), ("prioritas", "priority")),
    ("due_date", N_("Due date"), ("tenggat", "tenggat waktu", "batas waktu", "due date", "due", "deadline",
                                  "target selesai")),
    ("status", N_("Status"), ("status", "status tindak lanjut")),
    ("progress", N_("Progress"), ("progres", "progress", "kemajuan", "persentase")),
    ("evidence_url", N_("Evidence link"), ("bukti", "tautan bukti", "link bukti", "bukti dukung", "evidence",
                                           "evidence link", "evidence url")),
    ("source", N_("Source"), ("sumber", "source")),
)
FIELD_NAMES = tuple(name for name, _label, _headers in FIELDS)
_BY_HEADER = {header: name for name, _label, headers in FIELDS for header in headers}
_NOT_WORD = re.compile(r"[^\w]+")


def normal(text) -> str:
    """Text in the form names are compared in: lower case, words separated by one space."""
    return " ".join(_NOT_WORD.sub(" ", str(text or "").casefold().replace("_", " ")).split())


def field_choices() -> list[tuple[str, str]]:
    """(field, its name in the current language) for the mapping's drop-downs."""
    return [(name, _(label)) for name, label, _headers in FIELDS]


def auto_mapping(headers: list[str]) -> list[str | None]:
    """The field each column holds by its header (None: ignored); a field is taken by its first column."""
    taken, mapping = set(), []
    for header in headers:
        key = normal(header)
        field = _BY_HEADER.get(key) or _BY_HEADER.get(key.removesuffix(" wita").strip())
        if field in taken:
            field = None
        if field:
            taken.add(field)
        mapping.append(field)
    return mapping


def clean_mapping(mapping: list[str | None], width: int) -> list[str | None]:
    """A submitted mapping cut to the sheet's width; unknown fields count as ignored."""
    mapping = (list(mapping) + [None] * width)[:width]
    return [field if field in FIELD_NAMES else None for field in mapping]


def mapping_problem(mapping: list[str | None]) -> str | None:
    """Why this mapping cannot be used (a field twice, no title column), or None."""
    seen = set()
    for field in mapping:
        if field and field in seen:
            return _("Two columns are mapped to %(field)s: choose one.", field=_(dict(
                (name, label) for name, label, _h in FIELDS)[field]))
        seen.add(field)
    if "title" not in seen and "code" not in seen:
        return _("Map a column to the action (title) or to the code.")
    return None
