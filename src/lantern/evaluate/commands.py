"""`lantern evaluate`: how well Lantern finds the planted networks of a synthetic county."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def evaluate_command(
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset to assess (runs the pipeline).")
    ] = None,
    truth: Annotated[
        Path | None, typer.Option("--truth", help="Ground truth directory (default DATA/truth).")
    ] = None,
    assessed: Annotated[
        Path | None,
        typer.Option(
            "--assessed",
            help="Evaluate an existing `lantern assess` output (or an evaluate work directory) instead of running the pipeline.",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the report as JSON here.")
    ] = None,
    work: Annotated[
        Path | None,
        typer.Option(
            "--work",
            help="Where the runs' outputs go, kept afterwards "
            "(default: a temporary directory, removed at the end).",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assess as of this date (YYYY-MM-DD).")
    ] = None,
    siloed: Annotated[
        bool, typer.Option("--siloed/--no-siloed", help="Also run each agency alone.")
    ] = True,
    lead_table: Annotated[
        Path | None,
        typer.Option(
            "--lead-table",
            help="Write the per-victim lead table here (default: lead_time.csv beside "
            "--out, and in --work).",
        ),
    ] = None,
) -> None:
    """Measure identity linkage, children flagged, networks found and lead time against truth."""
    import json
    import shutil
    import tempfile

    from lantern.errors import UserError
    from lantern.evaluate import runs
    from lantern.evaluate.inputs import load_truth
    from lantern.evaluate.metrics import evaluate_outputs
    from lantern.evaluate.summary import print_summary
    from lantern.evaluate.victim_leads import write_table

    if (data is None) == (assessed is None):
        raise UserError("give exactly one of --data DIR (run the pipeline) or --assessed DIR")
    if truth is None:
        if data is None:
            raise UserError("--truth is required with --assessed")
        truth = data / "truth"
    if not truth.is_dir():
        raise UserError(f"{truth}: no ground truth directory here")
    measured: dict[str, object] = {}
    scratch = None
    if data is not None and work is None:
        # Nobody asked to keep the runs: a scratch directory, removed however we leave.
        scratch = work = Path(tempfile.mkdtemp(prefix="lantern-evaluate-"))
    try:
        if data is not None:
            assert work is not None
            agencies = load_truth(truth).agencies
            typer.echo(
                f"running the pipeline jointly and for {len(agencies) if siloed else 0} "
                f"agencies alone, into {work}",
                err=True,
            )
            measured = runs.run_all(
                data,
                work,
                agencies,
                as_of=as_of,
                siloed=siloed,
                progress=lambda name: typer.echo(f"  done: {name}", err=True),
            )
            assessed = work
        assert assessed is not None
        joint, silos = runs.layout(assessed)
        report = evaluate_outputs(joint, truth, silos or None, dataset_dir=data)
        report["runs"] = measured or runs.read_runs(assessed)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, default=str))
    tables = [lead_table] if lead_table else []
    if not tables and out is not None:
        tables.append(out.parent / "lead_time.csv")
    if not tables and work is not None and scratch is None:
        tables.append(work / "lead_time.csv")
    for path in tables:
        write_table(report["lead_time_per_victim"], path)  # type: ignore[arg-type]
    print_summary(report)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_command)
