"""The replay's inputs, prepared set-based in DuckDB from the earlier stages' tables.

Each step is a named query; the replay reads their rows in `recorded_at`
order. Only rows recorded by the assessment date are read at all.

Link facts are built from records, not from `graph_edges`: the graph joins
final persons, whose identity may rest on a record that arrived later, while
a replay must see each record as it was known on the day (replay.md §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from lantern.resolve.history import identity_links_sql, persons_as_of_sql
from lantern.score.points import Hit
from lantern.score.replay import AdultContact, BirthFact, LinkFact, RecordLink
from lantern.sql import sql_list
from lantern.store.connection import table_exists

CHILD_ROLES = ("subject", "victim")
OTHER_ROLES = ("suspect", "offender", "associate")
THING_KINDS = ("vehicle", "phone", "email", "social_handle")
TEXT_KINDS = ("vehicle", "phone")  # things named in notes that link (weights: links.text_kinds)


@dataclass(frozen=True)
class RoutineRule:
    """The graph's pattern of contact (graph/rules.yaml `routine`), for links as of a date."""

    min_events: int = 6
    max_signal_share: float = 0.25
    quiet_categories: tuple[str, ...] = (
        "older_associate", "vehicle", "online_contact",
        "education", "emotional_wellbeing", "physical_harm",
    )  # fmt: skip

    @classmethod
    def from_graph_rules(cls) -> RoutineRule:
        from lantern.graph.rules import load_rules

        rules = load_rules()
        return cls(
            rules.routine_min_events,
            rules.routine_max_signal_share,
            tuple(rules.contact_categories) + tuple(rules.signal_common_categories),
        )


def latest_date(con: duckdb.DuckDBPyConnection) -> date:
    """The date of the latest record in the store: the default assessment date."""
    rows = con.execute(
        "SELECT CAST(max(recorded_at) AS DATE) FROM events"
        if table_exists(con, "events")
        else "SELECT CAST(max(recorded_at) AS DATE) FROM indicator_hits"
    ).fetchall()
    return rows[0][0] if rows and rows[0][0] else date.today()


def read_records(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> list[str]:
    """Every record in today's view; as of a date, the records that exist by then (a
    person record exists from the first event naming it: resolve/history.py)."""
    if as_of is not None and table_exists(con, "record_person_spans"):
        sql = f"SELECT record_id FROM ({persons_as_of_sql(as_of)}) ORDER BY record_id"  # noqa: S608
    else:
        sql = "SELECT record_id FROM persons ORDER BY record_id"
    return [r[0] for r in con.execute(sql).fetchall()]


def read_adult_contacts(con: duckdb.DuckDBPyConnection, until: date) -> list[AdultContact]:
    """The graph's evidence of a person with a child (a shared car or phone, an event, a
    place, a narrative naming him), outside a protective role, by record and by the day it
    became available (`graph_evidence.available_at`). An empty list without the graph."""
    if not table_exists(con, "graph_evidence"):
        return []
    rows = con.execute(
        """
        SELECT DISTINCT CASE WHEN src = contact_id THEN src_record ELSE dst_record END,
               CASE WHEN src = contact_id THEN dst_record ELSE src_record END,
               CAST(available_at AS DATE)
        FROM graph_evidence
        WHERE child_id IS NOT NULL AND contact_id IS NOT NULL AND NOT protective
          AND src_record IS NOT NULL AND dst_record IS NOT NULL
          AND available_at < CAST(? AS DATE) + INTERVAL 1 DAY
        """,
        [until],
    ).fetchall()
    return [AdultContact(adult, child, day) for adult, child, day in rows]


def read_births(con: duckdb.DuckDBPyConnection, until: date) -> list[BirthFact]:
    """Each record's date of birth (or birth year) from the day the record first appeared
    (`person_records.first_recorded_at`; from the start in a store whose records carry no
    dates), and a supervisor's decided date (`resolve_dob_decisions`) from the decision's own
    date, by `until`: what the hold needs to know whether a child is still a child on a day
    (`Replay.minor_until`), as the law on age reads it (docs/replay.md "Age"). An empty list
    without resolve's records."""
    births: list[BirthFact] = []
    cutoff = until + timedelta(days=1)
    if table_exists(con, "person_records"):
        columns = {
            name
            for (name,) in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'person_records'"
            ).fetchall()
        }
        if {"dob", "birth_year"} <= columns:
            first = "first_recorded_at" if "first_recorded_at" in columns else "NULL"
            rows = con.execute(
                f"""
                SELECT CAST({first} AS DATE), record_id, CAST(dob AS DATE),
                       CAST(birth_year AS INTEGER)
                FROM person_records
                WHERE (dob IS NOT NULL OR birth_year IS NOT NULL)
                  AND ({first} IS NULL OR {first} < ?)
                ORDER BY record_id
                """,  # noqa: S608 - a fixed column name or NULL
                [cutoff],
            ).fetchall()
            births += [BirthFact(*row) for row in rows]
    if table_exists(con, "resolve_dob_decisions"):
        rows = con.execute(
            """
            SELECT CAST(decided_at AS DATE), record_id, date_of_birth, NULL, TRUE
            FROM resolve_dob_decisions WHERE decided_at < ?
            ORDER BY decided_at, decision_id
            """,
            [cutoff],
        ).fetchall()
        births += [BirthFact(*row) for row in rows]
    return births


