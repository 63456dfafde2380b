"""Two readings of the graph for a caller holding only a connection (today the tests call them:
the score stage replays `graph_evidence` itself and the app reads `graph_edges` directly).

- `edges_as_of(con, day)`: the graph as it stood at the end of `day` — only
  evidence whose every record was recorded by then, and the routine-contact
  pattern judged on that evidence alone — written to a table, for replay.
- `links_for_person(con, person_id)`: the adults, children, things and places
  linked to a person, strongest first, each with its evidence.

For a one-pass replay, `graph_evidence` itself can be read in `available_at`
order: each row is one dated fact, `(src, dst, kind, event_id, available_at,
points, signal_at, protective, suspect)`, with the record ids of both ends for
re-mapping to the persons as of a date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb

from lantern.graph.edges import build_edges
from lantern.graph.inputs import prepare_inputs
from lantern.graph.rules import GraphRules, load_rules


def edges_as_of(
    con: duckdb.DuckDBPyConnection,
    day: date,
    *,
    rules: GraphRules | None = None,
    table: str = "graph_edges_as_of",
) -> str:
    """Write the edges known at the end of `day` (recorded before `day` + 1) to `table`."""
    cutoff = datetime.combine(day + timedelta(days=1), time.min)
    prepare_inputs(con)  # the input views are a connection's own (a store opened afresh)
    build_edges(con, rules or load_rules(), as_of=cutoff, table=table)
    return table


@dataclass(frozen=True)
class PersonLink:
    node_id: str
    kind: str  # person, thing, place
    subkind: str | None  # child/adult, vehicle/phone/..., named/sector
    label: str
    edge_kinds: list[str]
    weight: float
    n_events: int
    first_available_at: datetime
    last_occurred_at: datetime
    routine: bool
    evidence: list[dict]


def links_for_person(
    con: duckdb.DuckDBPyConnection,
    person_id: str,
    *,
    include_routine: bool = False,
    edges: str = "graph_edges",
) -> list[PersonLink]:
    weight_rule = "" if include_routine else "AND e.weight > 0"
    rows = con.execute(
        f"""
        WITH mine AS (
            SELECT dst AS other, * FROM {edges} WHERE src = $p
            UNION ALL SELECT src AS other, * FROM {edges} WHERE dst = $p
        )
        SELECT e.other, n.kind, n.subkind, n.label, list_sort(list(DISTINCT e.kind)),
               sum(e.weight), sum(e.n_events), min(e.first_available_at), max(e.last_occurred_at),
               bool_and(e.routine), list(e.evidence)
        FROM mine e LEFT JOIN graph_nodes n ON n.node_id = e.other
        WHERE true {weight_rule}
        GROUP BY ALL
        ORDER BY sum(e.weight) DESC, e.other
        """,  # noqa: S608
        {"p": person_id},
    ).fetchall()
    links = []
    for other, kind, subkind, label, kinds, weight, n, first, last, routine, evidence in rows:
        merged: list[dict] = []
        for chunk in evidence:
            merged.extend(json.loads(chunk) if isinstance(chunk, str) else chunk)
        merged.sort(key=lambda item: (str(item.get("occurred_at")), str(item.get("event_id"))))
        links.append(
            PersonLink(
                other,
                kind,
                subkind,
                label or other,
                list(kinds),
                float(weight),
                int(n),
                first,
                last,
                bool(routine),
                merged,
            )
        )
    return links
