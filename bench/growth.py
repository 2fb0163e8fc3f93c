"""`make bench BENCH_SCALES=10,40`: each page's figures at each scale side by side, and how they grow.

Reads .bench/scale-<S>.json (written by bench/run.py --out scale-<S>, one run per scale on the same
machine the same day) and prints, per page, the median and the SQL time at each scale and the growth of
the SQL time from the smallest scale to the largest, against the targets of the city-scale issue (#20):
at most 1.3x for lists and dashboards, 1.1x for a peacekeeper's own pages (the caseload is the same size
at every scale). Read the ratios, not the absolute times, on a shared machine.

    python bench/growth.py 10 40
"""

import json
import re
import sys
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / ".bench"
# A page's name carries figures of its data ("client page (301 contacts)"): the same page at every scale
# is the name without them.
FIGURES = re.compile(r" \([^)]*\)")
GROWTH_TARGETS = (("peacekeeper", 1.1), ("", 1.3))  # the first whose word the page's name holds


def page_key(name: str) -> str:
    return FIGURES.sub("", name)


def growth_target(name: str) -> float | None:
    if "report" in name or ".xlsx" in name or ".csv" in name or "network" in name:
        return None  # targets of their own (the report's time at the largest scale), not growth
    return next(limit for word, limit in GROWTH_TARGETS if word in name)


def load(scales: list[str]) -> list[dict]:
    runs = []
    for scale in scales:
        path = OUT_DIR / f"scale-{scale}.json"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run bench/run.py --scale {scale} --out scale-{scale} first.")
        runs.append(json.loads(path.read_text()))
    return runs


def rows(runs: list[dict]) -> list[list[str]]:
    by_key = [{page_key(p["name"]): p for p in run["pages"]} for run in runs]
    table = []
    for key in by_key[0]:
        pages = [pages.get(key) for pages in by_key]
        if any(p is None for p in pages):
            continue
        first, last = pages[0], pages[-1]
        growth = last["sql_ms"] / first["sql_ms"] if first["sql_ms"] else float("inf")
        target = growth_target(key)
        verdict = "" if target is None else ("ok" if growth <= target else f"over {target:g}x")
        cells = [key]
        for page in pages:
            cells += [f"{page['median_ms']:.1f}", f"{page['sql_ms']:.1f}"]
        cells += [f"{growth:.2f}x", verdict]
        table.append(cells)
    return table


def main(argv: list[str]) -> int:
    scales = argv or ["10", "40"]
    runs = load(scales)
    header = ["page"]
    for scale in scales:
        header += [f"median ms @{scale}", f"SQL ms @{scale}"]
    header += [f"SQL growth {scales[0]}->{scales[-1]}", "target"]
    table = rows(runs)
    imports = [run.get("import") or {} for run in runs]
    if all(i.get("peak_mb") for i in imports):
        cells = ["import of 100,000 rows (peak MB, seconds)"]
        for i in imports:
            cells += [f"{i['peak_mb']:.0f} MB", f"{i.get('seconds', 0):.1f} s"]
        cells += [f"{imports[-1]['peak_mb'] / imports[0]['peak_mb']:.2f}x", "≤ 250 MB"]
        table.append(cells)
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *table]:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    for scale, run in zip(scales, runs, strict=True):
        where = run["machine"]
        print(f"scale {scale}: {run['when']}, {where.get('cpus')} CPUs, reference {where.get('cpu_reference_ms')} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