def read_record_links(
    con: duckdb.DuckDBPyConnection, until: date, *, undated: bool
) -> list[RecordLink]:
    """The links that rebuild, day by day, the persons of `until` (today's view when
    `undated`): resolve's identity over time (`identity_links_sql`), so a record joins a
    person on the day it became one with it and stayed so — never through a link or a
    decision recorded later. Undated links (records in no dated event) count only in
    today's view, on the last day. A store without resolve's history (built by hand)
    replays `record_links` by `available_at`."""
    if table_exists(con, "record_together"):
        rows = con.execute(
            f"""
            SELECT COALESCE(CAST(available_at AS DATE), ?) AS day, record_id_l, record_id_r
            FROM ({identity_links_sql(None if undated else until, today=until)})
            WHERE available_at < ? OR available_at IS NULL
            ORDER BY day, record_id_l, record_id_r
            """,  # noqa: S608 - SQL built from dates
            [until, until + timedelta(days=1)],
        ).fetchall()
        return [RecordLink(day, left, right) for day, left, right in rows]
    rows = con.execute(
        """
        SELECT COALESCE(CAST(available_at AS DATE), ?) AS day, record_id_l, record_id_r
        FROM record_links
        WHERE available_at < ? OR (available_at IS NULL AND ?)
        ORDER BY day, record_id_l, record_id_r
        """,
        [until, until + timedelta(days=1), undated],
    ).fetchall()
    return [RecordLink(day, left, right) for day, left, right in rows]


def unscored_indicators(concerns: Sequence[str]) -> list[str]:
    """The catalogue's indicators whose concern the weights do not score (e.g. county lines)."""
    from lantern.indicators.catalogue import default_catalogue

    wanted = set(concerns)
    return sorted(i.id for i in default_catalogue().indicators if i.concern in wanted)


def _hit_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'indicator_hits'"
        ).fetchall()
    }


def _relation(con: duckdb.DuckDBPyConnection) -> str:
    """`indicator_hits.relation` as SQL ('' where a store before version 4 has no column)."""
    return "COALESCE(relation, '')" if "relation" in _hit_columns(con) else "''"


def _read_in_text(con: duckdb.DuckDBPyConnection) -> str:
    """Whether a hit is a legal hit resting on a text finding, which carries its span
    (indicators/legal.py); FALSE for a table that does not say."""
    if {"source", "span_start"} <= _hit_columns(con):
        return "coalesce(source = 'legal' AND span_start IS NOT NULL, FALSE)"
    return "FALSE"


