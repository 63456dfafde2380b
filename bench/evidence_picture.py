"""Measure the adults' evidence picture and the MACE list (issue 22) on synthetic counties.

    python bench/evidence_picture.py [--children 2000] [--work DIR] [--held-out] [--no-write]
                                     [--seeds d1,d2,h11]

For every county (`lantern synth` then `lantern run`, kept in `--work`):

- **Independent evidence.** For each planted network's adult (truth/network_members.csv) whose
  county holds a record tying him to one of his network's victims that does not rest on a
  victim's own account (below), whether his evidence picture (`adult_evidence`, over the
  resolved persons most of whose records are his) holds at least one item with `account_of`
  NULL. "The county holds one" is read from the generator's truth, not from Lantern: he is a
  recorded participant, with a victim, of a record of a kind a professional or a third party
  makes (a found report, a stop, a search, an arrest, intelligence, a parent's or carer's
  report, a missing report, a school's concern, a planted sighting), or his car is in such a
  record of a victim's and on a record of his own.
- **The MACE list.** Adults at band medium or above (`assessments`): how many, and the share
  that are planted network adults (precision), the issue's target being at least 0.90.
- **Withdrawn accounts.** Planted disclosure → withdrawal pairs (truth/evidence_plants.csv)
  linked in `account_withdrawals` (same child, same two records), and the rows for children who
  are not planted victims.
- **Disruptions.** For each planted action, the records showing its target with children in the
  six months before and after (`target_activity_months`), by the effect the generator gave it.

Seeds: tuning (docs/evaluation.md, "The protocol") by default; `--held-out` runs the fresh
held-out seeds declared for issue 22 (synth 341-343, hard 351-352), once, at the end.
Rewrites its own section of bench/RESULTS.md.
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
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
HEADING = (
    "## The adults' evidence picture and the MACE list (issue 22) (`bench/evidence_picture.py`)"
)
NOTES = "### What this shows (by hand)"
TUNING = {"default": (1, 2, 3), "hard": (11, 12)}
HELD_OUT = {"default": (341, 342, 343), "hard": (351, 352)}
LANTERN = [sys.executable, "-m", "lantern.cli"]
# Records a professional or a third party makes (generator scenarios, `network_<kind>`).
INDEPENDENT = {
    "found", "vehicle_stop", "stop_search", "arrest", "intelligence", "parent_report", "missing",
    "missing_from_care", "sighting", "grooming",
}  # fmt: skip


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build(work: Path, profile: str, seed: int, children: int) -> tuple[Path, Path]:
    tag = f"{profile[0]}{seed}"
    county, store = work / tag, work / f"{tag}.duckdb"
    if not (county / "truth" / "manifest.yaml").is_file():
        subprocess.run(
            [*LANTERN, "synth", "--seed", str(seed), "--children", str(children),
             "--profile", profile, "--out", str(county)],
            check=True, capture_output=True,
        )  # fmt: skip
    if not store.is_file():
        subprocess.run(
            [*LANTERN, "run", str(county), "--store", str(store)], check=True, capture_output=True
        )
    return county, store


def refresh_evidence(store: Path) -> None:
    """Re-run only the graph stage's evidence-picture step on a built store (after a change to
    it, without running the pipeline again)."""
    from lantern.graph import adult_evidence, inputs
    from lantern.graph.rules import load_rules

    con = duckdb.connect(str(store))
    try:
        inputs.prepare_inputs(con)
        adult_evidence.build_all(con, load_rules(None))
    finally:
        con.close()


def independent_holders(county: Path) -> dict[str, set[str]]:
    """Per network, the adults the county holds an independent record of (from the truth)."""
    truth = county / "truth"
    of_record = {
        f"{r['agency']}:{r['person_ref']}": r["person_id"] for r in _rows(truth / "records.csv")
    }
    scenario = {
        f"{r['agency']}:{r['event_ref']}": r["scenario"].removeprefix("network_")
        for r in _rows(truth / "signal_events.csv")
        if r["network_id"]
    }
    members = _rows(truth / "network_members.csv")
    network_of = {m["person_id"]: m["network_id"] for m in members}
    adults = {m["person_id"] for m in members if m["role"] == "adult"}
    victims = {m["person_id"] for m in members if m["role"] == "child"}
    people: dict[str, set[str]] = defaultdict(set)
    for r in _rows(county / "event_people.csv"):
        who = of_record.get(f"{r['agency']}:{r['person_ref']}")
        if who:
            people[f"{r['agency']}:{r['event_ref']}"].add(who)
    cars: dict[str, str] = {}  # VRM (as truth writes it) -> owner
    for t in _rows(truth / "network_things.csv"):
        if t["kind"] == "vehicle":
            cars[t["value"].replace(" ", "").upper()] = t["owner_person_id"]
    things: dict[str, set[str]] = defaultdict(set)
    for r in _rows(county / "event_things.csv"):
        if r["kind"] == "vehicle":
            things[f"{r['agency']}:{r['event_ref']}"].add(
                r["value"].replace(" ", "").replace("-", "").upper()
            )
    own_car: set[str] = set()  # adults whose car is on a record of their own
    for event, vrms in things.items():
        for vrm in vrms:
            owner = cars.get(vrm)
            if owner and owner in people.get(event, set()):
                own_car.add(owner)
    held: dict[str, set[str]] = defaultdict(set)
    for event, kind in scenario.items():
        if kind not in INDEPENDENT:
            continue
        there = people.get(event, set())
        for child in there & victims:
            net = network_of[child]
            for adult in there & adults:
                if network_of[adult] == net:
                    held[net].add(adult)
            for vrm in things.get(event, set()):
                owner = cars.get(vrm)
                if owner in own_car and network_of.get(owner) == net:
                    held[net].add(owner)
    return held


def resolved_truth(county: Path, con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Lantern person_id -> the true person most of its records belong to."""
    of_record = {
        f"{r['agency']}:{r['person_ref']}": r["person_id"]
        for r in _rows(county / "truth" / "records.csv")
    }
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for record_id, person_id in con.execute("SELECT record_id, person_id FROM persons").fetchall():
        if record_id in of_record:
            votes[person_id][of_record[record_id]] += 1
    return {p: c.most_common(1)[0][0] for p, c in votes.items()}


