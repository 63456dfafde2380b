"""The whole-pipeline truncation property (docs/replay.md, "The truncation property").

`assess --as-of D` on a county's full data must equal `assess` on the same county cut to
what was recorded by D: every output file and every figure of `review --to D`. The cut
keeps the events recorded by the end of D, the people and things on them, and the people
rows that some kept event names (a person record exists from the first event naming it);
reviewers' decisions made by D. Both sides run the same stages with the same Splink
parameters (below 2,000 records resolve uses its documented priors; a larger county is
run with `training="priors"` on both sides, as EM trained on different data gives
different parameters — by design, replay.md §2).

Not compared, and why: the networks. Leiden partitions the whole graph it is given, and
the graph of the full data holds later people and edges, so the communities differ
(`networks.csv`, the `network_ids` column of children and adults). The review's tiers
count "in a network", so the review is run on both sides with the partition taken out
(no networks), and then every `review_*` table is compared but `review_edges` (the
graph's nodes are each store's own final persons; the review's places and vehicles
are dated to `--to`, tested on their own in tests/integration/test_review_as_of.py).
Everything else is compared cell by cell.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from lantern.graph import stage as graph
from lantern.indicators import stage as indicators
from lantern.pipeline import write_outputs
from lantern.resolve import stage as resolve
from lantern.resolve.decisions import record_decision
from lantern.review import stage as review
from lantern.score import stage as score
from lantern.store.connection import connect
from lantern.store.ingest import ingest

# Outputs compared, with the columns left out (partition-dependent: see the module doc).
COMPARED = {
    "persons.csv": (),
    "children.csv": ("network_ids",),
    "adults.csv": ("network_ids",),
}
# Review tables that depend on the network partition (or on the agency-pair replays,
# not run here); every other `review_*` table is compared.
REVIEW_NOT_COMPARED = {
    "review_graph_edges",
    "review_edges",
    "review_network_members",
    "review_networks",
    "review_network_growth",
    "review_network_places",
    "review_siloed_runs",
    "review_siloed_flags",
}


@dataclass(frozen=True)
class Decision:
    record_a: str
    record_b: str
    decision: str
    decided_at: datetime


def truncate(source: Path, target: Path, day: date) -> None:
    """Copy the dataset at `source` to `target` with only what was recorded by the end of `day`."""
    target.mkdir(parents=True)
    (target / "manifest.yaml").write_bytes((source / "manifest.yaml").read_bytes())
    end = datetime.combine(day + timedelta(days=1), datetime.min.time())

    def rows(name: str) -> tuple[list[str], list[list[str]]]:
        with (source / name).open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            return header, list(reader)

    def write(name: str, header: list[str], body: list[list[str]]) -> None:
        with (target / name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([header, *body])

    header, events = rows("events.csv")
    at, occurred = header.index("recorded_at"), header.index("occurred_at")
    kept = [r for r in events if recorded(r[at], r[occurred]) < end]
    write("events.csv", header, kept)
    refs = {(r[0], r[1]) for r in kept}
    named: set[tuple[str, str]] = set()
    for name in ("event_people.csv", "event_things.csv"):
        if not (source / name).exists():
            continue
        header, body = rows(name)
        body = [r for r in body if (r[0], r[1]) in refs]
        write(name, header, body)
        if name == "event_people.csv":
            ref = header.index("person_ref")
            named = {(r[0], r[ref]) for r in body}
    header, people = rows("people.csv")
    write("people.csv", header, [r for r in people if (r[0], r[1]) in named])


def build(
    dataset: Path, store_path: Path, decisions: list[Decision], *, training: str = "auto"
) -> duckdb.DuckDBPyConnection:
    """Ingest, record the decisions, and run every stage up to (not including) the score."""
    con = connect(store_path)
    ingest(con, dataset)
    for d in decisions:
        record_decision(con, d.record_a, d.record_b, d.decision, "reviewer", "test", d.decided_at)
    resolve.run(con, training=training)
    indicators.run(con)
    graph.run(con, stats=False)
    return con


def assess_as_of(con: duckdb.DuckDBPyConnection, day: date, out: Path) -> None:
    """Score as of `day`, write the four files, then run the review to `day` (no pairs)
    with the network partition taken out (no networks, scored again): the review's
    tiers count "in a network", which depends on the partition."""
    score.run(con, day)
    write_outputs(con, out)
    con.execute("DELETE FROM networks")
    score.run(con, day)
    review.run(con, period_to=day)


def table_rows(path: Path, dropped: tuple[str, ...]) -> list[tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        keep = [i for i, name in enumerate(header) if name not in dropped]
        return sorted(tuple(row[i] for i in keep) for row in reader)


def review_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    names = [
        n
        for (n,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'review_%'"
        ).fetchall()
        if n not in REVIEW_NOT_COMPARED
    ]
    return {
        name: sorted(
            (tuple(row) for row in con.execute(f"SELECT * FROM {name}").fetchall()),  # noqa: S608
            key=repr,
        )
        for name in sorted(names)
    }


def differences(full_out: Path, cut_out: Path, full_review: dict, cut_review: dict) -> list[str]:
    """Every output file and review table that differs, with a sample of the rows."""
    found = []
    for name, dropped in COMPARED.items():
        a, b = table_rows(full_out / name, dropped), table_rows(cut_out / name, dropped)
        if a != b:
            only_a = [r for r in a if r not in b][:3]
            only_b = [r for r in b if r not in a][:3]
            found.append(f"{name}: full as of D only {only_a}; cut only {only_b}")
    for name in sorted(set(full_review) | set(cut_review)):
        a, b = full_review.get(name), cut_review.get(name)
        if a != b:
            only_a = [r for r in a or [] if r not in (b or [])][:3]
            only_b = [r for r in b or [] if r not in (a or [])][:3]
            found.append(f"{name}: full as of D only {only_a}; cut only {only_b}")
    return found


def recorded(recorded_at: str, occurred_at: str) -> datetime:
    """When an event was recorded: `recorded_at`, which defaults to `occurred_at` (the spec)."""
    return datetime.fromisoformat((recorded_at or occurred_at).replace("Z", ""))


def record_days(dataset: Path) -> list[date]:
    with (dataset / "events.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return sorted({recorded(r["recorded_at"], r["occurred_at"]).date() for r in reader})
