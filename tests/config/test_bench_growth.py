"""bench/growth.py, the table of `make bench BENCH_SCALES=10,40` (issue #20): the same page found at each scale
though its name carries figures of the data, and its SQL time's growth judged against the issue's targets."""

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def growth(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_growth", BENCH / "growth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT_DIR", tmp_path)
    return module


def write(directory: Path, scale: int, pages: list[tuple[str, float, float]], peak_mb: int) -> None:
    run = {
        "when": "2026-12-03T18:00:00+00:00",
        "machine": {"cpus": 2, "cpu_reference_ms": 300},
        "pages": [{"name": n, "median_ms": m, "sql_ms": s} for n, m, s in pages],
        "import": {"peak_mb": peak_mb, "seconds": 20.0},
    }
    (directory / f"scale-{scale}.json").write_text(json.dumps(run))


def test_it_pairs_each_page_across_scales_and_judges_its_growth(growth, tmp_path, capsys):
    write(tmp_path, 10, [("manager /clients/", 20, 8), ("peacekeeper dashboard / (12 tasks due)", 30, 10)], 190)
    write(tmp_path, 40, [("manager /clients/", 22, 10), ("peacekeeper dashboard / (31 tasks due)", 40, 20)], 400)
    table = {row[0]: row for row in growth.rows(growth.load(["10", "40"]))}
    assert table["manager /clients/"][-2:] == ["1.25x", "ok"]  # lists may grow 1.3x
    assert table["peacekeeper dashboard /"][-2:] == ["2.00x", "over 1.1x"]  # the caseload is the same size
    assert growth.main(["10", "40"]) == 0
    printed = capsys.readouterr().out
    assert "SQL growth 10->40" in printed and "2.11x" in printed  # the import's peak memory, 400 / 190


def test_a_missing_scale_says_how_to_make_it(growth):
    with pytest.raises(SystemExit, match="run bench/run.py --scale 40 --out scale-40"):
        growth.load(["40"])
