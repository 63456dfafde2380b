"""Benchmark: the retrospective review on the synthetic county, against its ground truth.

Generates a county (`lantern synth`), runs `lantern review` on it (the whole
pipeline on a fresh store, then the review), and compares the tiers with the
planted truth: how many planted victims fall in each tier, and how many
children in each tier are not planted victims. Rewrites its own section of
bench/RESULTS.md and the "On the synthetic county" section of docs/review.md.

    PYTHONPATH=src python bench/review.py [--seed 7] [--children 3000] [--pairs]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
DOC = ROOT / "docs" / "review.md"
HEADING = "## Retrospective review (`bench/review.py`)"
DOC_HEADING = "## On the synthetic county"
TIER_ORDER = ("recognised", "probable", "possible")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def compare(truth_dir: Path, tiers_csv: Path, period_to: date | None) -> dict:
    """Tier counts against the planted truth."""
    owner = {
        f"{r['agency']}:{r['person_ref']}": r["person_id"]
        for r in read_csv(truth_dir / "records.csv")
    }
    victims = {v["person_id"]: v for v in read_csv(truth_dir / "victims.csv")}
    tier_of_victim: dict[str, str] = {}
    per_tier: dict[str, Counter] = defaultdict(Counter)
    for row in read_csv(tiers_csv):
        truths = Counter(owner.get(record, "?") for record in row["records"].split(";"))
        majority = truths.most_common(1)[0][0]
        is_victim = majority in victims
        per_tier[row["tier"]]["children"] += 1
        per_tier[row["tier"]]["planted victims" if is_victim else "not planted victims"] += 1
        for person in truths:
            if person in victims:
                best = tier_of_victim.get(person)
                if best is None or TIER_ORDER.index(row["tier"]) < TIER_ORDER.index(best):
                    tier_of_victim[person] = row["tier"]
    victims_by_tier = Counter(tier_of_victim.get(v, "in no tier") for v in victims)
    recognised_in_truth = {
        v for v, info in victims.items()
        if info.get("recognition_date") and (period_to is None or date.fromisoformat(info["recognition_date"]) <= period_to)
    }  # fmt: skip
    return {
        "victims": len(victims),
        "victims_by_tier": victims_by_tier,
        "per_tier": per_tier,
        "recognised_in_truth": len(recognised_in_truth),
        "recognised_in_truth_and_tier": sum(
            1 for v in recognised_in_truth if tier_of_victim.get(v) == "recognised"
        ),
    }


def render_period(result: dict, to: date | None, seconds: float) -> list[str]:
    title = f"Review to {to}" if to else "Review of the whole history"
    lines = [
        f"**{title}** (pipeline as of that day, then the review: {seconds:.0f} s)",
        "",
        "| tier | children in tier | of whom planted victims | not planted victims | planted victims whose best tier this is |",
        "|---|---|---|---|---|",
    ]
    for tier in TIER_ORDER:
        counts = result["per_tier"].get(tier, Counter())
        lines.append(
            f"| {tier} | {counts['children']} | {counts['planted victims']} | "
            f"{counts['not planted victims']} | {result['victims_by_tier'].get(tier, 0)} |"
        )
    total = sum((result["per_tier"].get(t, Counter()) for t in TIER_ORDER), Counter())
    missed = result["victims_by_tier"].get("in no tier", 0)
    lines += [
        f"| any tier | {total['children']} | {total['planted victims']} | "
        f"{total['not planted victims']} | {result['victims'] - missed} |",
        f"| in no tier | | | | {missed} |",
        "",
        f"Planted victims the county's agencies had formally recognised by the period end: "
        f"{result['recognised_in_truth']}; of these, in the *recognised* tier: "
        f"{result['recognised_in_truth_and_tier']}.",
        "",
    ]
    return lines


def render(
    runs: list[tuple[date | None, dict, float]], args: argparse.Namespace, timing: dict
) -> str:
    victims = runs[0][1]["victims"]
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; run {date.today().isoformat()}.",
        f"County: `lantern synth --seed {args.seed} --children {args.children}` "
        f"(synth {timing['synth']:.0f} s); {victims} planted victims.",
        "",
    ]
    for to, result, seconds in runs:
        lines += render_period(result, to, seconds)
    lines += [
        "A child in a tier counts as a planted victim when most of the records the review "
        "joined into that child belong to one. A victim's tier is the best tier of any child "
        "holding one of their records; 'in no tier' victims were not found.",
        "",
        f"The review alone on the whole-history store (its SQL steps, then the report's four "
        f"files): {timing['review_only'][0]:.1f} s + {timing['review_only'][1]:.1f} s. "
        f"Peak memory (RSS) {timing['rss_mb']:.0f} MB; in these runs agency pairs "
        + ("were replayed." if args.pairs else "were not replayed (`--no-pairs`)."),
    ]
    return "\n".join(lines) + "\n"


def replace_section(path: Path, heading: str, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(heading) + len(heading)
    following = text.find("\n## ", start)
    end = len(text) if following < 0 else following + 1
    text = text[:start] + "\n\n" + body + "\n" + text[end:]
    path.write_text(text, encoding="utf-8")


def screenshots(pdf: Path, out_dir: Path = ROOT / "docs" / "screenshots") -> list[Path]:
    """Every page of the PDF as `review-page-NN.png` (needs poppler's pdftoppm)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("review-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(pdf), str(out_dir / "review-page")], check=True
    )
    return sorted(out_dir.glob("review-page-*.png"))