def read_hits(
    con: duckdb.DuckDBPyConnection,
    until: date,
    unscored: list[str] | None = None,
    unscored_concerns: Sequence[str] = (),
    scored_text_layers: Sequence[str] | None = None,
    unscored_relations: Sequence[str] = (),
) -> list[Hit]:
    """Hits recorded by `until`, less those of `unscored` indicators and those whose own
    `concern` (a hit's concern can differ from its indicator's: indicators/attribution.yaml)
    is in `unscored_concerns` (shown, never scored), less those whose `relation` (kinship:
    the adult is the child's family) is in `unscored_relations`, and less text hits whose
    `text_layer` is not in `scored_text_layers` (None: every layer scores)."""
    concern = "COALESCE(concern, '')"
    relation = _relation(con)
    layer = "''" if scored_text_layers is None else "text_layer"
    layers = None if scored_text_layers is None else list(scored_text_layers)
    rows = con.execute(
        f"""
        SELECT hit_id, record_id, indicator, category, COALESCE(weight, 1.0), agency, event_id,
               CAST(COALESCE(occurred_at, recorded_at) AS DATE),
               CAST(recorded_at AS DATE),
               COALESCE(evidence, ''), legal_floor, {_read_in_text(con)}
        FROM indicator_hits
        WHERE record_id IS NOT NULL AND recorded_at IS NOT NULL AND recorded_at < ?
          AND NOT list_contains(?::VARCHAR[], indicator)
          AND NOT list_contains(?::VARCHAR[], {concern})
          AND NOT list_contains(?::VARCHAR[], {relation})
          AND (?::VARCHAR[] IS NULL OR {layer} = '' OR {layer} IS NULL
               OR list_contains(?::VARCHAR[], {layer}))
        ORDER BY recorded_at, hit_id
        """,  # noqa: S608 - `concern`, `relation` and `layer` are constants above
        [until + timedelta(days=1), list(unscored or []), list(unscored_concerns),
         list(unscored_relations), layers, layers],
    ).fetchall()  # fmt: skip
    return [Hit(*row) for row in rows]


