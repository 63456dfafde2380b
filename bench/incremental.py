"""Benchmark an incremental `lantern run` against a full one on the same daily delta.

    python bench/incremental.py [--children 10000] [--seed 2] [--share 0.003] [--latest]
                                [--work /tmp/lantern-bench-incremental] [--no-write]

Writes a county (`lantern synth`), splits it (`lantern.synth.deltas`) into a base extract and one
daily delta of about `share` of its events (with `--latest`, the county's latest recorded
events, as a day's extract brings them; else drawn from its whole history): new events, changed
people and events (together about a fifth of the delta), and corrections that make two persons
one. Then, each in its own
process so wall time and peak memory are the run's own:

1. `pipeline.run(BASE)` on an empty store (a full run; not compared);
2. the store copied; `pipeline.run(DELTA)` on one copy (incremental) and
   `pipeline.run(DELTA, full=True)` on the other (full: every stage from scratch, the model
   retrained) — the same store state, the same extract.

Also timed: copying the store (what `lantern run` does first to write a new generation beside
the served one, `lantern.store.generations`), and the tables of the two stores compared (the
model is retrained by the full run on 2,000 records or more, so resolve's pairs may differ in
their weights: counted, not hidden). Rewrites its own section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

SECTION = "## Live operation, ninth session (issue 21, `incremental`)"

CHILD = """
import json, resource, sys, time
from pathlib import Path
from lantern import pipeline
store, extract, full, out = sys.argv[1], sys.argv[2], sys.argv[3] == "full", sys.argv[4]
began = time.perf_counter()
summary = pipeline.run(Path(store), Path(extract), full=full)
seconds = time.perf_counter() - began
resolve = summary.results.get("resolve")
indicators = summary.results.get("indicators")
graph = summary.results.get("graph")
score = summary.results.get("score")
Path(out).write_text(json.dumps({
    "seconds": round(seconds, 1),
    "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "incremental": summary.incremental,
    "stages": {s.stage: round(s.seconds, 1) for s in summary.stages},
    "peaks": {s.stage: round(s.peak_memory_mb) for s in summary.stages},
    "training": resolve.training if resolve else [],
    "resolve_steps": resolve.step_seconds if resolve else {},
    "person_changes": resolve.person_changes if resolve else 0,
    "texts_read": indicators.tables.get("texts read") if indicators else None,
    "distinct_texts": indicators.distinct_narratives if indicators else None,
    "graph_steps": {k: round(v, 1) for k, v in (graph.seconds if graph else {}).items()
                    if ":" not in k},
    "replay_parts": score.replay_parts if score else 0,
    "parts_carried": score.parts_carried if score else 0,
    "parts_resumed": score.parts_resumed if score else 0,
}))
"""


def start_run(store: Path, extract: Path, *, full: bool) -> tuple[subprocess.Popen, Path]:
    """`pipeline.run` in a child process (niced by the caller's nice), measured into a file."""
    out = store.with_suffix(".full.json" if full else ".incremental.json")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store), str(extract), "full" if full else "incremental",
         str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    return child, out


def finish(run: tuple[subprocess.Popen, Path]) -> dict:
    child, out = run
    _, err = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"a run failed:\n{err[-3000:]}")
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def pipeline_run(store: Path, extract: Path, *, full: bool) -> dict:
    return finish(start_run(store, extract, full=full))


def rows(path: Path) -> list[int]:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return [sum(1 for _ in csv.reader(handle)) - 1]


def compile_bytecode() -> None:
    """Compile Lantern and its libraries to bytecode once, as `pip install` does, so that no
    run's stage times include compiling pandas, spaCy or Splink from source (a fresh venv
    under PYTHONDONTWRITEBYTECODE compiles them in every process: about 30 s each)."""
    import compileall
    import sysconfig

    for path in (ROOT / "src", Path(sysconfig.get_paths()["purelib"])):
        compileall.compile_dir(path, quiet=1, workers=1)