def time_review_alone(store: Path, work: Path) -> tuple[float, float]:
    """Seconds for `stage.run` and for building and writing the report, on a filled store."""
    from lantern.review import render, stage
    from lantern.review.report import build_report
    from lantern.store.connection import connect

    con = connect(store)
    try:
        started = time.perf_counter()
        summary = stage.run(con)
        steps = time.perf_counter() - started
        started = time.perf_counter()
        render.write_all(build_report(con, summary), work / "review-again")
        files = time.perf_counter() - started
    finally:
        con.close()
    return steps, files


def pairs_run(lantern, review, work: Path, seed: int, children: int) -> list[str]:  # noqa: ANN001
    """A smaller county reviewed with every agency alone and every pair replayed."""
    from rich.console import Console

    from lantern.store.connection import connect

    county = work / "pairs-county"
    lantern(["synth", "--seed", str(seed), "--children", str(children), "--out", str(county)])
    started = time.perf_counter()
    files = review(county, work / "review-pairs", pairs=True, console=Console(stderr=True))
    seconds = time.perf_counter() - started
    con = connect(files.html.parent / "lantern.duckdb", read_only=True)
    try:
        rows = con.execute(
            """SELECT agency_a, agency_b, children_held_apart, children_raised_earlier,
                      children_neither_alone, median_days_earlier
               FROM review_pairs_not_joined ORDER BY children_raised_earlier DESC NULLS LAST"""
        ).fetchall()
        runs = con.execute("SELECT count(*) FROM review_siloed_runs").fetchone()[0]
    finally:
        con.close()
    lines = [
        "",
        f"**Agency pairs replayed** on `lantern synth --seed {seed} --children {children}`: "
        f"the pipeline once joined and {runs} more times (each agency alone, each pair), "
        f"then the review — {seconds:.0f} s in all.",
        "",
        "| agencies | children held apart | raised earlier together | of whom neither alone | median days earlier |",
        "|---|---|---|---|---|",
    ]
    for a, b, apart, earlier, neither, days in rows:
        lines.append(
            f"| {a} + {b} | {apart} | {earlier} | {neither} | {'' if days is None else f'{days:g}'} |"
        )
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from rich.console import Console

    from lantern.cli import main as lantern
    from lantern.commands import review_dataset as review

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument(
        "--to",
        type=date.fromisoformat,
        action="append",
        default=[],
        help="also review to this day (repeatable); the whole history is always reviewed",
    )
    parser.add_argument("--pairs", action="store_true", help="also replay agency pairs (slow)")
    parser.add_argument(
        "--pairs-children",
        type=int,
        default=0,
        help="also review a county of this many children with agency pairs replayed",
    )
    parser.add_argument("--work", type=Path, default=None, help="keep the files here")
    parser.add_argument(
        "--screenshots", action="store_true", help="render report.pdf's pages to docs/screenshots"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        county = work / "county"
        started = time.perf_counter()
        code = lantern(
            [
                "synth",
                "--seed",
                str(args.seed),
                "--children",
                str(args.children),
                "--out",
                str(county),
            ]
        )
        if code:
            return code
        synth_s = time.perf_counter() - started
        runs = []
        for to in [None, *args.to]:
            started = time.perf_counter()
            label = to.isoformat() if to else "all"
            files = review(
                county,
                work / f"review-{label}",
                period_to=to,
                pairs=args.pairs,
                console=Console(stderr=True),
            )
            seconds = time.perf_counter() - started
            runs.append((to, compare(county / "truth", files.tiers_csv, to), seconds))
            if to is None and args.screenshots and files.pdf is not None:
                screenshots(files.pdf)
            if to is None:
                review_only = time_review_alone(files.html.parent / "lantern.duckdb", work)
        pairs_lines = []
        if args.pairs_children:
            pairs_lines = pairs_run(lantern, review, work, args.seed, args.pairs_children)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    body = render(runs, args, {"synth": synth_s, "rss_mb": rss_mb, "review_only": review_only})
    body += "\n".join(pairs_lines)
    print(body)
    replace_section(RESULTS, HEADING, body)
    replace_section(DOC, DOC_HEADING, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
