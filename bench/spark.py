"""Benchmark `lantern assess --engine spark` (local Spark) beside the DuckDB engine.

    python bench/spark.py [--sizes 10000,50000] [--engines spark,duckdb] [--seed 2]
                          [--master local[2]] [--work /tmp/lantern-bench-spark] [--keep-county]
                          [--stop-at 23:45] [--no-write]

For each size: a county (`lantern synth --seed S --children N`, a tuning seed; `--keep-county`
reuses one already generated there), then `lantern assess --store` on it with each engine, one
after the other, each in its own process. Wall time is the command's; peak memory is the
largest sum of resident memory over the command's process tree (Lantern, and for Spark the JVM
and its Python workers), sampled every half second — a run's own `ru_maxrss` would miss the
JVM. Stage times are the command's own when it finishes; while it runs they are timed from
outside, from the progress line each stage prints on stderr as it starts (`start-up` is the
time before the first stage: Python's imports and, for Spark, the session). A run still going
at `--stop-at` (UTC) is stopped and recorded as far as it got: the stages it finished, and how
long it had been in the one it was stopped in (`>N`).

Every run is appended to bench/spark_runs.json (size, engine, commit, load average before and
after, times, peak, how it ended), and this session's section of bench/RESULTS.md is rewritten
from that file at each stage, so a run stopped by hand or by the deadline loses nothing it
reached. When both engines finish a size the two stores are compared (`tests/spark_compare.py`).
The Spark run's named SQL steps: how many ran on Spark SQL and how many stayed on DuckDB
(`LANTERN_SPARK_SQL_REPORT`). `bench/spark_fit.py` fits the scaling from the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

from spark_compare import compare  # noqa: E402 - tests/spark_compare.py

SECTION = "## Spark, ninth session (issue 24, `spark`)"
SESSION = 9
RUNS = Path(__file__).resolve().parent / "spark_runs.json"
LANTERN = str(Path(sys.executable).parent / "lantern")
STAGES = ("start-up", "ingest", "resolve", "indicators", "graph", "score", "export")


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _tree_cpu(process: psutil.Process, cpu: dict[int, float]) -> None:
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
        except psutil.Error:
            continue
        cpu[p.pid] = max(cpu.get(p.pid, 0.0), times.user + times.system)


def _stop_tree(pid: int) -> None:
    try:
        tree = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return
    for p in tree:
        try:
            p.send_signal(signal.SIGTERM)
        except psutil.Error:
            pass
    psutil.wait_procs(tree, timeout=20)
    for p in tree:
        try:
            p.kill()
        except psutil.Error:
            pass


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--", "src")
    return git("rev-parse", "--short", "HEAD") + ("+dirty src" if dirty else "")


def measured(
    command: list[str], env: dict[str, str], run: dict[str, Any], stop_at: datetime | None, save
) -> str:  # type: ignore[no-untyped-def]
    """Run `command`, filling `run` (wall, peak, stage times, how it ended) as it goes and
    calling `save()` at each stage; returns its stdout."""
    began = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    watched = psutil.Process(child.pid)
    run["peak_mb"] = 0.0
    cpu: dict[int, float] = {}  # pid -> its user + system seconds, the largest seen
    rusage = resource.getrusage(resource.RUSAGE_CHILDREN)
    lock = threading.Lock()  # the sampler and the progress reader both add to `cpu`
    cpu_at: dict[str, float] = {}  # stage -> the tree's CPU seconds during it (sampled)
    errors: list[str] = []
    outside: dict[str, float] = {}  # stage -> seconds, timed from the progress lines
    current: list[Any] = ["start-up", began]  # the stage running, and since when

    def sample() -> None:
        while child.poll() is None:
            try:
                run["peak_mb"] = max(run["peak_mb"], _tree_rss(watched) / 2**20)
                with lock:
                    _tree_cpu(watched, cpu)
            except psutil.Error:
                return
            if stop_at and datetime.now(UTC) >= stop_at and not run.get("stopped"):
                run["stopped"] = f"stopped at {datetime.now(UTC):%H:%M} UTC (deadline)"
                _stop_tree(child.pid)
            time.sleep(0.5)

    def progress() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            errors.append(line)
            name = line.strip().rstrip("…").strip()
            if line.strip().endswith("…") and name:
                now = time.perf_counter()
                outside[str(current[0])] = now - float(current[1])
                with lock:
                    try:
                        _tree_cpu(watched, cpu)
                    except psutil.Error:
                        pass
                    cpu_at[str(current[0])] = sum(cpu.values()) - sum(cpu_at.values())
                run["stage_cpu"] = dict(cpu_at)
                current[:] = [name, now]
                run["stages_outside"] = dict(outside)
                run["in_stage"] = name
                run["wall_s"] = now - began
                save()

    sampler = threading.Thread(target=sample, daemon=True)
    reader = threading.Thread(target=progress, daemon=True)
    sampler.start()
    reader.start()
    assert child.stdout is not None
    out = child.stdout.read()
    child.wait()
    reader.join()
    sampler.join()
    run["wall_s"] = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = after.ru_utime + after.ru_stime - rusage.ru_utime - rusage.ru_stime
    # The processes' own CPU: the kernel's count for the tree's waited processes, or the
    # samples' when larger (a process its parent never waited for, such as a killed run's).
    run["cpu_s"] = max(waited, sum(cpu.values()))
    cpu_at[str(current[0])] = sum(cpu.values()) - sum(cpu_at.values())
    run["stage_cpu"] = dict(cpu_at)
    if child.returncode == 0:
        run["ended"] = "finished"
        run.pop("in_stage", None)
    else:
        outside[str(current[0])] = time.perf_counter() - float(current[1])
        run["stages_outside"] = dict(outside)
        run["ended"] = run.get("stopped") or f"failed (exit {child.returncode})"
        run["error_tail"] = "".join(errors)[-1500:]
    return out


def stages(out: str) -> dict[str, float]:
    """The command's own stage times from its summary lines (`  resolve   48.2s  peak …`)."""
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1].endswith("s") and parts[2] == "peak":
            try:
                found[parts[0]] = float(parts[1][:-1])
            except ValueError:
                pass
    return found