def main() -> None:
    from lantern.synth.county import generate
    from lantern.synth.deltas import DeltaPlan, split

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--share", type=float, default=0.003)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lantern-bench-incremental"))
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument(
        "--reuse-base", action="store_true", help="Keep the base store of an earlier run."
    )
    parser.add_argument(
        "--together", action="store_true", help="Run the incremental and full runs at once."
    )
    parser.add_argument(
        "--latest",
        action="store_true",
        help="The delta's new events are the county's latest recorded (a day's new records), "
        "not drawn from its whole history.",
    )
    args = parser.parse_args()

    compile_bytecode()
    work = args.work / f"county-{args.children}-{args.seed}"
    county = work / "county"
    if not (county / "events.csv").exists():
        shutil.rmtree(work, ignore_errors=True)
        generate(county, seed=args.seed, children=args.children, years=10)
    events = rows(county / "events.csv")[0]
    people = rows(county / "people.csv")[0]
    changed = max(1, round(events * args.share * 0.1))
    plan = DeltaPlan(
        deltas=1,
        share=args.share * 0.8,
        changed_people=changed,
        changed_events=changed,
        merges=max(1, changed // 2),
        latest=args.latest,
    )
    kind = "latest" if args.latest else "random"
    if not args.reuse_base:
        shutil.rmtree(work / f"extracts-{kind}", ignore_errors=True)
    base, delta = split(county, work / f"extracts-{kind}", plan, seed=args.seed)
    delta_rows = {n: rows(delta / n)[0] for n in ("people.csv", "events.csv", "event_people.csv")}

    stores = work / f"stores-{kind}"
    stores.mkdir(exist_ok=True)
    if args.reuse_base and (stores / "base.json").exists():
        first = json.loads((stores / "base.json").read_text())
    else:
        first = pipeline_run(stores / "base.duckdb", base, full=True)
        (stores / "base.json").write_text(json.dumps(first))
    began = time.perf_counter()
    shutil.copyfile(stores / "base.duckdb", stores / "incremental.duckdb")
    copy_seconds = time.perf_counter() - began
    shutil.copyfile(stores / "base.duckdb", stores / "full.duckdb")
    size_mb = (stores / "full.duckdb").stat().st_size / 2**20
    if args.together:  # both at once: the same load on each (a shared machine's noise)
        runs = [start_run(stores / "incremental.duckdb", delta, full=False),
                start_run(stores / "full.duckdb", delta, full=True)]  # fmt: skip
        incremental, full = finish(runs[0]), finish(runs[1])
    else:
        incremental = pipeline_run(stores / "incremental.duckdb", delta, full=False)
        full = pipeline_run(stores / "full.duckdb", delta, full=True)
    assert incremental["incremental"] and not full["incremental"]

    from incremental_support import differences

    differ = differences(stores / "incremental.duckdb", stores / "full.duckdb")
    load = os.getloadavg()
    share = incremental["seconds"] / full["seconds"]
    stage_names = list(full["stages"])
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other helpers' work (load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end; niced): times are upper bounds. "
        f"County: `lantern synth --seed {args.seed} --children {args.children:,}` "
        f"({events:,} events, {people:,} person records). Delta (`lantern.synth.deltas`, seed "
        f"{args.seed}): {delta_rows['events.csv']:,} event rows "
        f"({delta_rows['events.csv'] / events:.2%} of events, "
        + ("the county's latest recorded" if args.latest else "drawn from its whole history")
        + f"; {plan.changed_events} of them "
        f"changed narratives), {delta_rows['people.csv']:,} person rows ({plan.changed_people} "
        f"with a changed postcode, {plan.merges} corrected to another person's name, date of "
        f"birth and NHS number), {delta_rows['event_people.csv']:,} links. The base run "
        + (
            f"(full, empty store) took about {first['seconds']:.0f} s ({first['note']}); "
            if "note" in first
            else f"(full, empty store) took {first['seconds']:.0f} s, peak {first['peak_mb']:,} MB; "
        )
        + f"store {size_mb:,.0f} MB."
        + (
            " The two runs on the delta ran at the same time (`--together`)."
            if args.together
            else ""
        ),
        "",
        "| run on the delta | " + " | ".join(stage_names) + " | total s | peak MB |",
        "|---|" + "---|" * (len(stage_names) + 2),
        *(
            f"| {name} | "
            + " | ".join(f"{r['stages'].get(s, 0):.1f}" for s in stage_names)
            + f" | **{r['seconds']:.1f}** | {r['peak_mb']:,} |"
            for name, r in (("full (`full=True`)", full), ("incremental", incremental))
        ),
        "",
        f"Incremental / full wall time: **{share:.0%}** (aim: at most 10%); peak memory "
        f"{incremental['peak_mb']:,} MB against {full['peak_mb']:,} MB. "
        f"Peak memory after each stage (MB), incremental: {incremental.get('peaks')}; full: "
        f"{full.get('peaks')}. "
        f"Resolve steps, incremental: {incremental['resolve_steps']}; full: "
        f"{full['resolve_steps']}. Texts read: incremental {incremental['texts_read']:,} of "
        f"{incremental['distinct_texts']:,} distinct, full {full['texts_read']:,}. "
        f"Persons changed by the delta (`person_changes` rows): {incremental['person_changes']}. "
        f"Score replay: {incremental['parts_carried']:,} of {incremental['replay_parts']:,} "
        f"parts carried forward (`score/carry.py`), {incremental.get('parts_resumed', 0):,} "
        f"touched parts resumed from their pieces' states on the base's day, the rest replayed "
        f"from their first day. "
        f"Graph steps, full: {full['graph_steps']}; incremental: {incremental['graph_steps']}. "
        f"Copying the store for a new generation (not in the figures above): "
        f"{copy_seconds:.1f} s.",
        "",
        "Tables that differ between the incremental and the full store: "
        + ("; ".join(f"`{t}` {d}" for t, d in differ.items()) or "none")
        + (
            " (the full run retrained the Splink model on all the records; the incremental run "
            "kept the base's: docs/incremental.md)."
            if differ
            else "."
        ),
    ]
    print("\n".join(lines))
    if not args.no_write:
        replace_section(SECTION, lines)


if __name__ == "__main__":
    main()