def measure(county: Path, store: Path) -> dict[str, object]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        truth_of = resolved_truth(county, con)
        lantern_of: dict[str, set[str]] = defaultdict(set)
        for lp, tp in truth_of.items():
            lantern_of[tp].add(lp)
        members = _rows(county / "truth" / "network_members.csv")
        adults = {m["person_id"]: m["network_id"] for m in members if m["role"] == "adult"}
        held = independent_holders(county)
        independent = {
            p
            for (p,) in con.execute(
                "SELECT DISTINCT adult_id FROM adult_evidence WHERE account_of IS NULL"
            ).fetchall()
        }
        any_item = {
            p for (p,) in con.execute("SELECT DISTINCT adult_id FROM adult_evidence").fetchall()
        }
        kinds = Counter(
            dict(con.execute(
                "SELECT kind, count(*) FROM adult_evidence WHERE adult_id IN (SELECT unnest(?)) "
                "GROUP BY kind", [sorted({lp for tp in adults for lp in lantern_of.get(tp, ())})],
            ).fetchall())
        )  # fmt: skip
        holders = [tp for tps in held.values() for tp in tps]
        with_independent = [tp for tp in holders if lantern_of.get(tp, set()) & independent]
        missed = sorted(tp for tp in holders if tp not in with_independent)
        with_items = [tp for tp in adults if lantern_of.get(tp, set()) & any_item]
        # the MACE list: adults at band medium or above
        listed = con.execute(
            "SELECT person_id FROM assessments WHERE kind = 'adult' AND band IN ('medium', 'high')"
        ).fetchall()
        listed_truth = [truth_of.get(p) for (p,) in listed]
        listed_planted = sum(1 for t in listed_truth if t in adults)
        planted_listed = len({t for t in listed_truth if t in adults})
        # withdrawn accounts
        plants = _rows(county / "truth" / "evidence_plants.csv")
        pairs = []
        disclosures = {
            (p["person_id"], p["network_id"]): p for p in plants if p["plant"] == "disclosure"
        }
        for w in (p for p in plants if p["plant"] == "withdrawal"):
            d = disclosures.get((w["person_id"], w["network_id"]))
            if d:
                pairs.append((f"{d['agency']}:{d['event_ref']}", f"{w['agency']}:{w['event_ref']}"))
        found_pairs = set(
            con.execute(
                "SELECT DISTINCT disclosure_event_id, withdrawal_event_id FROM account_withdrawals"
            ).fetchall()
        )
        withdrawal_rows = con.execute(
            "SELECT child_id, withdrawal_event_id FROM account_withdrawals"
        ).fetchall()
        victims = {m["person_id"] for m in members if m["role"] == "child"}
        outside = sum(1 for c, _ in withdrawal_rows if truth_of.get(c) not in victims)
        linked = sum(1 for p in pairs if p in found_pairs)
        withdrawal_found = sum(1 for _, w in pairs if any(w == fw for _, fw in found_pairs))
        # disruptions: the target's records with children six months either side
        effects: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for d in _rows(county / "truth" / "disruptions.csv"):
            row = con.execute(
                "SELECT target_kind, target_id, started_on FROM disruptions WHERE disruption_id = ?",
                [f"{d['agency']}:{d['action_ref']}"],
            ).fetchall()
            if not row or row[0][1] is None:
                effects[f"{d['target_kind']} {d['effect']} (target not resolved)"].append((0, 0))
                continue
            kind, target, started = row[0]
            before, after = con.execute(
                "SELECT coalesce(sum(children_seen) FILTER (WHERE month >= ? AND month < ?), 0), "
                "coalesce(sum(children_seen) FILTER (WHERE month > ? AND month <= ?), 0) "
                "FROM target_activity_months WHERE target_kind = ? AND target_id = ?",
                [
                    started - dt.timedelta(days=183),
                    started,
                    started,
                    started + dt.timedelta(days=183),
                    kind,
                    target,
                ],
            ).fetchone()  # type: ignore[misc]
            effects[f"{d['target_kind']} {d['effect']}"].append((int(before), int(after)))
    finally:
        con.close()
    return {
        "planted_adults": len(adults),
        "adults_with_items": len(with_items),
        "county_holds_independent": len(holders),
        "picture_holds_independent": len(with_independent),
        "missed": missed,
        "kinds": dict(kinds),
        "listed": len(listed),
        "listed_planted": listed_planted,
        "planted_listed": planted_listed,
        "withdrawal_pairs": len(pairs),
        "withdrawal_pairs_linked": linked,
        "withdrawals_found": withdrawal_found,
        "withdrawal_rows": len(withdrawal_rows),
        "withdrawal_rows_outside_victims": outside,
        "disruptions": {k: v for k, v in effects.items()},
    }


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "-"


