"""Fit how each stage's time and memory grow with the county, from bench/spark.py's runs.

    python bench/spark_fit.py [--no-write]

Reads bench/spark_runs.json (this session's runs of `bench/spark.py`), and for each engine and
stage fits `y = fixed + per_child * children` by least squares over the sizes measured (a
fixed cost per step, such as a Spark job's scheduling or a session's start, shows as `fixed`;
work per row as `per_child`), and the exponent between the two largest sizes
(`k = log(y2/y1) / log(n2/n1)`: 1 is linear, below 1 a fixed part still counts, above 1 worse
than linear). For CPU seconds (load-independent, nearly) and wall seconds (inflated by the
shared machine's load), and for the process tree's peak memory. Then extrapolates each to a
region (1.5 million children) and England (12 million) both ways: the linear fit, and the
largest measured point grown by its exponent. Three points or fewer on a shared 2-core
machine: the extrapolations are a reading of the trend, not a measurement. Writes its own
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from results import replace_section

SECTION = "## Spark and DuckDB scaling fits, eighth session (issue 24, `bench/spark_fit.py`)"
RUNS = Path(__file__).resolve().parent / "spark_runs.json"
STAGES = ("ingest", "resolve", "indicators", "graph", "score")
TARGETS = {"region": 1_500_000, "England": 12_000_000}


# Earlier sessions' wall times, as bench/RESULTS.md gives them (no CPU was recorded then):
# each a series of its own, since they ran on other commits and at other loads.
EARLIER = {
    "duckdb, the lead's quiet runs (seventh session, 429866b, load 1-2; a full run on the "
    "delta, `bench/incremental.py`)": {
        50_000: {"resolve": 27.6, "indicators": 43.2, "graph": 27.5, "score": 44.3, "total": 144.0},
        150_000: {
            "resolve": 65.7,
            "indicators": 109.8,
            "graph": 82.8,
            "score": 129.2,
            "total": 390.0,
        },
    },
    "spark: seventh session's 10,000 (f6d3b15, load 15-20) and this session's 50,000 (load "
    "10-16)": {
        10_000: {
            "ingest": 5.0,
            "resolve": 36.0,
            "indicators": 555.0,
            "graph": 535.0,
            "score": 8.0,
            "total": 1141.0,
        },
    },
}


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares (fixed, per unit) of y = fixed + per_unit * x; exact through two points."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    return my - slope * mx, slope


def exponent(points: list[tuple[float, float]]) -> float:
    """Growth exponent between the two largest sizes."""
    (n1, y1), (n2, y2) = sorted(points)[-2:]
    return math.log(y2 / y1) / math.log(n2 / n1) if y1 > 0 and y2 > 0 else float("nan")


def series(runs: list[dict[str, Any]], engine: str, measure: str) -> dict[str, list]:
    """Per stage (and `total`): [(children, value)], the latest finished value at each size."""
    found: dict[str, dict[int, float]] = {}
    for run in runs:
        if run.get("session") != 8 or run["engine"] != engine:
            continue
        finished = run.get("ended") == "finished"
        if measure == "wall":
            values = dict(run.get("stages") or {})
            if not finished:  # timed from outside, up to the stage it was stopped in
                values = {
                    s: v
                    for s, v in (run.get("stages_outside") or {}).items()
                    if s in STAGES and s != run.get("in_stage")
                }
            if finished:
                values["total"] = run["wall_s"]
        elif measure == "cpu":
            values = dict(run.get("stage_cpu") or {})
            if not finished:  # the stage it was stopped in is not a stage's whole cost
                values.pop(run.get("in_stage", ""), None)
            values = {s: v for s, v in values.items() if s in STAGES}
            if finished and "cpu_s" in run:
                values["total"] = run["cpu_s"]
        else:
            values = {"total": run["peak_mb"]} if finished else {}
        for stage, value in values.items():
            found.setdefault(stage, {})[run["children"]] = value
    return {s: sorted(v.items()) for s, v in found.items()}


def rows(points: dict[str, list], unit: str) -> list[str]:
    out = []
    for stage in (*STAGES, "total"):
        pts = points.get(stage, [])
        if not pts:
            continue
        measured = ", ".join(f"{n // 1000}k: {y:,.0f}" for n, y in pts)
        if len(pts) < 2:
            out.append(f"| {stage} | {measured} | | | | | |")
            continue
        fixed, per = fit([(float(n), y) for n, y in pts])
        k = exponent([(float(n), y) for n, y in pts])
        n_max, y_max = pts[-1]
        ends = []
        for target in TARGETS.values():
            linear = fixed + per * target
            grown = y_max * (target / n_max) ** k if not math.isnan(k) else float("nan")
            ends.append(f"{linear:,.0f} / {grown:,.0f}")
        out.append(
            f"| {stage} | {measured} | {fixed:,.0f} | {per * 1000:,.2f} | {k:.2f} | "
            + " | ".join(ends)
            + " |"
        )
    header = (
        f"| stage | measured ({unit}) | fixed | per 1,000 children | k (two largest) | "
        + " | ".join(f"{name}: linear / by k" for name in TARGETS)
        + " |"
    )
    return [header, "|---|---|---:|---:|---:|" + "---:|" * len(TARGETS), *out]


def section(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        'From `bench/spark_runs.json` (the runs in "Spark, eighth session" above: tuning seed '
        "2, one shared 2-core machine, load stated there). `fixed` and `per 1,000 children`: "
        "the least-squares line through the sizes measured (exact through two); negative "
        "`fixed` means the points bend upwards (worse than linear), so read `k`. The region "
        "and England columns extrapolate 10 and 80 times past the largest county measured: a "
        "trend, not a measurement. A stage stopped by the deadline counts only for the stages "
        "it finished.",
        "",
    ]
    for name, sizes in EARLIER.items():
        points: dict[str, list] = {}
        for n, stages in sizes.items():
            for stage, value in stages.items():
                points.setdefault(stage, []).append((n, value))
        if name.startswith("spark"):  # with this session's 50,000, where it finished
            for stage, pts in series(runs, "spark", "wall").items():
                points.setdefault(stage, []).extend(p for p in pts if p[0] == 50_000)
        lines += [
            f"**{name}, wall s**",
            "",
            *rows({k: sorted(v) for k, v in points.items()}, "wall s"),
            "",
        ]
    for engine in ("duckdb", "spark"):
        for measure, unit in (
            ("cpu", "CPU s"),
            ("wall", "wall s"),
            ("peak", "peak MB of the tree"),
        ):
            points = series(runs, engine, measure)
            if not points:
                continue
            lines += [f"**{engine}, {unit}**", "", *rows(points, unit), ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    lines = section(json.loads(RUNS.read_text()))
    print("\n".join(lines))
    if not args.no_write:
        replace_section(SECTION, lines, keep="### By hand")


if __name__ == "__main__":
    main()
