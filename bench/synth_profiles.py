"""Benchmark the generator's profiles (issues 16 and 20): Lantern's figures on the tuning seeds
of the default and the hard profile, before and after a generator change, and the generator's
speed at 10,000 children. Rewrites its own section of bench/RESULTS.md.

    python bench/synth_profiles.py [--children 2000] [--speed 10000] [--work DIR]
                                   [--before DIR] [--before-label TEXT] [--no-write]

Only tuning seeds (docs/evaluation.md, "The protocol"): default 1-6, hard 11 and 12. Held-out
seeds (301-303, 311-313) are never run here. `--before DIR` reads a directory of earlier
results written by this script's `--work` (or by hand: `d<seed>.json`/`h<seed>.json` from
`lantern evaluate --out`, with `--work` kept as `d<seed>.work`/`h<seed>.work`), made with an
earlier generator, so the table can show both.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from collections import Counter
from pathlib import Path

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Generator: the hard profile and boys (issue 16/20) (`bench/synth_profiles.py`)"
NOTES = "### What this shows (by hand)"  # kept when the script rewrites the section
TUNING = {"default": (1, 2, 3, 4, 5, 6), "hard": (11, 12)}
BENIGN = {"relative", "taxi_driver", "partner", "foster_carer", "parent", "professional"}
LANTERN = [sys.executable, "-m", "lantern.cli"]

SPEED_RUN = """
import json, resource, sys, time
from pathlib import Path
from lantern.synth.county import generate
began = time.perf_counter()
s = generate(Path(sys.argv[1]), seed=int(sys.argv[2]), children=int(sys.argv[3]), years=10,
             profile=sys.argv[4])
print(json.dumps({"seconds": time.perf_counter() - began,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "events": s.events, "person_records": s.person_records}))
"""


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run_county(work: Path, profile: str, seed: int, children: int) -> Path:
    """Generate one county and evaluate it (kept in `work`); returns the county's directory."""
    tag = f"{profile[0]}{seed}"
    county = work / tag
    if not (county / "truth" / "manifest.yaml").is_file():
        subprocess.run(
            [*LANTERN, "synth", "--seed", str(seed), "--children", str(children),
             "--profile", profile, "--out", str(county)],
            check=True, capture_output=True,
        )  # fmt: skip
    evaluate(work, tag)
    return county


def evaluate(work: Path, tag: str) -> None:
    """`lantern evaluate` the county `work/tag` unless its report and work directory exist."""
    report = work / f"{tag}.json"
    if not report.is_file() or not (work / f"{tag}.work").is_dir():
        subprocess.run(
            [*LANTERN, "evaluate", "--data", str(work / tag), "--no-siloed", "--out", str(report),
             "--work", str(work / f"{tag}.work")],
            check=True, capture_output=True,
        )  # fmt: skip


def benign_in_flagged_networks(county: Path, run: Path) -> tuple[int, Counter[str]]:
    """People of a benign kind (truth/persons.csv) inside networks Lantern flagged: each
    resolved person counts as the true person most of its records belong to."""
    networks = run / "networks.csv"
    if not networks.is_file():
        return 0, Counter()
    truth_of = {
        f"{r['agency']}:{r['person_ref']}": r["person_id"]
        for r in _rows(county / "truth" / "records.csv")
    }
    kind = {p["person_id"]: p["kind"] for p in _rows(county / "truth" / "persons.csv")}
    resolved: dict[str, str] = {}
    for row in _rows(run / "persons.csv"):
        votes = Counter(truth_of.get(r, "") for r in row["records"].split(";") if r)
        resolved[row["person_id"]] = votes.most_common(1)[0][0] if votes else ""
    benign: Counter[str] = Counter()
    flagged = 0
    for net in _rows(networks):
        if not net.get("first_flagged_at"):
            continue
        flagged += 1
        for member in net["members"].split(";"):
            k = kind.get(resolved.get(member, ""), "")
            if k in BENIGN:
                benign[k] += 1
    return flagged, benign


def summary(county: Path, report: Path, work: Path) -> dict[str, object]:
    data = json.loads(report.read_text())
    risk = data["children_at_risk"]
    nets = data["networks"]
    early = 0
    for victim in data["lead_time_per_victim"]:
        flag, seen = victim.get("joint_first_flag"), victim["recognition_date"]
        if flag and (dt.date.fromisoformat(seen) - dt.date.fromisoformat(flag)).days >= 30:
            early += 1
    flagged_networks, benign = benign_in_flagged_networks(county, work / "joint")
    return {
        "victims_f": risk["F"]["victims"],
        "victims_m": risk["M"]["victims"],
        "flagged": risk["all"]["flagged_rows"],
        "flagged_victims": risk["all"]["flagged_victim_rows"],
        "found_f": risk["F"]["victims_found"],
        "found_m": risk["M"]["victims_found"],
        "early": early,
        "planted": nets["planted"],
        "found_networks": nets["found"],
        "reported": nets["reported"],
        "false_networks": nets["false"],
        "flagged_networks": flagged_networks,
        "benign_in_flagged": sum(benign.values()),
        "benign_kinds": dict(benign),
        "identity_f1": data["identity"]["f1"],
    }


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "-"