def table(results: dict[str, dict[str, object]], label: str) -> list[str]:
    total: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    effects: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in results.values():
        for key, value in r.items():
            if isinstance(value, int):
                total[key] += value
        kinds.update(r["kinds"])  # type: ignore[arg-type]
        for k, v in r["disruptions"].items():  # type: ignore[union-attr]
            effects[k] += v
    lines = [
        f"| {label}: counties | {', '.join(results)} |",
        f"| planted network adults / with any item in their picture | {total['planted_adults']} / {total['adults_with_items']} |",
        f"| adults the county holds an independent record of / whose picture holds an item not resting on a child's account | {total['county_holds_independent']} / {total['picture_holds_independent']} (**{_ratio(total['picture_holds_independent'], total['county_holds_independent'])}**) |",
        f"| MACE list (adults ≥ medium) / of them planted network adults | {total['listed']} / {total['listed_planted']} (precision **{_ratio(total['listed_planted'], total['listed'])}**) |",
        f"| planted network adults on the list (recall) | {total['planted_listed']} of {total['planted_adults']} ({_ratio(total['planted_listed'], total['planted_adults'])}) |",
        f"| planted disclosure → withdrawal pairs / linked (same two records) / withdrawal found at all | {total['withdrawal_pairs']} / {total['withdrawal_pairs_linked']} / {total['withdrawals_found']} |",
        f"| account_withdrawals rows / for children not planted victims | {total['withdrawal_rows']} / {total['withdrawal_rows_outside_victims']} |",
        f"| items in planted adults' pictures, by kind | {', '.join(f'{k} {v}' for k, v in kinds.most_common())} |",
    ]  # fmt: skip
    for k in sorted(effects):
        pairs = effects[k]
        before = sum(b for b, _ in pairs)
        after = sum(a for _, a in pairs)
        lines.append(
            f"| disruption, {k}: actions / children seen with the target 6 months before → after | {len(pairs)} / {before} → {after} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "_work" / "evidence")
    parser.add_argument("--held-out", action="store_true")
    parser.add_argument("--seeds", default="", help="e.g. d1,h11 (default: all of the set)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--refresh-evidence", action="store_true", help="re-run the evidence step on built stores"
    )
    args = parser.parse_args()
    chosen = HELD_OUT if args.held_out else TUNING
    wanted = set(filter(None, args.seeds.split(",")))
    work = args.work / f"{'heldout' if args.held_out else 'tuning'}-{args.children}"
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, object]] = {}
    for profile, seeds in chosen.items():
        for seed in seeds:
            tag = f"{profile[0]}{seed}"
            if wanted and tag not in wanted:
                continue
            county, store = build(work, profile, seed, args.children)
            if args.refresh_evidence:
                refresh_evidence(store)
            results[tag] = measure(county, store)
            (work / f"{tag}.evidence.json").write_text(json.dumps(results[tag], indent=1))
            print(tag, json.dumps(results[tag]), flush=True)
    label = "held out" if args.held_out else "tuning"
    lines = table(results, label)
    print("\n".join(lines))
    if args.no_write:
        return
    section_file = args.work / "section.json"
    section = json.loads(section_file.read_text()) if section_file.is_file() else {}
    section[f"{label} {args.children}"] = lines
    section_file.write_text(json.dumps(section, indent=1))
    body = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared); "
        f"{dt.date.today().isoformat()}. Counties of {args.children:,} children, `lantern synth` "
        'then `lantern run`; seeds per docs/evaluation.md, "The protocol" (issue 22).',
        "",
    ]
    for name, rows in section.items():
        body += [f"### {name} children", "", "| measure | value |", "|---|---|", *rows, ""]
    replace_section(HEADING, body, keep=NOTES)


if __name__ == "__main__":
    main()