def load_runs() -> list[dict[str, Any]]:
    return json.loads(RUNS.read_text()) if RUNS.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--engines", default="spark,duckdb")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--work", type=Path, default=Path("/tmp/lantern-bench-spark"))
    parser.add_argument("--keep-county", action="store_true")
    parser.add_argument("--stop-at", help="HH:MM UTC today: stop a run still going then")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    stop_at = None
    if args.stop_at:
        hour, minute = map(int, args.stop_at.split(":"))
        stop_at = datetime.now(UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    env = dict(os.environ, LANTERN_SPARK_MASTER=args.master)
    runs = load_runs()

    def save() -> None:
        if args.no_write:
            return
        RUNS.write_text(json.dumps(runs, indent=1) + "\n")
        replace_section(SECTION, section_lines(runs), keep="### By hand")

    for size in (int(s) for s in args.sizes.split(",")):
        work = args.work / str(size)
        county = work / "county"
        if not (args.keep_county and (county / "events.csv").exists()):
            shutil.rmtree(work, ignore_errors=True)
            subprocess.run(
                [LANTERN, "synth", "--out", str(county), "--seed", str(args.seed)]
                + ["--children", str(size)],
                check=True,
                capture_output=True,
            )
        stores = {}
        for engine in args.engines.split(","):
            stores[engine] = work / f"{engine}.duckdb"
            stores[engine].unlink(missing_ok=True)
            shutil.rmtree(work / engine, ignore_errors=True)
            report = work / "spark-sql.json"
            report.unlink(missing_ok=True)
            env["LANTERN_SPARK_SQL_REPORT"] = str(report)
            run: dict[str, Any] = {
                "session": SESSION,
                "children": size,
                "seed": args.seed,
                "engine": engine,
                "master": args.master if engine == "spark" else None,
                "commit": _commit(),
                "started_utc": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
                "load_before": round(os.getloadavg()[0], 1),
            }
            runs.append(run)
            command = [LANTERN, "assess", str(county), "--out", str(work / engine)]
            command += ["--store", str(stores[engine]), "--engine", engine]
            out = measured(command, env, run, stop_at, save)
            run["load_after"] = round(os.getloadavg()[0], 1)
            run["stages"] = stages(out)
            if engine == "spark" and report.exists():
                sql = json.loads(report.read_text())
                run["sql_on_spark"], run["sql_on_duckdb"] = len(sql["ran"]), len(sql["declined"])
                run["sql_seconds"] = _sql_seconds(sql.get("seconds", {}))
            save()
            print(_row(run), flush=True)
            if run["ended"] != "finished":
                stores.pop(engine)
        if {"duckdb", "spark"} <= set(stores):
            found = compare(stores["duckdb"], stores["spark"])
            runs[-1]["compared"] = (
                f"{found.summary()}; explained by Leiden's path: {found.explained}"
            )
            save()
    print("\n".join(section_lines(runs)))


def _sql_seconds(seconds: dict[str, dict[str, float]]) -> dict[str, Any]:
    """The named SQL steps' wall seconds in the engine's runner: the sums (inputs put on
    Spark, Spark's run and the read back, the time spent on steps Spark then declined) and
    the five slowest steps."""
    spent = {name: t.get("total", t.get("declined after", 0.0)) for name, t in seconds.items()}
    return {
        "inputs": round(sum(t.get("inputs", 0.0) for t in seconds.values()), 1),
        "spark": round(sum(t.get("spark", 0.0) for t in seconds.values()), 1),
        "all": round(sum(spent.values()), 1),
        "declined": round(sum(t.get("declined after", 0.0) for t in seconds.values()), 1),
        "slowest": dict(sorted(spent.items(), key=lambda kv: -kv[1])[:5]),
    }


def _cell(run: dict[str, Any], stage: str) -> str:
    own = run.get("stages") or {}
    outside = run.get("stages_outside") or {}
    if stage in own:
        return f"{own[stage]:.1f}"
    if stage in outside:
        seconds = outside[stage]
        return f">{seconds:.0f}" if stage == run.get("in_stage") else f"~{seconds:.0f}"
    return ""


def _cpu(run: dict[str, Any]) -> str:
    if "cpu_s" not in run:
        return ""
    return f"{run['cpu_s']:,.0f}" + ("*" if run.get("cpu_sampled_outside") else "")


def _row(run: dict[str, Any]) -> str:
    ended = run.get("ended") or f"running, in {run.get('in_stage', 'start-up')}"
    return (
        f"| {run['children']:,} | {run['engine']} | {run['commit']} | {run['started_utc'][11:]} | "
        f"{run.get('wall_s', 0):.0f} | {_cpu(run)} | {run.get('peak_mb', 0):,.0f} | "
        + " | ".join(_cell(run, s) for s in STAGES)
        + f" | {run['load_before']:.1f} / {run.get('load_after', float('nan')):.1f} | {ended} |"
    )


def section_lines(runs: list[dict[str, Any]]) -> list[str]:
    mine = [r for r in runs if r.get("session") == SESSION]
    day = mine[0]["started_utc"][:10] if mine else ""
    lines = [
        f"Measured {day} on {platform.machine()}, {os.cpu_count()} cores "
        f"({psutil.virtual_memory().total / 2**30:.0f} GiB), Python {platform.python_version()}, "
        "Spark master `local[2]`; the machine was shared with five other engineers' work, each "
        "run niced and run alone (the two engines one after the other, not side by side): wall "
        "times are upper bounds, read them with the load average (1-minute, before / after the "
        "run). Counties: `lantern synth --seed 2` (a tuning seed), 10 years. `lantern assess "
        "--store` per engine, each in its own process; peak = the largest summed RSS of the "
        "process tree (Lantern, the JVM, Spark's Python workers), sampled every 0.5 s. Stage "
        "times in seconds, the command's own; `~N`: timed from outside (the run did not finish, "
        "so it printed none), `>N`: the stage it was stopped in, and how long it had run. "
        "`start-up`: before the first stage (imports; for Spark, the session). CPU s: user + "
        "system seconds of the whole process tree (the kernel's count for the processes waited "
        "for, or the sum of each process's largest sample when larger; `*`: sampled every 2 s "
        "by a watcher started after the run) — on a shared "
        "machine the load inflates wall time far more than CPU time. All figures "
        "tuning (seed 2). Every run's record: `bench/spark_runs.json`.",
        "",
        "| children | engine | commit | started UTC | wall s | CPU s | peak MB | "
        + " | ".join(STAGES)
        + " | load before / after | ended |",
        "|---:|---|---|---|---:|---:|---:|" + "---:|" * len(STAGES) + "---|---|",
        *(_row(r) for r in mine),
        "",
    ]
    timed = [r for r in mine if r.get("stage_cpu")]
    if timed:
        lines += [
            "CPU seconds by stage (the tree's, sampled at each stage's progress line; the "
            "sampler misses what a process used after its last sample, so these add up to a "
            "little less than CPU s):",
            "",
            "| children | engine | " + " | ".join(STAGES) + " |",
            "|---:|---|" + "---:|" * len(STAGES),
            *(
                f"| {r['children']:,} | {r['engine']} | "
                + " | ".join(
                    f"{r['stage_cpu'][s]:.0f}" if s in r["stage_cpu"] else "" for s in STAGES
                )
                + " |"
                for r in timed
            ),
            "",
        ]
    for r in mine:
        if "sql_on_spark" in r:
            lines.append(
                f"- {r['children']:,} children, Spark: {r['sql_on_spark']} named SQL steps ran "
                f"on Spark SQL, {r['sql_on_duckdb']} on DuckDB"
            )
        if "sql_seconds" in r:
            t = r["sql_seconds"]
            slowest = ", ".join(f"{k} {v:.0f}" for k, v in t["slowest"].items())
            lines.append(
                f"- {r['children']:,} children, Spark: the named SQL steps took {t['all']:,.0f} s "
                f"in the runner (inputs put on Spark {t['inputs']:,.0f}, Spark's run and the "
                f"read back {t['spark']:,.0f}, steps Spark then declined {t['declined']:,.0f}); "
                f"slowest (s): {slowest}"
            )
        if "compared" in r:
            lines.append(f"- {r['children']:,} children, the two stores: {r['compared']}")
    return lines


if __name__ == "__main__":
    main()
