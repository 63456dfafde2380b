"""What time-true identity (issue 18) does to quality and to the stages' time.

    python bench/identity_time.py run --label before --src /tmp/before/src
    python bench/identity_time.py run --label after
    python bench/identity_time.py write

`run` measures one source tree (`--src`: a tree exported with `git archive`, run with
PYTHONPATH; default: the installed Lantern) on the tuning counties of docs/evaluation.md
("The protocol": `lantern synth --seed 1|2 --children 2000`, then `lantern evaluate
--no-siloed`), and times `lantern assess` on a 10,000-child county (seed 1). Results go to
bench/_work/identity-time/<label>-*; `time --label L [--src DIR]` times only the stages.
`write` puts the before/after table into its own
section of bench/RESULTS.md. These are tuning seeds: figures to trace by, not held out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from identity_common import (  # noqa: E402 - bench/ is on the path
    CHILDREN,
    ROOT,
    TUNING_SEEDS,
    commands,
    county,
    evaluate,
    quality,
    write_section,
)

WORK = ROOT / "bench" / "_work" / "identity-time"
SECTION = "## Time-true identity (issue 18)"
SEEDS = TUNING_SEEDS
BIG = 10000


def run(label: str, src: Path | None) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        evaluate(county(WORK, seed), WORK / f"{label}-s{seed}.json", src)
    time_stages(label, src)


# Each stage of `lantern assess` in turn, with its wall time and the CPU time of the
# process and of the worker processes it waited for (user + system, DuckDB's threads
# included): the machine is shared, so wall time moves with the load while CPU time
# mostly does not.
TIMER = """
import json, resource, sys, tempfile, time
from pathlib import Path
from lantern.store.connection import connect
from lantern.store.ingest import ingest
from lantern.resolve import stage as resolve
from lantern.indicators import stage as indicators
from lantern.graph import stage as graph
from lantern.score import stage as score
def cpu():
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        total += r.ru_utime + r.ru_stime
    return total
out = {}
with tempfile.TemporaryDirectory() as scratch:
    con = connect(Path(scratch) / "lantern.duckdb")
    for name, step in (("ingest", lambda: ingest(con, Path(sys.argv[1]))),
                       ("resolve", lambda: resolve.run(con)),
                       ("indicators", lambda: indicators.run(con)),
                       ("graph", lambda: graph.run(con, stats=False)),
                       ("score", lambda: score.run(con))):
        wall, used = time.perf_counter(), cpu()
        step()
        out[name] = [round(time.perf_counter() - wall, 1), round(cpu() - used, 1)]
    con.close()
print(json.dumps(out))
"""


def time_stages(label: str, src: Path | None) -> None:
    data = county(WORK, 1, BIG)
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    result = subprocess.run([sys.executable, "-c", TIMER, str(data)], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    (WORK / f"{label}-stages.json").write_text(result.stdout.strip().splitlines()[-1])


def write() -> None:
    lines = [
        f'Tuning counties (docs/evaluation.md, "The protocol"): `lantern synth --seed 1|2 '
        f"--children {CHILDREN}`, `lantern evaluate --no-siloed` (lead over the siloed agencies "
        "not run). *Before*: main at 8b5b27e (counting rules and the family test on today's "
        "persons; the score's persons of D a union-find over today's `record_links`; every "
        "record listed on every date). *After*: this branch (identity over time, "
        "`docs/replay.md` §2). "
        f"Measured {dt.date.today().isoformat()} on {platform.node()} "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores, shared with "
        "seven other sessions: times are loaded-machine times). `bench/identity_time.py`.",
        "",
        "| seed | run | identity P / R | children >= medium P / R (flagged) | ever flagged P / R "
        "| lead, median days (before recognition) | months first sign -> flag |",
        "|---|---|---|---|---|---|---|",
    ]
    for seed in SEEDS:
        for label in ("before", "after"):
            path = WORK / f"{label}-s{seed}.json"
            if not path.exists():
                continue
            q = quality(path)
            lines.append(
                f"| {seed} | {label} | {q['identity_p']:.4f} / {q['identity_r']:.4f} "
                f"| {q['p']:.3f} / {q['r']:.3f} ({q['flagged']}) "
                f"| {q['ever_p']:.3f} / {q['ever_r']:.3f} "
                f"| {q['lead']} ({q['before_recognition']}) | {q['months_sign_to_flag']} |"
            )
    lines += [
        "",
        f"The stages of `lantern assess` on a {BIG:,}-child county (seed 1), one after the "
        "other in one process: wall seconds / CPU seconds (user + system, DuckDB's threads "
        "included; the note below says whether the narrative workers are). Before and after "
        "were run back to back on the shared machine; the CPU time is the figure to compare.",
        "",
        "| stage | before | after |",
        "|---|---|---|",
    ]
    before = json.loads((WORK / "before-stages.json").read_text())
    after = json.loads((WORK / "after-stages.json").read_text())
    for stage in before:
        b, a = before[stage], after.get(stage)
        lines.append(
            f"| {stage} | {b[0]} / {b[1]} | {a[0]} / {a[1]} |"
            if a
            else f"| {stage} | {b[0]} / {b[1]} | - |"
        )
    write_section(SECTION, lines, WORK)


def main() -> None:
    parser, sub = commands(__doc__)
    run_parser = sub.add_parser("run")
    run_parser.add_argument("--label", required=True)
    run_parser.add_argument("--src", type=Path)
    time_parser = sub.add_parser("time")
    time_parser.add_argument("--label", required=True)
    time_parser.add_argument("--src", type=Path)
    sub.add_parser("write")
    args = parser.parse_args()
    if args.command == "run":
        run(args.label, args.src)
    elif args.command == "time":
        time_stages(args.label, args.src)
    else:
        write()


if __name__ == "__main__":
    main()