def table(results: dict[str, dict[str, object]], seeds: tuple[int, ...], profile: str) -> list[str]:
    keys = [f"{profile[0]}{s}" for s in seeds if f"{profile[0]}{s}" in results]
    if not keys:
        return []
    total: Counter[str] = Counter()
    for k in keys:
        for field, value in results[k].items():
            if isinstance(value, (int, float)) and field != "identity_f1":
                total[field] += value  # type: ignore[assignment]
    victims = total["victims_f"] + total["victims_m"]
    found = total["found_f"] + total["found_m"]
    return [
        f"| victims (girls / boys) | {total['victims_f']} / {total['victims_m']} |",
        f"| children flagged ≥ medium / of them victims | {total['flagged']} / {total['flagged_victims']} |",
        f"| precision | {_ratio(total['flagged_victims'], total['flagged'])} |",
        f"| recall: all / girls / boys | {_ratio(found, victims)} / {_ratio(total['found_f'], total['victims_f'])} / {_ratio(total['found_m'], total['victims_m'])} |",
        f"| early recall (flagged ≥ 30 days before recognition) | {_ratio(total['early'], victims)} |",
        f"| networks planted / found / reported / false | {total['planted']} / {total['found_networks']} / {total['reported']} / {total['false_networks']} |",
        f"| benign people (relatives, drivers, partners, carers, parents, professionals) inside flagged networks | {total['benign_in_flagged']} |",
        f"| identity F1 (mean) | {sum(float(results[k]['identity_f1']) for k in keys) / len(keys):.3f} |",  # type: ignore[arg-type]
    ]  # fmt: skip


def speed(children: int, profile: str, work: Path) -> dict[str, float]:
    out = work / f"speed-{profile}-{children}"
    env = dict(os.environ)
    done = subprocess.run(
        [sys.executable, "-c", SPEED_RUN, str(out), "1", str(children), profile],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def collect(work: Path, children: int) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for profile, seeds in TUNING.items():
        for seed in seeds:
            county = run_county(work, profile, seed, children)
            tag = f"{profile[0]}{seed}"
            results[tag] = summary(county, work / f"{tag}.json", work / f"{tag}.work")
            print(tag, results[tag], flush=True)
    return results


def read_before(before: Path) -> dict[str, dict[str, object]]:
    """Counties an earlier generator wrote into `before` (never generated here: a missing one
    is left out), evaluated with today's Lantern."""
    results: dict[str, dict[str, object]] = {}
    for profile, seeds in TUNING.items():
        for seed in seeds:
            tag = f"{profile[0]}{seed}"
            if (before / tag / "truth" / "manifest.yaml").is_file():
                evaluate(before, tag)
                results[tag] = summary(before / tag, before / f"{tag}.json", before / f"{tag}.work")
                print("before", tag, results[tag], flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--speed", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "_work" / "gen" / "after")
    parser.add_argument("--before", type=Path)
    parser.add_argument("--before-label", default="before")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    after = collect(args.work, args.children)
    before = read_before(args.before) if args.before else {}
    speeds = {p: speed(args.speed, p, args.work) for p in ("default", "hard")}
    print(speeds)
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python "
        f"{platform.python_version()}; {dt.date.today().isoformat()}. **All figures are "
        f"tuning** (docs/evaluation.md: default seeds 1-6, hard seeds 11 and 12), "
        f"{args.children:,} children, 10 years, `lantern evaluate --no-siloed`, summed over "
        "the seeds. Held-out seeds were not run here.",
        "",
    ]
    for profile in ("default", "hard"):
        seeds = TUNING[profile]
        now = table(after, seeds, profile)
        old = table(before, seeds, profile) if before else []
        label = ", ".join(str(s) for s in seeds)
        lines += [f"### `--profile {profile}`, seeds {label}", ""]
        if old:
            lines += [f"| measure | {args.before_label} | generator version 3 |", "|---|---|---|"]
            lines += [
                f"{o.removesuffix(' |')} | {n.rsplit('| ', 1)[1]}" for o, n in zip(old, now, strict=True)
            ]  # fmt: skip
        else:
            lines += ["| measure | generator version 3 |", "|---|---|", *now]
        lines.append("")
    lines += [
        f"### Generator speed, {args.speed:,} children, 10 years, seed 1",
        "",
        "| profile | seconds | peak RSS (MB) | events | person records |",
        "|---|---|---|---|---|",
    ]
    for profile, s in speeds.items():
        lines.append(
            f"| {profile} | {s['seconds']:.1f} | {s['peak_rss_mb']:.0f} | {int(s['events']):,} "
            f"| {int(s['person_records']):,} |"
        )
    if not args.no_write:
        replace_section(HEADING, lines, keep=NOTES)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
