"""Cell values of an imported sheet read as item values: dates, numbers, codes, series and names.

Each reader returns the value, or raises ValueError when the cell does not hold one (the caller words
the problem). Names are matched forgivingly by `NameIndex`: an exact match in normal form is certain,
a close one (a typo, a shortened name) is a guess the user confirms.
"""
import difflib
import re
from datetime import date, datetime

from tracker.services.import_columns import normal
from tracker.services.items import item_code

ITEM_CODE = re.compile(r"^s\s*(\d{1,6})\s*-\s*(\d{1,6})$", re.IGNORECASE)
SERIES = re.compile(r"^(?:(?:webinar\s*)?(?:seri|series|s)\s*(?:ke\s*)?[-.:]?\s*)?(\d{1,6})(?:\.0)?$", re.IGNORECASE)
NUMERIC_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$")
MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "mar": 3, "maret": 3,
    "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7,
    "july": 7, "agu": 8, "agt": 8, "agustus": 8, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10, "nov": 11, "november": 11, "des": 12, "desember": 12,
    "dec": 12, "december": 12,
}
NAME_SEPARATORS = re.compile(r"[;,\n]+")
FUZZY_CUTOFF = 0.75


def text_of(value) -> str:
    """A cell as stripped text ("" for empty; whole numbers without ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_date(value) -> date | None:
    """A date cell, or a text date: 2024-03-31, 31/03/2024, 31-03-2024, 31 Mar 2024, 31 Maret 2024."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    if not text:
        return None
    match = NUMERIC_DATE.match(text.split(" ")[0] if ":" in text else text)
    if match:
        first, middle, last = (int(part) for part in match.groups())
        year, day = (first, last) if len(match.group(1)) == 4 else (last, first)
        return date(year, middle, day)
    words = normal(text).split()
    if len(words) == 3 and words[0].isdigit() and words[1] in MONTHS and words[2].isdigit():
        return date(int(words[2]), MONTHS[words[1]], int(words[0]))
    raise ValueError(text)


def read_progress(value) -> int | None:
    """A percentage 0-100 from a number or text such as "50 %" or "12,5"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    number = value if isinstance(value, int | float) else float(text_of(value).rstrip("%").strip().replace(",", "."))
    if not 0 <= number <= 100:
        raise ValueError(value)
    return round(number)


def read_series(value) -> int | None:
    """A webinar series from 28, 28.0, "Seri 28", "S28" or "Webinar Seri 28"."""
    text = text_of(value)
    if not text:
        return None
    match = SERIES.match(text)
    if not match:
        raise ValueError(text)
    return int(match.group(1))


def read_code(value) -> tuple[str, int | None, int | None]:
    """The code as stored (S28-3 → S28-03), with its series and number when it is one of our codes."""
    text = text_of(value)
    match = ITEM_CODE.match(text)
    if match:
        series, number = int(match.group(1)), int(match.group(2))
        return item_code(series, number), series, number
    return text, None, None


def split_names(value) -> list[str]:
    """A list of names from one cell, separated by commas, semicolons or lines."""
    return [part.strip() for part in NAME_SEPARATORS.split(text_of(value)) if part.strip()]


class NameIndex:
    """Rows findable by any of their names (in normal form); each lookup of a text is remembered."""

    def __init__(self, rows, names_of):
        self.exact: dict[str, object] = {}
        ambiguous = set()
        for row in rows:
            for name in {normal(name) for name in names_of(row) if name}:
                if name in self.exact and self.exact[name] is not row:
                    ambiguous.add(name)
                self.exact.setdefault(name, row)
        for name in ambiguous:
            del self.exact[name]
        self._keys = list(self.exact)
        self._seen: dict[str, tuple[object | None, bool]] = {}

    def find(self, text: str) -> tuple[object | None, bool]:
        """(row, certain): certain for an exact match, not for a close one; (None, False) when none."""
        key = normal(text)
        if key not in self._seen:
            self._seen[key] = self._look_up(key)
        return self._seen[key]

    def _look_up(self, key: str) -> tuple[object | None, bool]:
        if not key:
            return None, False
        if key in self.exact:
            return self.exact[key], True
        # A shortened name ("andi" for "andi saputra") when it fits one row only.
        starts = {id(row): row for name, row in self.exact.items() if name.startswith(key + " ")}
        if len(starts) == 1:
            return next(iter(starts.values())), False
        close = difflib.get_close_matches(key, self._keys, n=1, cutoff=FUZZY_CUTOFF)
        return (self.exact[close[0]], False) if close else (None, False)
