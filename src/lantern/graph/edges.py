"""Edges and nodes: aggregating `graph_evidence` into `graph_edges` and `graph_nodes`.

The aggregation takes an optional cut-off, so the same SQL gives the graph as
it stood on any date (`as_of`: only evidence with `available_at` before it,
and only signals known before it, count — including the routine-contact
pattern). The stage writes the graph as of now; the score stage can ask for
any date through `lantern.graph.queries.edges_as_of`.

Weight of an edge = the sum over its evidence of the kind's points, ×
`signal_multiplier` where the child showed a signal at that event, × 0 for
evidence in a protective role; and 0 altogether when the contact is routine:

- node pattern: the contact (an adult or a thing) touches children mostly in
  protective roles, or in many events of which few are around signals;
- edge pattern: this pair met in many events of which few are around signals;

unless the contact was ever named a suspect/offender of the child.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from lantern.graph.rules import GraphRules
from lantern.sql import sql_list
from lantern.store.steps import create_table

# A `graph_person_spans` row in force just before `$cut` (what was recorded before it counts):
# the persons of the cut, as resolve's `persons_as_of_sql` reads them.
CUT_SPAN = "coalesce({s}.valid_from < $cut, TRUE) AND coalesce({s}.valid_to >= $cut, TRUE)"


def _cutoff(as_of: datetime | None) -> dict[str, datetime]:
    """The `$cut` parameter: evidence before it counts (all of it when `as_of` is None)."""
    return {"cut": datetime(9999, 12, 31) if as_of is None else as_of}


def build_edges(
    con: duckdb.DuckDBPyConnection,
    rules: GraphRules,
    *,
    as_of: datetime | None = None,
    table: str = "graph_edges",
) -> None:
    """Write `table` from the evidence available before `as_of` (all of it when None)."""
    cut = _cutoff(as_of)
    r = rules
    create_table(
        con,
        table,
        f"""
        WITH family_records AS (
            -- the child's records whose hits name the adult as the child's family or
            -- attribute the sexual harm to the family (rules.yaml `family_relations`). Keyed
            -- by the hit's own record, not by today's person: a record joined to the child
            -- after the cut must not change which of the cut's edges are the family's.
            SELECT DISTINCT h.event_id, h.record_id
            FROM graph_in_indicator_hits h
            WHERE h.event_id IS NOT NULL AND coalesce(h.recorded_at, TIMESTAMP '1900-01-01') < $cut
              AND h.relation IN {sql_list(r.family_relations or ("",))}
        ), ev AS (
            SELECT e.*, e.signal_at IS NOT NULL AND e.signal_at < $cut AS is_signal,
                   e.child_id IS NOT NULL AND EXISTS (
                       SELECT 1 FROM family_records f
                       WHERE f.event_id = e.event_id
                         AND f.record_id IN (e.src_record, e.dst_record)
                   ) AS family
            FROM graph_evidence e
            WHERE e.available_at < $cut
        ), contact AS (
            SELECT contact_id,
                   count(DISTINCT event_id) AS n_events,
                   count(DISTINCT event_id) FILTER (WHERE is_signal) AS n_signal,
                   avg(CASE WHEN protective THEN 1.0 ELSE 0.0 END) AS protective_share,
                   -- a relative named as suspect in his own family's record is not thereby
                   -- a suspect in anyone else's (his other edges are judged as usual)
                   bool_or(suspect AND NOT family) AS any_suspect
            FROM ev WHERE contact_id IS NOT NULL AND child_id IS NOT NULL
            GROUP BY contact_id
        ), household_thing AS (
            -- A phone or car on the own record of an adult recorded protecting a child (a
            -- parent, carer, reporter or professional) and never as a suspect: the family's
            -- or the service's number, given as the child's contact or the reporting
            -- person's. Siblings sharing their mother's phone are a family, not a network.
            -- "The adult" is the person of the cut (resolve's identity over time), not
            -- today's: a record joined to them later does not change the rule behind its date.
            SELECT DISTINCT t.thing_id AS contact_id
            FROM graph_thing_links t
            JOIN graph_person_spans ts ON ts.record_id = t.record_id AND {CUT_SPAN.format(s="ts")}
            JOIN (SELECT s.component, s.person_label
                  FROM graph_participants g
                  JOIN graph_person_spans s ON s.record_id = g.record_id AND {CUT_SPAN.format(s="s")}
                  WHERE g.recorded_at < $cut
                  GROUP BY ALL HAVING bool_or(g.protective) AND NOT bool_or(g.suspect)) p
              ON p.component = ts.component AND p.person_label = ts.person_label
            WHERE t.available_at < $cut AND NOT t.is_child
              AND t.role IN {sql_list(r.routine_household_thing_roles or ("",))}
        ), routine_contact AS (
            SELECT contact_id,
                   CASE WHEN any_suspect THEN NULL
                        WHEN protective_share >= {r.routine_protective_share}
                          THEN 'contact mostly in a protective role'
                        WHEN contact_id IN (SELECT contact_id FROM household_thing)
                          THEN 'the own phone or vehicle of an adult recorded protecting a child'
                        WHEN n_events >= {r.routine_min_events}
                         AND n_signal <= {r.routine_max_signal_share} * n_events
                          THEN 'contact spread over ' || n_events || ' ordinary events ('
                               || n_signal || ' around signals)'
                   END AS reason
            FROM contact
        ), grouped AS (
            SELECT src, dst, kind,
                   sum(points * CASE WHEN protective THEN 0 ELSE 1 END
                              * CASE WHEN is_signal THEN {r.signal_multiplier} ELSE 1 END) AS raw_weight,
                   min(available_at) AS first_available_at,
                   min(occurred_at) AS first_occurred_at,
                   max(occurred_at) AS last_occurred_at,
                   count(DISTINCT coalesce(event_id, src_record || '|' || coalesce(via, ''))) AS n_events,
                   count(DISTINCT event_id) FILTER (WHERE is_signal) AS n_signal_events,
                   count(DISTINCT occurred_at::DATE) AS n_days,
                   bool_and(protective) AS all_protective,
                   bool_and(event_id IS NULL) AS record_only,
                   bool_or(suspect) AS any_suspect,
                   bool_and(family) AS all_family,
                   any_value(child_id) FILTER (WHERE child_id IS NOT NULL) AS child_id,
                   any_value(contact_id) FILTER (WHERE contact_id IS NOT NULL) AS contact_id,
                   list_sort(list(DISTINCT agency)) AS agencies,
                   list_sort(list(DISTINCT src_role || '/' || coalesce(dst_role, '-'))) AS roles,
                   to_json(list({{
                       'event_id': event_id, 'paired_event_id': paired_event_id, 'agency': agency,
                       'occurred_at': occurred_at, 'recorded_at': recorded_at,
                       'available_at': available_at, 'role': src_role || '/' || coalesce(dst_role, '-'),
                       'via': via, 'signal': is_signal,
                       'src_record': src_record, 'dst_record': dst_record
                   }} ORDER BY occurred_at, event_id, via, src_record, dst_record, paired_event_id)) AS evidence
            FROM ev GROUP BY src, dst, kind
        )
        SELECT g.src, g.dst, g.kind,
               CASE WHEN routine_reason IS NULL THEN g.raw_weight ELSE 0.0 END AS weight,
               g.first_available_at, g.last_occurred_at, g.n_events, g.evidence,
               g.raw_weight, g.first_occurred_at, g.n_signal_events, g.agencies, g.roles,
               g.child_id, g.contact_id, g.record_only, g.any_suspect AS suspect_evidence,
               routine_reason IS NOT NULL AS routine, routine_reason
        FROM (
            SELECT g.*,
                   CASE WHEN g.all_family AND g.child_id IS NOT NULL
                          THEN 'the child''s family (the record names the adult as family)'
                        WHEN g.any_suspect THEN NULL
                        WHEN rc.reason IS NOT NULL THEN rc.reason
                        WHEN g.all_protective THEN 'protective role only'
                        WHEN g.child_id IS NOT NULL AND g.n_events >= {r.routine_edge_min_events}
                         AND g.n_signal_events <= {r.routine_max_signal_share} * g.n_events
                          THEN 'met in ' || g.n_events || ' ordinary events ('
                               || g.n_signal_events || ' around signals)'
                   END AS routine_reason
            FROM grouped g LEFT JOIN routine_contact rc ON rc.contact_id = g.contact_id
            WHERE g.kind <> 'same_place' OR g.n_days >= {r.same_place_min_occasions}
        ) g
        ORDER BY g.src, g.dst, g.kind
        """,  # noqa: S608
        cut,
    )


def build_signal_children(
    con: duckdb.DuckDBPyConnection, rules: GraphRules, *, as_of: datetime | None = None
) -> None:
    """`graph_signal_children`: children whose indicator hits meet the rules' bar."""
    cut = _cutoff(as_of)
    create_table(
        con,
        "graph_signal_children",
        f"""
        SELECT p.person_id,
               count(*) AS n_hits,
               count(DISTINCT h.category) AS n_categories,
               list_sort(list(DISTINCT h.category)) AS categories,
               min(h.recorded_at) AS first_hit_at
        FROM graph_in_indicator_hits h
        JOIN persons p USING (record_id)
        JOIN graph_children c USING (person_id)
        WHERE coalesce(h.recorded_at, TIMESTAMP '1900-01-01') < $cut
          AND h.indicator NOT IN {sql_list(rules.signal_not_signals or ("",))}
          AND coalesce(h.concern, '') NOT IN {sql_list(rules.signal_not_concerns or ("",))}
          AND coalesce(h.relation, '') NOT IN {sql_list(rules.family_relations or ("",))}
        GROUP BY p.person_id
        HAVING count(DISTINCT h.category) FILTER (
                   WHERE h.category NOT IN {sql_list(rules.signal_common_categories)}
               ) >= {rules.signal_min_categories}
            OR bool_or(h.category IN {sql_list(rules.signal_strong_categories)})
            OR count(*) FILTER (WHERE h.category = 'missing') >= {rules.signal_min_missing_hits}
        """,  # noqa: S608
        cut,
    )


def build_nodes(
    con: duckdb.DuckDBPyConnection, *, edges: str = "graph_edges", table: str = "graph_nodes"
) -> None:
    """`graph_nodes`: every node on an edge, with its kind, label and flags."""
    create_table(
        con,
        table,
        f"""
        WITH ends AS (
            SELECT src AS node_id, first_available_at FROM {edges}
            UNION ALL SELECT dst, first_available_at FROM {edges}
        ), ids AS (
            SELECT node_id, min(first_available_at) AS first_available_at FROM ends GROUP BY node_id
        ), person_labels AS (
            SELECT p.person_id,
                   min(trim(coalesce(pe.given_name, '') || ' ' || coalesce(pe.family_name, ''))) AS label
            FROM persons p JOIN graph_in_people pe USING (record_id)
            WHERE trim(coalesce(pe.given_name, '') || coalesce(pe.family_name, '')) <> ''
            GROUP BY p.person_id
        ), place_labels AS (
            SELECT place_id, min(place_label) AS label, min(place_kind) AS place_kind
            FROM graph_place_visits GROUP BY place_id
        ), contact_links AS (   -- distinct signal children on non-routine edges, per other end
            SELECT other, count(DISTINCT child) AS n FROM (
                SELECT src AS other, dst AS child FROM {edges} WHERE weight > 0
                UNION ALL SELECT dst, src FROM {edges} WHERE weight > 0
            ) JOIN graph_signal_children s ON s.person_id = child
            WHERE other <> child GROUP BY other
        ), routine AS (
            SELECT node_id, any_value(routine_reason) AS reason FROM (
                SELECT contact_id AS node_id, routine_reason FROM {edges}
                WHERE routine AND routine_reason LIKE 'contact %'
            ) GROUP BY node_id
        )
        SELECT i.node_id,
               CASE WHEN i.node_id LIKE 'place:%' THEN 'place'
                    WHEN pers.person_id IS NOT NULL THEN 'person' ELSE 'thing' END AS kind,
               coalesce(pl.label, t.display, pc.label, tx.value,
                        regexp_replace(i.node_id, '^[a-z_]+:', '')) AS label,
               CASE WHEN i.node_id LIKE 'place:%' THEN pc.place_kind
                    WHEN pers.person_id IS NOT NULL THEN CASE WHEN ch.person_id IS NOT NULL
                         THEN 'child' ELSE 'adult' END
                    ELSE coalesce(t.kind, split_part(i.node_id, ':', 1)) END AS subkind,
               ch.person_id IS NOT NULL AS is_child,
               sc.person_id IS NOT NULL AS signal_child,
               coalesce(cl.n, 0) AS linked_signal_children,
               ro.reason IS NOT NULL AS routine,
               ro.reason AS routine_reason,
               i.first_available_at
        FROM ids i
        LEFT JOIN (SELECT DISTINCT person_id FROM persons) pers ON pers.person_id = i.node_id
        LEFT JOIN person_labels pl ON pl.person_id = i.node_id
        LEFT JOIN graph_in_things t ON t.thing_id = i.node_id
        LEFT JOIN place_labels pc ON pc.place_id = i.node_id
        LEFT JOIN (SELECT value_norm, min(value) AS value FROM graph_in_text_mentions
                   GROUP BY value_norm) tx ON tx.value_norm = i.node_id
        LEFT JOIN graph_children ch ON ch.person_id = i.node_id
        LEFT JOIN graph_signal_children sc ON sc.person_id = i.node_id
        LEFT JOIN contact_links cl ON cl.other = i.node_id
        LEFT JOIN routine ro ON ro.node_id = i.node_id
        ORDER BY i.node_id
        """,  # noqa: S608
    )
