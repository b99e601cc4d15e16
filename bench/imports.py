"""The import cases: I1 imports a sheet of 1,000 rows, I10 one of 10,000, through /import (upload, save).

Each sheet names the dataset's own people, units, themes and webinars and gives every row a new code,
so every row is checked against the database and creates an item. Measured per case: the upload with
its check and preview page, the save, and the SQL queries of each. The target: I10 costs at most 12 ×
I1 (a query per row would show as a ratio far above 10 on a real database).
"""
import io
import re
import time

from openpyxl import Workbook
from sqlalchemy import select

from bench.app import create_bench_app
from bench.databases import bench_config
from bench.generate import HEAD
from bench.inprocess import QueryCounter, login
from tracker.extensions import db
from tracker.models import Theme, Unit, User, Webinar
from tracker.models.rules import OWNER_ROLES

ROWS = (1_000, 10_000)  # I1 and I10
RATIO_LIMIT = 12
HEADERS = ["Kode", "Tindak lanjut", "Seri", "Penanggung jawab", "Pendukung", "Unsur", "OPD", "Prioritas",
           "Tenggat", "Status", "Progres"]
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
MAP_RE = re.compile(r'<select[^>]*name="(map-\d+)"[^>]*>(.*?)</select>', re.S)
CHOSEN_RE = re.compile(r'<option value="([^"]*)" selected>')


def sheet(rows: int, prefix: str) -> bytes:
    """An XLSX of new items naming the dataset's people, units, themes and webinars (inside an app context)."""
    people = [user.full_name for user in db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(OWNER_ROLES)).order_by(User.id))]
    units = [unit.short_name or unit.name for unit in db.session.scalars(select(Unit).order_by(Unit.id))]
    themes = [theme.name for theme in db.session.scalars(select(Theme).order_by(Theme.id))]
    series = list(db.session.scalars(select(Webinar.series).order_by(Webinar.series)))
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("Tindak lanjut")
    worksheet.append(HEADERS)
    for n in range(rows):
        owner, supporter = people[n % len(people)], people[(n + 1) % len(people)]
        worksheet.append([f"{prefix}-{n:05d}", f"Tindak lanjut impor {prefix} nomor {n}", series[n % len(series)],
                          owner, supporter, themes[n % len(themes)], units[n % len(units)],
                          ("rendah", "sedang", "tinggi")[n % 3], f"2027-0{1 + n % 9}-{1 + n % 28:02d}",
                          ("Baru", "Dikerjakan", "Terhambat")[n % 3], (n * 7) % 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _form_of(page: str) -> dict:
    form = {"token": TOKEN_RE.search(page).group(1)}
    for name, options in MAP_RE.findall(page):
        chosen = CHOSEN_RE.search(options)
        form[name] = chosen.group(1) if chosen else ""
    return form


def _timed(counter: QueryCounter, call):
    before, started = counter.count, time.perf_counter()
    response = call()
    return response, round((time.perf_counter() - started) * 1000, 1), counter.count - before


def run(database_url: str, instance_path: str, rows_per_case=ROWS, log=print) -> dict:
    """Import each case's sheet as the head; {case: timings, queries, rows created}; adds items (run it last)."""
    cases = dict(zip(("I1", "I10"), rows_per_case, strict=True))
    app = create_bench_app(bench_config(database_url, instance_path))
    with app.app_context():
        counter = QueryCounter(db.engine)
        sheets = {case: sheet(rows, case) for case, rows in cases.items()}
        db.session.remove()
    client = app.test_client()
    token = login(client, HEAD)
    results = {}
    for case, rows in cases.items():
        upload, check_ms, check_q = _timed(counter, lambda: client.post("/import", data={
            "action": "upload", "csrf_token": token, "file": (io.BytesIO(sheets[case]), f"{case}.xlsx")},  # noqa: B023
            content_type="multipart/form-data"))
        page = upload.get_data(as_text=True)
        form = {**_form_of(page), "action": "save", "csrf_token": token}
        saved, save_ms, save_q = _timed(counter, lambda: client.post("/import", data=form))  # noqa: B023
        results[case] = {"rows": rows, "check_ms": check_ms, "check_queries": check_q, "save_ms": save_ms,
                         "save_queries": save_q, "total_ms": round(check_ms + save_ms, 1),
                         "statuses": [upload.status_code, saved.status_code],
                         "errors": int(upload.status_code != 200) + int(saved.status_code != 302)}
        log(f"    {case:4} {rows:6d} rows: check {check_ms:9.1f} ms {check_q:4d} q, save {save_ms:9.1f} ms "
            f"{save_q:6d} q" + (f"  ERRORS {results[case]['statuses']}" if results[case]["errors"] else ""))
    results["ratio"] = round(results["I10"]["total_ms"] / results["I1"]["total_ms"], 2)
    log(f"    I10/I1 {results['ratio']:.2f} × (target at most {RATIO_LIMIT} ×)")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results
