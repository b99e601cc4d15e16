"""The benchmark harness runs end to end on a tiny dataset (no timing is asserted)."""
import json

from bench import run


def test_bench_runs_end_to_end_on_a_tiny_dataset(tmp_path):
    output = tmp_path / "results.json"
    results = run.main([
        "--sizes", "tiny", "--databases", "sqlite", "--seconds", "0.05", "--min-reps", "2",
        "--http-seconds", "1", "--writers", "2", "--no-wrk", "--import-rows", "10,100",
        "--cache-dir", str(tmp_path / "cache"), "--output", str(output),
    ], log=lambda *args: None)

    (measured,) = results["runs"]
    pages = measured["inprocess"]
    for name in ("R1", "R2", "E1", "E1c", "E2", "E2d", "E2f", "E3", "E4", "E5", "E7"):
        assert pages[name]["errors"] == 0, (name, pages[name]["statuses"])
        assert pages[name]["reps"] >= 2
    assert pages["R1"]["queries"] == 0
    imported = measured["imports"]
    assert imported["I1"]["errors"] == 0 and imported["I10"]["errors"] == 0 and imported["I10"]["rows"] == 100
    http = measured["http"]
    assert http["R1"]["ok"] > 0 and http["E3"]["ok"] > 0
    assert http["E4"]["ok"] > 0 and http["E4"]["errors"] == 0
    assert http["memory_mb"]
    assert results["targets"]
    e1c_targets = [check["target"] for check in results["targets"] if check["target"].startswith("E1c")]
    assert any("queries per request" in target for target in e1c_targets)
    assert any("p95" in target for target in e1c_targets)
    assert json.loads(output.read_text())["runs"][0]["size"] == "tiny"


def test_a_second_run_reuses_the_cached_dataset(tmp_path):
    from bench.databases import SQLiteStore

    store = SQLiteStore(tmp_path)
    store.prepare("tiny", log=lambda *args: None)
    built = (tmp_path / "tl_bench_tiny.sqlite3").stat().st_mtime_ns
    messages = []
    store.prepare("tiny", log=messages.append)
    assert messages == [] and (tmp_path / "tl_bench_tiny.sqlite3").stat().st_mtime_ns == built