def read_link_facts(
    con: duckdb.DuckDBPyConnection,
    until: date,
    suspect_roles: Sequence[str],
    text_kinds: Sequence[str] | None = None,
    routine: RoutineRule | None = None,
    scored_text_layers: Sequence[str] | None = None,
    family_relations: Sequence[str] = (),
) -> list[LinkFact]:
    """Children seen with other people or with things, one row per (event, child, target).

    A fact `qualifies` (counts as a link) when the other is named as a suspect, or the record
    holds a sign for the child and the other was not, *by that record's date*, a routine
    contact: seen with children in at least `routine.min_events` records, at most
    `routine.max_signal_share` of them around a sign of a kind other than the contact itself
    (`routine.quiet_categories`: the car, the older male, the phone; and the common ones), and
    never named as a suspect. A text hit of a layer the weights do not score
    (`scored_text_layers`; None: every layer) is no sign here either. That is the graph's
    pattern of contact (docs/graph.md), judged
    only on what was recorded by then: the contracted taxi seen with forty looked-after
    children, whose own records say "collected by taxi", is a service, not a link between
    them; the car of a man seen with three girls on missing episodes is not.

    A record whose hits for the child carry a `relation` in `family_relations` (the words
    name the adult as the child's family, or the record attributes its sexual harm to the
    family) is family context: its hits make no record concerning and it makes no link, even
    to the suspect it names -- the uncle a disclosure names is for child protection and the
    police, not a tie between the child and an exploiter's network.
    """
    routine = routine or RoutineRule()
    cutoff = until + timedelta(days=1)
    suspects = sql_list(suspect_roles or ["suspect"])
    parts = [
        f"""
        SELECT c.event_id, c.record_id AS child_record, c.agency, c.occurred_at, c.recorded_at,
               'R:' || o.record_id AS target, 'person' AS target_kind,
               o.role IN {suspects} AS by_suspect
        FROM child_side AS c
        JOIN event_people AS o ON o.event_id = c.event_id AND o.record_id <> c.record_id
        WHERE o.role IN {sql_list(OTHER_ROLES)}
        """  # noqa: S608 - role lists come from constants and the validated weights file
    ]
    if table_exists(con, "thing_mentions") and table_exists(con, "things"):
        parts.append(
            f"""
            SELECT c.event_id, c.record_id, c.agency, c.occurred_at, c.recorded_at,
                   m.thing_id, t.kind, COALESCE(m.role, '') = 'used_by_suspect'
            FROM child_side AS c
            JOIN thing_mentions AS m ON m.event_id = c.event_id
            JOIN things AS t ON t.thing_id = m.thing_id
            WHERE t.kind IN {sql_list(THING_KINDS)}
            """  # noqa: S608
        )
    if table_exists(con, "text_mentions"):
        parts.append(
            f"""
            SELECT c.event_id, c.record_id, c.agency, c.occurred_at, c.recorded_at,
                   m.value_norm, m.kind, FALSE
            FROM child_side AS c
            JOIN text_mentions AS m ON m.event_id = c.event_id
            WHERE m.kind IN {sql_list(text_kinds or TEXT_KINDS)} AND m.value_norm IS NOT NULL
            """  # noqa: S608 - the kinds come from a constant or the validated weights file
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE score_child_side AS
        SELECT DISTINCT p.event_id, p.record_id, e.agency,
               COALESCE(e.occurred_at, e.recorded_at) AS occurred_at, e.recorded_at
        FROM event_people AS p JOIN events AS e ON e.event_id = p.event_id
        WHERE p.role IN {sql_list(CHILD_ROLES)} AND e.recorded_at < ?
        """,  # noqa: S608
        [cutoff],
    )
    abuse_concern = "coalesce(concern, 'sexual_exploitation')"
    relation = _relation(con)
    layer = "NULL" if scored_text_layers is None else "text_layer"
    layers = None if scored_text_layers is None else list(scored_text_layers)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE score_hit_events AS
        SELECT event_id, record_id,
               -- abuse the record attributes to the family or a peer (concern
               -- child_sexual_abuse) does not make its suspect a person of CSE interest
               bool_or(category = 'sexual_abuse_disclosed'
                       AND {abuse_concern} = 'sexual_exploitation') AS abuse,
               bool_or(NOT list_contains(?::VARCHAR[], category)) AS signal,
               bool_or(list_contains(?::VARCHAR[], {relation})) AS family
        FROM indicator_hits WHERE event_id IS NOT NULL AND recorded_at < ?
          AND (?::VARCHAR[] IS NULL OR {layer} IS NULL OR list_contains(?::VARCHAR[], {layer}))
        GROUP BY ALL
        """,  # noqa: S608 - `abuse_concern`, `relation` and `layer` are constants above
        [list(routine.quiet_categories), list(family_relations), cutoff, layers, layers],
    )
    union = "\nUNION ALL\n".join(parts)
    rows = con.execute(
        f"""
        WITH child_side AS (SELECT * FROM score_child_side),
        facts AS ({union}),
        distinct_facts AS (
            SELECT event_id, child_record, any_value(agency) AS agency,
                   min(occurred_at) AS occurred_at, min(recorded_at) AS recorded_at,
                   target, any_value(target_kind) AS target_kind, bool_or(by_suspect) AS by_suspect
            FROM facts GROUP BY event_id, child_record, target
        ),
        with_hits AS (
            SELECT f.*, h.event_id IS NOT NULL AND NOT h.family AS concerning,
                   COALESCE(h.abuse, FALSE) AS abuse,
                   COALESCE(h.signal AND NOT h.family, FALSE) AS signal,
                   COALESCE(h.family, FALSE) AS family
            FROM distinct_facts AS f
            LEFT JOIN score_hit_events AS h
              ON h.event_id = f.event_id AND h.record_id = f.child_record
        ),
        -- the target's records with children so far (by recorded_at, peers included)
        target_events AS (
            SELECT target, event_id, min(recorded_at) AS recorded_at, bool_or(signal) AS signal,
                   bool_or(by_suspect AND NOT family) AS by_suspect
            FROM with_hits GROUP BY target, event_id
        ),
        pattern AS (
            SELECT target, event_id,
                   count(*) OVER w AS n_events,
                   sum(CAST(signal AS INTEGER)) OVER w AS n_signal,
                   bool_or(by_suspect) OVER w AS ever_suspect
            FROM target_events
            WINDOW w AS (PARTITION BY target ORDER BY recorded_at
                         RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        )
        SELECT CAST(f.recorded_at AS DATE), f.child_record, f.target, f.target_kind, f.event_id,
               f.agency, CAST(f.occurred_at AS DATE),
               NOT f.family AND (f.by_suspect OR (f.concerning AND NOT (
                   p.n_events >= ? AND p.n_signal <= ? * p.n_events AND NOT p.ever_suspect
               ))) AS qualifies,
               f.by_suspect AND f.abuse AS suspect_in_abuse_event,
               f.by_suspect AND NOT f.family
        FROM with_hits AS f JOIN pattern AS p USING (target, event_id)
        ORDER BY 1, f.child_record, f.target, f.event_id
        """,  # noqa: S608
        [routine.min_events, routine.max_signal_share],
    ).fetchall()
    return [LinkFact(*row) for row in rows]
