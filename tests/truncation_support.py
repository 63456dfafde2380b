"""The whole-pipeline truncation property (docs/replay.md, "The truncation property").

`assess --as-of D` on a county's full data must equal `assess` on the same county cut to
what was recorded by D: every output file and every figure of `review --to D`. The cut
keeps the events recorded by the end of D, the people and things on them, and the people
rows that some kept event names (a person record exists from the first event naming it);
reviewers' decisions made by D (a supervisor's date of birth among them). Each county gets two planted children whose records
become one person only through a record from after the cuts (`plant_late_merges`), so the
counting rules and the family test are exercised whatever the generator wrote. Both sides run the same stages with the same Splink
parameters (below 2,000 records resolve uses its documented priors; a larger county is
run with `training="priors"` on both sides, as EM trained on different data gives
different parameters — by design, replay.md §2).

Not compared, and why: the networks. Leiden partitions the whole graph it is given, and
the graph of the full data holds later people and edges, so the communities differ
(`networks.csv`, the `network_ids` column of children and adults). The review's tiers
count "in a network", so the review is run on both sides with the partition taken out
(no networks), and then every `review_*` table is compared cell by cell but the network
tables and `review_graph_edges`/`review_edges`, whose person nodes are each store's own
final persons. The graph's edges as the review dates them (`review_graph_edges`: counts,
first and last sightings, weights as known on `--to`) are compared through the records:
each person node is named by its records that existed by D, and the edges of a person
whose records of D were not one person on D (they joined, or parted, later) are left out
on both sides (`graph_edges_by_records`). Everything else is compared cell by cell.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from lantern.graph import stage as graph
from lantern.indicators import stage as indicators
from lantern.pipeline import write_outputs
from lantern.resolve import stage as resolve
from lantern.resolve.decisions import record_decision, replace_dob_decisions
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
            csv.writer(handle, lineterminator="\n").writerows([header, *body])

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


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in header})


def plant_late_merges(dataset: Path, start: datetime, bridge: datetime) -> None:
    """Add two children to a county whose records become one person only through a record
    recorded at `bridge` (after every cut), with everything else recorded from `start`
    (before the first cut). The records' details make the police and social care records
    too different to link by themselves and the later health record like both.

    - Zephyrine: two police missing reports and a missing-from-care report within 90
      days, on two records; counted together only from `bridge` (a third episode makes
      `missing_repeat`).
    - Ottoline: her father is named as her parent by social care, and as an associate on
      a police found report with her; his two records are one person only from `bridge`,
      so on every date before it the report shows her with an adult nobody had linked to
      her family (`found_with_adult`).
    """
    day = timedelta(days=1)

    def at(when: datetime) -> str:
        return when.strftime("%Y-%m-%dT%H:%M:%S")

    people = [
        dict(agency="police", person_ref="ZQP1", given_name="Zephy", family_name="Quilfeather",
             birth_year="1993", sex="F", postcode="OX4 1AA"),
        dict(agency="social_care", person_ref="ZQS1", given_name="Zephyrine",
             family_name="Quillfeather", date_of_birth="1993-07-14", sex="F", postcode="OX1 2BB"),
        dict(agency="health", person_ref="ZQH1", given_name="Zephyrine",
             family_name="Quillfeather", date_of_birth="1993-07-14", sex="F", postcode="OX4 1AA"),
        dict(agency="police", person_ref="OVP1", given_name="Ottoline", family_name="Vanderquist",
             date_of_birth="1994-02-03", sex="F", postcode="OX1 2BB"),
        dict(agency="social_care", person_ref="OVS1", given_name="Ottoline",
             family_name="Vanderquist", date_of_birth="1994-02-03", sex="F", postcode="OX1 2BB"),
        dict(agency="police", person_ref="BVP1", given_name="Barnab", family_name="Vanderqist",
             birth_year="1966", sex="M", postcode="OX4 1AA"),
        dict(agency="social_care", person_ref="BVS1", given_name="Barnaby",
             family_name="Vanderquist", date_of_birth="1966-01-15", sex="M", postcode="OX1 2BB"),
        dict(agency="health", person_ref="BVH1", given_name="Barnaby", family_name="Vanderquist",
             date_of_birth="1966-01-15", sex="M", postcode="OX4 1AA"),
    ]  # fmt: skip
    events = [
        ("police", "ZQE1", "missing_report", start, {"ZQP1": "subject"}),
        ("police", "ZQE2", "missing_report", start + 20 * day, {"ZQP1": "subject"}),
        ("social_care", "ZQE3", "missing_from_care", start + 40 * day, {"ZQS1": "subject"}),
        ("health", "ZQE4", "gp_consultation", bridge, {"ZQH1": "subject"}),
        ("social_care", "OVE1", "care_episode_start", start, {"OVS1": "subject", "BVS1": "parent"}),
        ("police", "OVE2", "found_report", start + 30 * day, {"OVP1": "subject", "BVP1": "associate"}),
        ("health", "OVE3", "gp_consultation", bridge, {"BVH1": "subject"}),
    ]  # fmt: skip
    _append(dataset / "people.csv", people)
    _append(
        dataset / "events.csv",
        [
            dict(agency=a, event_ref=ref, event_type=kind, occurred_at=at(when),
                 recorded_at=at(when + timedelta(hours=2)), ended_at=at(when + timedelta(hours=8))
                 if "missing" in kind else "", narrative="Recorded.")
            for a, ref, kind, when, _ in events
        ],
    )  # fmt: skip
    _append(
        dataset / "event_people.csv",
        [
            dict(agency=a, event_ref=ref, person_ref=person, role=role)
            for a, ref, _, _, named in events
            for person, role in named.items()
        ],
    )


def build(
    dataset: Path, store_path: Path, decisions: list[Decision], *, training: str = "auto"
) -> duckdb.DuckDBPyConnection:
    """Ingest, record the decisions, and run every stage up to (not including) the score."""
    con = connect(store_path)
    ingest(con, dataset)
    for d in decisions:
        if d.decision != "dob":
            record_decision(
                con, d.record_a, d.record_b, d.decision, "reviewer", "test", d.decided_at
            )
    # A supervisor's date of birth (`record_b` holds the date), as `lantern run` copies it in.
    dobs = [(str(i), [d.record_a], date.fromisoformat(d.record_b), "supervisor", "test", d.decided_at)
            for i, d in enumerate(decisions) if d.decision == "dob"]  # fmt: skip
    if dobs:
        replace_dob_decisions(con, "app", dobs)
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
        # `review_source_*` are the review's views of its inputs (indicator_hits as stored, the
        # whole history), not figures of the review: the full store's hold later records
        if n not in REVIEW_NOT_COMPARED and not n.startswith("review_source_")
    ]
    return {
        name: sorted(
            (tuple(row) for row in con.execute(f"SELECT * FROM {name}").fetchall()),  # noqa: S608
            key=repr,
        )
        for name in sorted(names)
    }


def graph_edges_by_records(
    con: duckdb.DuckDBPyConnection, day: date, stable: set[tuple[str, ...]] | None = None
) -> tuple[list[tuple], set[tuple[str, ...]]]:
    """`review_graph_edges` with each person node named by its records that existed by the
    end of `day`, and the names of the nodes compared. `stable` None (the full store): a
    node is compared when those records were one person on `day`, and nothing else was;
    else (the truncated store): when its name is in `stable`."""
    end = datetime.combine(day + timedelta(days=1), datetime.min.time())
    records: dict[str, list[str]] = {}
    for person, record in con.execute(
        "SELECT p.person_id, p.record_id FROM persons p JOIN person_records r USING (record_id) "
        "WHERE r.first_recorded_at < ? ORDER BY p.record_id",
        [end],
    ).fetchall():
        records.setdefault(person, []).append(record)
    names = {person: tuple(rs) for person, rs in records.items()}
    if stable is None:
        from lantern.resolve.replay import persons_as_of

        then = persons_as_of(con, day)
        size: dict[str, int] = {}
        for person in then.values():
            size[person] = size.get(person, 0) + 1
        stable = {
            name for name in names.values()
            if len({then.get(r) for r in name}) == 1 and size.get(then.get(name[0], ""), 0) == len(name)
        }  # fmt: skip
    compared = {person: name for person, name in names.items() if name in stable}
    people = set(names)

    def node(value: str | None) -> object:
        if value in people:
            return compared.get(value, _UNSTABLE)
        return value

    columns = [d[0] for d in con.execute("SELECT * FROM review_graph_edges LIMIT 0").description]
    rows = []
    for row in con.execute("SELECT * FROM review_graph_edges").fetchall():
        named = [
            node(v) if c in ("src", "dst", "child_id", "contact_id") else v
            for c, v in zip(columns, row, strict=True)
        ]
        if _UNSTABLE in named:
            continue
        # an undirected edge's ends in one order, whatever each store's ids sorted to
        i, j = columns.index("src"), columns.index("dst")
        if repr(named[i]) > repr(named[j]):
            named[i], named[j] = named[j], named[i]
        rows.append(
            tuple(named[: columns.index("evidence")] + named[columns.index("evidence") + 1 :])
        )
    return sorted(rows, key=repr), stable


_UNSTABLE = object()


def differences(full_out: Path, cut_out: Path, full_review: dict, cut_review: dict) -> list[str]:
    """Every output file and review table that differs, with a sample of the rows."""
    found = []
    for name, dropped in COMPARED.items():
        a, b = table_rows(full_out / name, dropped), table_rows(cut_out / name, dropped)
        if a != b:
            found.append(_sample(name, a, b))
    for name in sorted(set(full_review) | set(cut_review)):
        a, b = full_review.get(name) or [], cut_review.get(name) or []
        if a != b:
            found.append(_sample(name, a, b))
    return found


def _sample(name: str, a: list, b: list) -> str:
    """Up to three rows on each side only (a multiset difference: linear, so a large county's
    differing table is reported in seconds rather than compared row against list)."""
    only_a = list((Counter(map(repr, a)) - Counter(map(repr, b))).elements())[:3]
    only_b = list((Counter(map(repr, b)) - Counter(map(repr, a))).elements())[:3]
    return f"{name} ({len(a)} rows as of D, {len(b)} cut): full as of D only {only_a}; cut only {only_b}"


def recorded(recorded_at: str, occurred_at: str) -> datetime:
    """When an event was recorded: `recorded_at`, which defaults to `occurred_at` (the spec)."""
    return datetime.fromisoformat((recorded_at or occurred_at).replace("Z", ""))


def record_days(dataset: Path) -> list[date]:
    with (dataset / "events.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return sorted({recorded(r["recorded_at"], r["occurred_at"]).date() for r in reader})
