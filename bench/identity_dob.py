"""The legal-age rules on each record's own date of birth against the person's best-supported
one (resolve/identity.py): the same county assessed both ways, then `lantern evaluate`.

    python bench/identity_dob.py --seeds 1 --children 2000     # tuning seeds only while working

Prints a Markdown table (tuning or held out, from docs/evaluation.md's protocol) to paste into
bench/RESULTS.md. "per record" drops `person_identity` after resolve, so the indicators read
each record's own date (the behaviour before); everything else is the same code.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

TUNING = {1, 2, 3, 4, 5, 6}


def assess(county: Path, out: Path, *, per_record: bool) -> float:
    from lantern import pipeline
    from lantern.store.connection import connect

    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    con = connect(out / "store.duckdb")
    try:
        pipeline._ingest(con, county)
        pipeline._resolve(con)
        if per_record:
            con.execute("DROP TABLE person_identity")
        pipeline._indicators(con)
        pipeline._graph(con, stats=False)
        from lantern.score import stage as score

        score.run(con, None)
        pipeline.write_outputs(con, out)
        legal = con.execute("SELECT count(*) FROM indicator_hits WHERE source = 'legal'").fetchone()
    finally:
        con.close()
    (out / "legal_hits.txt").write_text(str(legal[0] if legal else 0))
    return time.perf_counter() - started


def evaluate(county: Path, assessed: Path) -> dict:
    report = assessed / "report.json"
    subprocess.run(
        [sys.executable, "-m", "lantern.cli", "evaluate", "--assessed", str(assessed),
         "--truth", str(county / "truth"), "--no-siloed", "--out", str(report)],
        check=True, capture_output=True,
    )  # fmt: skip
    return json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lantern-bench-identity"))
    args = parser.parse_args()
    from lantern.synth.county import generate

    print(
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"Python {platform.python_version()}.\n"
    )
    print(
        "| children | seed | use | dates of birth | legal hits | recall (now) | precision (now) |"
    )
    print("|---|---|---|---|---|---|---|")
    for seed in [int(s) for s in args.seeds.split(",")]:
        county = args.work / f"county-{seed}-{args.children}"
        if not (county / "truth" / "manifest.yaml").is_file():
            generate(county, seed=seed, children=args.children, years=10)
        use = "tuning" if seed in TUNING else "held out"
        for per_record in (True, False):
            out = args.work / f"{seed}-{args.children}-{'record' if per_record else 'best'}"
            if not (out / "legal_hits.txt").is_file():  # an assessment already made is reused
                assess(county, out, per_record=per_record)
            report = evaluate(county, out)
            flagged = report["children_at_risk"]["all"]
            print(
                f"| {args.children} | {seed} | {use} | "
                f"{'each record its own' if per_record else 'best-supported'} | "
                f"{(out / 'legal_hits.txt').read_text()} | {flagged['recall']:.2f} | "
                f"{flagged['precision']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
