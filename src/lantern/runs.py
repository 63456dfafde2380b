"""A run of the pipeline as a store generation, and what `lantern status` says about runs.

`run_generation` wraps `pipeline.run` (bring an extract into a store, derive): it takes the
store's lock, runs the pipeline on a copy of the current generation and makes the copy current
when every stage has finished (`lantern.store.generations`). The web app keeps serving the
generation it has while the run works, and moves to the new one when it sees the switch; a run
that fails or is killed leaves the current generation as it was.

Every run appends to the store's run log (`S.generations/runs.jsonl`), and `lantern run`
prints one `log_line` at the end for a monitoring system; `status` reads the log, the lock and
the current generation.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from lantern.errors import DatasetError
from lantern.pipeline import AssessSummary, assess, run
from lantern.settings import Settings
from lantern.store import generations


@dataclass
class RunResult:
    summary: AssessSummary
    generation: generations.Generation


def _load_details(summary: AssessSummary) -> dict[str, Any]:
    load = summary.results.get("ingest")
    if load is None:
        return {"load_id": None, "read": 0, "loaded": 0, "quarantined": 0, "warned": 0}
    return {
        "load_id": load.load_id,
        "dataset": load.path,
        "read": load.total("read"),
        "loaded": load.total("loaded"),
        "quarantined": load.total("quarantined"),
        "warned": load.total("warned"),
    }


def run_generation(
    store: Path,
    dataset: Path | None,
    *,
    full: bool = False,
    out_dir: Path | None = None,
    as_of: date | None = None,
    progress: Callable[[str], None] | None = None,
    settings: Settings | None = None,
    engine: str = "duckdb",
) -> RunResult:
    """`pipeline.run` on the next generation of `store`, made current when it succeeds."""
    purpose = (
        "lantern run " + (str(dataset) if dataset else "(recompute)") + (" --full" if full else "")
    ) + (f" --engine {engine}" if engine != "duckdb" else "")
    with generations.writing(store, purpose) as generation:
        generation.details["dataset"] = str(dataset) if dataset else None
        try:
            summary = run(
                generation.path, dataset, full=full, out_dir=out_dir, as_of=as_of,
                progress=progress, settings=settings, engine=engine,
            )  # fmt: skip
        except DatasetError as error:
            if "the load is incomplete" not in str(error):  # unreadable: nothing was loaded
                raise
            raise _refused(store, generation, error) from error
        generation.details.update(_load_details(summary))
        generation.details["mode"] = (
            "incremental" if getattr(summary, "incremental", False) else "full"
        )
        generation.details["stages"] = {t.stage: round(t.seconds, 2) for t in summary.stages}
        generation.details["engine"] = engine
    return RunResult(summary, generation)


def assess_generation(store: Path, dataset: Path, out_dir: Path, **options: Any) -> RunResult:
    """`pipeline.assess(dataset, out_dir, store_path=…, **options)` on the next generation of
    `store`, made current when it succeeds: `lantern assess --store S` on a store the app may
    be serving writes beside it, as `lantern run` does, never in place. An incomplete load is
    refused and kept for reading (`_refused`)."""
    with generations.writing(store, f"lantern assess {dataset}") as generation:
        generation.details["dataset"] = str(dataset)
        try:
            summary = assess(dataset, out_dir, store_path=generation.path, **options)
        except DatasetError as error:
            if "the load is incomplete" not in str(error):
                raise
            raise _refused(store, generation, error) from error
        generation.details.update(_load_details(summary))
        generation.details["mode"] = "assess"
        generation.details["stages"] = {t.stage: round(t.seconds, 2) for t in summary.stages}
    return RunResult(summary, generation)


def _refused(store: Path, generation: generations.Generation, error: DatasetError) -> DatasetError:
    """An incomplete load is not made current (the app keeps the data it has); the refused
    generation is kept, as the only one, so that its quarantine can be read."""
    folder = generations.generations_dir(store)
    for old in folder.glob("refused-*.duckdb"):
        old.unlink()
    kept = folder / f"refused-{generation.number:06d}.duckdb"
    if generation.path.exists():
        os.replace(generation.path, kept)
    problems = error.problems
    kept_on = (
        "the store keeps the generation it had"
        if generation.base is not None
        else "there is no store yet"
    )
    return DatasetError(
        f"{str(error).splitlines()[0].split(';')[0]}; nothing was switched: {kept_on}, and the "
        "app keeps serving what it served. The refused "
        f"load is kept for reading: `lantern quarantine --store {kept}` lists every row and "
        "header kept out. Correct the files and run again",
        problems,
    )


def log_line(fields: dict[str, Any]) -> str:
    """One line a monitoring system can parse: `lantern-run key=value …` (logfmt)."""

    def value(v: Any) -> str:
        text = "" if v is None else str(v)
        if not text or any(c in text for c in ' "='):
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return text

    return "lantern-run " + " ".join(f"{k}={value(v)}" for k, v in fields.items())


# status -------------------------------------------------------------------------------------------


def status(store: Path) -> dict[str, Any]:
    """What `lantern status` says: the generation current, the last run (running, succeeded,
    failed, or did not finish), and the last run that succeeded."""
    now = generations.current(store)
    served: dict[str, Any] = {"path": str(now) if now else None, "generation": None}
    if now is not None:
        served["generation"] = generations.number_of(now)
        stamp = _stamp_of(now)
        if stamp:
            served.update({k: stamp[k] for k in ("finished_at", "data_as_of", "purpose")})
    entries = generations.read_log(store)
    holder = generations.lock_holder(store)
    started = [e for e in entries if e.get("event") == "started"]
    finished = {
        (e.get("pid"), e.get("generation")): e for e in entries if e.get("event") == "finished"
    }
    last: dict[str, Any] | None = None
    if started:
        begun = started[-1]
        end = finished.get((begun.get("pid"), begun.get("generation")))
        last = {"started_at": begun.get("at"), "purpose": begun.get("purpose"),
                "generation": begun.get("generation"), "pid": begun.get("pid")}  # fmt: skip
        if end is not None:
            last.update(end)
            last.pop("event", None)
        elif holder is not None and holder.get("pid") == begun.get("pid"):
            last["outcome"] = "running"
        else:
            last["outcome"] = "did not finish"  # killed, or the machine stopped
    succeeded = [e for e in entries if e.get("outcome") == "succeeded"]
    return {
        "store": str(store),
        "current": served,
        "lock": holder,
        "last_run": last,
        "last_success": succeeded[-1] if succeeded else None,
    }


def _stamp_of(path: Path) -> dict[str, Any] | None:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:  # held by a writer (a store written in place): the log still says
        return None
    try:
        stamp = generations.read_stamp(con)
    finally:
        con.close()
    if stamp and stamp.get("data_as_of") is not None:
        stamp["data_as_of"] = stamp["data_as_of"].isoformat(sep=" ")
    return stamp
