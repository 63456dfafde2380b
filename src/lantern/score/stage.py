"""`lantern score`: replay every fact by `recorded_at`, then write the assessments.

Reads `persons`, `person_records`, `record_links`, `indicator_hits`,
`events`, `event_people`, `things`, `thing_mentions`, `text_mentions`,
`networks`, `graph_evidence` and `graph_edges`; writes `assessments`, `network_assessments`, `score_reasons` and
`score_history` (docs/pipeline.md).

With `as_of=D` the persons are the clusters as of D (records joined only by
links available by D), so the result is the one a run on the data recorded
by D would give. Networks are read as detected on the whole store; who is in
each on D, and when it was flagged, are replayed from the evidence recorded
by D (`networks.py`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from lantern.errors import StoreError
from lantern.resolve.identity import best_dates_of_birth_sql
from lantern.resolve.replay import person_id_for as resolve_person_id
from lantern.score import carry as carry_forward
from lantern.score import child_protection, facts, unidentified
from lantern.score import networks as network_replay
from lantern.score.points import Reason, Score, ranked_reasons, reason_line
from lantern.score.replay import THING_TRACK, Replay, ReplayResult
from lantern.score.weights import BAND_RANK, Weights, load_weights
from lantern.store.connection import table_exists

REQUIRED = ("persons", "record_links", "indicator_hits", "events", "event_people")
TOP_REASONS = 3


@dataclass(frozen=True)
class ScoreSummary:
    as_of: date
    persons: int
    children: int
    children_by_band: dict[str, int]
    adults_of_interest: int
    networks: int
    band_changes: int
    # The replay's parts with a hit or a link fact, and how many of them an incremental run
    # carried forward from the last run's state instead of replaying (`carry.py`).
    replay_parts: int = 0
    parts_carried: int = 0
    # Of the rest (touched by the run), how many resumed from their pieces' states on the
    # last run's day instead of replaying from their first day (`carry._resume`).
    parts_resumed: int = 0


def person_id_for(records: list[str]) -> str:
    """The id of a person made of these records: from the smallest record_id, as resolve does."""
    return resolve_person_id(min(records))


def run(
    con: duckdb.DuckDBPyConnection,
    as_of: date | None = None,
    *,
    weights: Weights | None = None,
    weights_path: Path | None = None,
    carry: bool = False,
    keep_state: bool = True,
    parts_replayed_by: carry_forward.PartReplayer | None = None,
) -> ScoreSummary:
    """Score every person as of `as_of` (default: the latest record) and write the tables.

    `carry` (an incremental run): the replay's parts whose facts did not change since the
    last run are carried forward from their stored state instead of replayed (`carry.py`);
    the tables are the same either way. `keep_state` False: the replay's state is not stored
    for a next run (a throwaway store). `parts_replayed_by`: who replays each independent part
    of the county alone (`carry.replay`; another engine's executors); the tables are the same."""
    missing = [t for t in REQUIRED if not table_exists(con, t)]
    if missing:
        raise StoreError(
            f"the store lacks {', '.join(missing)}; run ingest, resolve and indicators first"
        )
    weights = weights or load_weights(weights_path)
    until = as_of or facts.latest_date(con)

    links = facts.read_record_links(con, until, undated=as_of is None)
    replay, result, carried = carry_forward.replay(
        con,
        facts.read_records(con, as_of),
        links,
        facts.read_hits(
            con,
            until,
            facts.unscored_indicators(weights.child.unscored_concerns),
            weights.child.unscored_concerns,
            weights.child.scored_text_layers,
            weights.child.unscored_relations,
        ),
        facts.read_link_facts(
            con,
            until,
            weights.child.links.suspect_roles,
            weights.child.links.text_kinds,
            facts.RoutineRule.from_graph_rules(),
            weights.child.scored_text_layers,
            weights.child.unscored_relations,
        )
        # after the link facts, whose signs it reads: street names, for the unidentified only
        + unidentified.read_street_name_facts(con, until),
        weights,
        until,
        carry=carry,
        store=keep_state,
        contacts=facts.read_adult_contacts(con, until),
        parts_replayed_by=parts_replayed_by,
        births=facts.read_births(con, until),
    )
    person_of_root = _person_ids(con, result)
    _write_cluster_map(con, result, person_of_root)
    kinds = _kinds(con, until, result, person_of_root)
    network_states = network_replay.replay_networks(
        network_replay.read_networks(con, until, weights.child.scored_text_layers),
        links,
        [change for change in result.history if change.track != THING_TRACK],
        {record: kinds[person_of_root[root]] for record, root in result.root_of.items()},
        weights.network,
        until,
    )
    flagged_children: dict[str, set[str]] = {}
    summary = _write(
        con, until, replay, result, person_of_root, kinds, network_states, flagged_children
    )
    summary = dataclasses.replace(
        summary,
        replay_parts=carried.parts,
        parts_carried=carried.carried,
        parts_resumed=carried.resumed,
    )
    _write_child_concerns(con, until, weights.child.scored_text_layers)
    _write_adult_concerns(con, flagged_children)
    # after the CSE concerns: child sexual abuse that is not exploitation, for child protection
    child_protection.write(con, until, weights.child, weights.child.scored_text_layers)
    return summary


def _write_adult_concerns(
    con: duckdb.DuckDBPyConnection, flagged_children: dict[str, set[str]]
) -> None:
    """`assessments.concern` for each adult: `criminal_exploitation` when every flagged child
    linked to them is listed under criminal exploitation (`_write_child_concerns`), else
    `sexual_exploitation`. An adult's points come only from the children around them, so the
    concern those children's records point to is the adult's too: the men around county-lines
    boys are listed for that response, at the same band, not put forward as CSE suspects
    (make_county tuning seed 1: two county-lines adults at medium)."""
    con.execute(
        "UPDATE assessments SET concern = 'sexual_exploitation' WHERE kind IN ('adult', ?)",
        [unidentified.KIND],
    )
    concern = dict(
        con.execute("SELECT person_id, concern FROM assessments WHERE kind = 'child'").fetchall()
    )
    criminal = [
        adult
        for adult, children in flagged_children.items()
        if children and all(concern.get(c) == "criminal_exploitation" for c in children)
    ]
    if criminal:
        con.executemany(
            "UPDATE assessments SET concern = 'criminal_exploitation' "
            "WHERE person_id = ? AND kind IN ('adult', ?)",
            [(a, unidentified.KIND) for a in criminal],
        )


def _write_child_concerns(
    con: duckdb.DuckDBPyConnection,
    until: date,
    scored_text_layers: Sequence[str] | None = None,
) -> None:
    """`assessments.concern` for each child: what their records point to on the assessment
    date, by the graph's network concern test applied to one child (docs/graph.md).

    A child whose records name criminal exploitation (a CIN 13A/24A code, "county lines")
    and show no sign of sexual harm (a disclosure or report of sexual abuse, a CSE code, or
    sexual activity the law on age makes an offence) is listed under
    `criminal_exploitation`: at the same band, for the partnership's response to criminal
    exploitation, but not put forward as a CSE concern. Every other child's concern is
    `sexual_exploitation`. Read on what was recorded by the assessment date, as the band is.
    """
    lists = network_replay.concern_signs(con)
    con.execute("ALTER TABLE assessments ADD COLUMN concern VARCHAR")
    con.execute("UPDATE assessments SET concern = 'sexual_exploitation' WHERE kind = 'child'")
    criminal = lists["criminal_indicator"]
    if not criminal or not table_exists(con, "indicator_hits"):
        return
    from lantern.sql import sql_list

    hit_concern = "h.concern"
    # a text hit of a layer the weights do not score is no sign of either concern
    layers = None if scored_text_layers is None else list(scored_text_layers)
    con.execute(
        f"""
        UPDATE assessments AS a SET concern = 'criminal_exploitation'
        FROM (
            SELECT m.person_id
            FROM indicator_hits AS h JOIN score_persons AS m ON m.record_id = h.record_id
            WHERE h.recorded_at < ?
              AND (?::VARCHAR[] IS NULL OR h.text_layer IS NULL
                   OR list_contains(?::VARCHAR[], h.text_layer))
            GROUP BY m.person_id
            HAVING bool_or(h.indicator IN {sql_list(criminal)})
               AND NOT bool_or(
                   (h.category IN {sql_list(lists["sexual_category"] or [""])}
                    OR h.indicator IN {sql_list(lists["sexual_indicator"] or [""])})
                   AND coalesce({hit_concern}, 'sexual_exploitation') = 'sexual_exploitation')
        ) AS c
        WHERE a.person_id = c.person_id AND a.kind = 'child'
        """,  # noqa: S608 - the lists come from the validated graph rules file
        [until + timedelta(days=1), layers, layers],
    )


def _person_ids(con: duckdb.DuckDBPyConnection, result: ReplayResult) -> dict[str, str]:
    """Each cluster's person_id: resolve's id when the cluster is exactly a final person (a
    store built by hand may name its persons otherwise), else resolve's rule on the
    cluster's own records.

    Exactly, record for record — not "the final person of the cluster's smallest record,
    when it is as large": a later record can take an earlier one out of a person
    (resolve/history.py), so a cluster of D and today's person of its smallest record can
    be as large and still differ. Leah's police and social care records, one person in
    2010, and today her police and health records (2011): the size test named 2010's
    person after the health record, recorded a year later."""
    final = dict(con.execute("SELECT record_id, person_id FROM persons").fetchall())
    members: dict[str, set[str]] = {}
    for record, person_id in final.items():
        members.setdefault(person_id, set()).add(record)
    ids = {}
    for root, cluster in result.clusters.items():
        known = final.get(cluster.label)
        if known is not None and members[known] == set(cluster.records):
            ids[root] = known
        else:
            ids[root] = person_id_for(cluster.records)
    return ids


def _write_cluster_map(
    con: duckdb.DuckDBPyConnection, result: ReplayResult, person_of_root: dict[str, str]
) -> None:
    records = list(result.root_of)
    table = pa.table(
        {
            "record_id": records,
            "person_id": [person_of_root[result.root_of[r]] for r in records],
        }
    )
    con.register("score_cluster_rows", table)
    # Every record once, with the person it belongs to on the assessment date.
    con.execute("CREATE OR REPLACE TABLE score_persons AS SELECT * FROM score_cluster_rows")
    con.unregister("score_cluster_rows")


def _kinds(
    con: duckdb.DuckDBPyConnection,
    until: date,
    result: ReplayResult,
    person_of_root: dict[str, str],
) -> dict[str, str]:
    """`child` if under 18 on the assessment date or at any event recorded by then.

    The date of birth is the person's best-supported one (`resolve/identity.py`: the most
    common over their records, ties to the earliest; else the most common birth year on
    1 July), the one rule the legal-age indicators and the app use too.
    """
    has_person_records = table_exists(con, "person_records")
    birth = (
        f"SELECT person_id, born FROM ({best_dates_of_birth_sql('score_persons')})"  # noqa: S608
        if has_person_records
        else "SELECT NULL::VARCHAR AS person_id, NULL::DATE AS born WHERE FALSE"
    )
    rows = con.execute(
        f"""
        WITH birth AS ({birth}),
        first_event AS (
            SELECT m.person_id, CAST(min(e.occurred_at) AS DATE) AS first_seen
            FROM score_persons AS m
            JOIN event_people AS p ON p.record_id = m.record_id
            JOIN events AS e ON e.event_id = p.event_id
            WHERE e.recorded_at < CAST(? AS DATE) + INTERVAL 1 DAY
            GROUP BY m.person_id
        )
        SELECT b.person_id,
               b.born > least(COALESCE(f.first_seen, CAST(? AS DATE)), CAST(? AS DATE))
                        - INTERVAL 18 YEAR AS child
        FROM birth AS b LEFT JOIN first_event AS f USING (person_id)
        WHERE b.born IS NOT NULL
        """,  # noqa: S608 - the only interpolation is one of two fixed queries
        [until, until, until],
    ).fetchall()
    known = {person_id: ("child" if child else "adult") for person_id, child in rows}
    kinds = {}
    for root, cluster in result.clusters.items():
        person_id = person_of_root[root]
        kinds[person_id] = known.get(person_id) or ("child" if cluster.hits else "adult")
    return kinds


def _top_reasons(reasons: list[Reason]) -> str:
    return "; ".join(reason_line(r) for r in ranked_reasons(reasons)[:TOP_REASONS])


def _write(
    con: duckdb.DuckDBPyConnection,
    until: date,
    replay: Replay,
    result: ReplayResult,
    person_of_root: dict[str, str],
    kinds: dict[str, str],
    network_states: list[network_replay.NetworkState],
    flagged_children: dict[str, set[str]],
) -> ScoreSummary:
    """Write the assessments; fills `flagged_children` (adult -> flagged children linked)."""
    root_person = {record: person_of_root[root] for record, root in result.root_of.items()}

    # first_flagged_at: the earliest date any as-of part of this person reached medium.
    first_flag: dict[tuple[str, str], date] = {}
    history_rows = []
    for change in result.history:
        if change.track == THING_TRACK:
            continue  # a thing's man: `unidentified.rows`
        person_id = root_person[change.cluster]
        history_rows.append(
            (person_id, change.at, change.score, change.band, change.track, change.cluster)
        )
        if BAND_RANK[change.band] >= BAND_RANK["medium"]:
            key = (person_id, change.track)
            if key not in first_flag or change.at < first_flag[key]:
                first_flag[key] = change.at

    networks_of = _networks_of(network_states, root_person)

    assessments = []
    reasons_rows = []
    for root, cluster in sorted(result.clusters.items()):
        person_id = person_of_root[root]
        kind = kinds[person_id]
        score: Score | None
        linked = None
        if kind == "child":
            score = result.child_scores.get(root) or Score(0.0, "none")
            track = "child"
        else:
            score = result.adult_scores.get(root)
            if score is None or score.score <= 0:
                continue
            track = "adult"
            children = {link.child_label for link in replay.adult_links(root) if link.flagged}
            linked = len(children)
            flagged_children[person_id] = {root_person[c] for c in children}
        assessments.append(
            (
                person_id,
                kind,
                score.score,
                score.band,
                first_flag.get((person_id, track)),
                ";".join(networks_of.get(person_id, [])),
                _top_reasons(score.reasons),
                until,
                linked,
                ";".join(sorted(cluster.records)),
                # The law on age's floor and the band the points alone give (with the weights
                # this run used), so the child's page says "held by the law" without
                # re-banding or reading the reasons' wording.
                score.floor if track == "child" else None,
                replay.model.band(score.score, None) if track == "child" else None,
            )
        )
        for reason in score.reasons:
            reasons_rows.append(
                (
                    person_id,
                    reason.points,
                    reason.category,
                    reason.indicator,
                    reason.agency,
                    reason.event_id,
                    reason.occurred,
                    reason.recorded,
                    reason.evidence,
                    track,
                )
            )

    network_rows = _network_assessments(until, assessments, network_states, root_person)
    # the men known only by a car, a phone or a handle (after the networks: they are in none)
    things, thing_reasons, thing_history, thing_children = unidentified.rows(
        con, until, replay, result
    )
    assessments += things
    reasons_rows += thing_reasons
    history_rows += thing_history
    for person_id, labels in thing_children.items():
        flagged_children[person_id] = {root_person[label] for label in labels}
    _replace(
        con,
        "assessments",
        assessments,
        {
            "person_id": "VARCHAR",
            "kind": "VARCHAR",
            "score": "DOUBLE",
            "band": "VARCHAR",
            "first_flagged_at": "DATE",
            "network_ids": "VARCHAR",
            "top_reasons": "VARCHAR",
            "as_of": "DATE",
            "linked_children": "INTEGER",
            "records": "VARCHAR",
            "legal_floor": "VARCHAR",
            "points_band": "VARCHAR",
        },
    )
    _replace(
        con,
        "score_reasons",
        reasons_rows,
        {
            "person_id": "VARCHAR",
            "points": "DOUBLE",
            "category": "VARCHAR",
            "indicator": "VARCHAR",
            "agency": "VARCHAR",
            "event_id": "VARCHAR",
            "occurred_at": "DATE",
            "recorded_at": "DATE",
            "evidence": "VARCHAR",
            "track": "VARCHAR",
        },
    )
    _replace(
        con,
        "score_history",
        history_rows,
        {
            "person_id": "VARCHAR",
            "at": "DATE",
            "score": "DOUBLE",
            "band": "VARCHAR",
            "track": "VARCHAR",
            "cluster": "VARCHAR",
        },
    )
    _replace(
        con,
        "network_assessments",
        network_rows,
        {
            "network_id": "VARCHAR",
            "child_count": "INTEGER",
            "adult_count": "INTEGER",
            "score": "DOUBLE",
            "first_flagged_at": "DATE",
            "members": "VARCHAR",
            "as_of": "DATE",
            "band": "VARCHAR",
        },
    )
    child_rows = [a for a in assessments if a[1] == "child"]
    by_band = {band: sum(1 for a in child_rows if a[3] == band) for band in BAND_RANK}
    return ScoreSummary(
        as_of=until,
        persons=len(result.clusters),
        children=len(child_rows),
        children_by_band=by_band,
        adults_of_interest=len(assessments) - len(child_rows),  # with the unidentified
        networks=len(network_rows),
        band_changes=len(history_rows),
    )


def _networks_of(
    states: list[network_replay.NetworkState], root_person: dict[str, str]
) -> dict[str, list[str]]:
    """The networks each person (as scored) is in on the assessment date."""
    out: dict[str, set[str]] = {}
    for state in states:
        for node in state.members:
            person_id = root_person.get(node)
            if person_id is not None:
                out.setdefault(person_id, set()).add(state.network_id)
    return {person_id: sorted(ids) for person_id, ids in out.items()}


def _network_assessments(
    until: date,
    assessments: list[tuple],
    states: list[network_replay.NetworkState],
    root_person: dict[str, str],
) -> list[tuple]:
    """A network's score is its members' scores; its date comes from the network replay.

    Its band: `none` until it is flagged (a network never flagged is not put forward as a
    CSE concern, whoever is in it); once flagged, `high` when at least two of its children
    are `high` on the assessment date, else `medium`.
    """
    by_person = {a[0]: a for a in assessments}
    rows = []
    for state in states:
        people = sorted({root_person[n] for n in state.members if n in root_person})
        if not people:
            continue  # nobody was tied to it yet
        assessed = [by_person[p] for p in people if p in by_person]
        children = [a for a in assessed if a[1] == "child"]
        adults = [p for p in people if p not in by_person or by_person[p][1] == "adult"]
        score = round(sum(a[2] for a in assessed), 2)
        band = network_band(state.flagged_at, [a[3] for a in children])
        rows.append(
            (state.network_id, len(children), len(adults), score, state.flagged_at,
             ";".join(people), until, band)
        )  # fmt: skip
    return rows


def network_band(flagged_at: date | None, child_bands: list[str]) -> str:
    """`none` if never flagged; `high` with two children at high; else `medium`."""
    if flagged_at is None:
        return "none"
    return "high" if sum(1 for b in child_bands if b == "high") >= 2 else "medium"


def _replace(
    con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple], columns: dict[str, str]
) -> None:
    """Write `name` afresh from `rows` (one named table per step)."""
    names = list(columns)
    data = {n: [row[i] for row in rows] for i, n in enumerate(names)}
    types = {
        "VARCHAR": pa.string(),
        "DOUBLE": pa.float64(),
        "DATE": pa.date32(),
        "INTEGER": pa.int32(),
    }
    table = pa.table({n: pa.array(data[n], type=types[columns[n]]) for n in names})
    con.register("score_rows", table)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM score_rows")  # noqa: S608
    con.unregister("score_rows")
