"""`make bench` entry point: every size on SQLite (and PostgreSQL when BENCH_DATABASE_URL is set).

    python -m bench.run [--quick] [--sizes 1k,10k,100k] [--databases sqlite,postgresql] [--no-http]
    python -m bench.run --weight-only --sizes 1k --databases sqlite    (memory and transfer, about two minutes)
"""
import argparse
import json
import logging
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import http_run, imports, inprocess, report, transfer
from bench.databases import CACHE_DIR, PostgresStore, SQLiteStore
from bench.inprocess import Budget

RESULTS = Path(__file__).resolve().parent / "results.json"
FULL = {"sizes": ("1k", "10k", "100k"), "budget": Budget(seconds=2.0, min_reps=8), "http_seconds": 5.0}
QUICK = {"sizes": ("1k", "10k"), "budget": Budget(seconds=0.8, min_reps=5), "http_seconds": 2.0}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, shorter measurements")
    parser.add_argument("--sizes", help="comma-separated sizes (tiny, 1k, 10k, 100k)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite and/or postgresql")
    parser.add_argument("--seconds", type=float, help="measuring time per page in-process")
    parser.add_argument("--min-reps", type=int, help="repetitions per page at least")
    parser.add_argument("--http-seconds", type=float, help="duration of each HTTP load")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers for E4 over HTTP")
    parser.add_argument("--no-http", action="store_true", help="in-process timings only")
    parser.add_argument("--mixed-requests", type=int, default=http_run.MIXED_REQUESTS,
                        help="requests of the mixed phase served before the workers' memory is read")
    parser.add_argument("--no-transfer", action="store_true", help="leave out the Chromium transfer weights")
    parser.add_argument("--weight-only", action="store_true",
                        help="only the workers' memory after the mixed phase and the transfer weights")
    parser.add_argument("--import-rows", default="1000,10000", help="rows of the import cases I1 and I10")
    parser.add_argument("--no-imports", action="store_true", help="skip the import cases")
    parser.add_argument("--no-wrk", action="store_true", help="use the Python client even if wrk exists")
    parser.add_argument("--cache-dir", default=str(CACHE_DIR), help="where datasets are cached")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the results as JSON")
    return parser.parse_args(argv)


def stores(names: list[str], cache_dir: Path, log) -> list:
    """The database back ends to run on; PostgreSQL only when configured and reachable."""
    chosen = []
    for name in names:
        if name == "sqlite":
            chosen.append(SQLiteStore(cache_dir))
        elif name == "postgresql":
            url = os.environ.get("BENCH_DATABASE_URL")
            if not url:
                log("PostgreSQL skipped: set BENCH_DATABASE_URL, e.g. "
                    "postgresql+psycopg://tracker:tracker@127.0.0.1:5432/tracker_bench (the role needs CREATEDB)")
                continue
            store = PostgresStore(url, cache_dir)
            problem = store.check()
            if problem:
                log(f"PostgreSQL skipped: {problem}")
                continue
            chosen.append(store)
    return chosen


def main(argv=None, log=print) -> dict:
    """Run the benchmark; print the tables and targets; write results JSON; return the results."""
    args = parse_args(argv)
    mode = QUICK if args.quick else FULL
    sizes = args.sizes.split(",") if args.sizes else list(mode["sizes"])
    budget = Budget(seconds=args.seconds or mode["budget"].seconds, min_reps=args.min_reps or mode["budget"].min_reps)
    http_seconds = args.http_seconds or mode["http_seconds"]
    security_log = logging.getLogger("tracker.security")
    was_disabled, security_log.disabled = security_log.disabled, True  # one JSON line per sign-in otherwise
    try:
        return _run(args, sizes, budget, http_seconds, log)
    finally:
        security_log.disabled = was_disabled


def _run(args, sizes: list[str], budget: Budget, http_seconds: float, log) -> dict:
    cache_dir = Path(args.cache_dir)
    started = time.monotonic()
    runs = []
    for store in stores(args.databases.split(","), cache_dir, log):
        for size in sizes:
            log(f"[{time.monotonic() - started:6.1f}s] {store.name} {size}")
            store.prepare(size, log=log)
            url = store.clone(size)
            instance = str(cache_dir / "instance")
            try:
                run = {"db": store.name, "size": size,
                       "inprocess": None if args.weight_only else inprocess.run(url, instance, budget, log=log)}
                if not args.no_http:
                    run["http"] = http_run.run(url, instance, http_seconds, writers=args.writers,
                                               no_wrk=args.no_wrk, mixed_requests=args.mixed_requests,
                                               loads=not args.weight_only, log=log)
                    if not args.no_transfer:
                        run["transfer"] = _transfer(url, instance, log)
                if not args.no_imports and not args.weight_only:  # last: the imports add items
                    rows = tuple(int(n) for n in args.import_rows.split(","))
                    run["imports"] = imports.run(url, instance, rows, log=log)
            finally:
                store.drop(url)
            runs.append(run)
    checks = report.check_targets(runs)
    for run in runs:
        log("\n" + report.table(run))
    for db_name in dict.fromkeys(r["db"] for r in runs):
        text = report.growth_table(runs, db_name)
        if text:
            log("\n" + text)
    log("\n" + report.targets_text(checks))
    results = {
        "meta": {"finished": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
                 "sizes": sizes, "seconds": round(time.monotonic() - started, 1), "cpus": os.cpu_count(),
                 "python": platform.python_version(), "budget": vars(budget), "http_seconds": http_seconds},
        "runs": runs, "targets": checks,
    }
    Path(args.output).write_text(json.dumps(results, indent=1, default=str))
    log(f"\nwritten to {args.output} in {results['meta']['seconds']} s")
    return results


def _transfer(url: str, instance: str, log) -> dict:
    """The transfer weights, or why they were skipped (said once on the console too)."""
    problem = transfer.missing()
    if problem:
        log(f"    transfer skipped: {problem}")
        return {"skipped": problem}
    return transfer.run(url, instance, log=log)


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.exit(0)
