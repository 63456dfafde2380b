"""Evidence: one row per fact that ties two nodes, in named set-based SQL steps.

Steps (each writes the table named):

1. `graph_person_status` — per person: the date of birth, or with none the birth year,
   resolve's rule gives (`best_dates_of_birth_sql`, which writes `person_identity`: one rule
   for every stage and the app), and a home (the
   most common normalised postcode over their records: children sharing one are one
   household).
2. `graph_dates_of_birth` — each record's date of birth as known when each event naming it
   was recorded (the indicators' rule, `dates_of_birth`: resolve's one rule over the records
   that were one person with it then), and `graph_participants` — event × person: role, age
   at the event on that date (the record's own date first), child flag. Never today's
   `graph_person_status`: a record recorded later would make someone a child or an adult
   behind an earlier date (the 10,000-child truncation property caught it). The event's head
   count (`n_people`, against `max_people_per_event`) counts the persons of the moment the
   event was recorded (`graph_person_spans`), not today's.
3. `graph_child_signals` — (event, child): the child shows a signal at this
   event (an indicator hit other than the common and contact-describing
   categories, a missing episode, or an event around one), and when that
   became known (`signal_at`).
4. `graph_thing_links` — person × thing × event: from `thing_mentions`
   (event things by role; things on a person record) and `text_mentions`
   (VRMs and phones named in a child's narrative). A thing on a person record with no
   event is a child's when the person *of the tie's moment* (`graph_person_spans`) had been
   recorded as a child by then: not today's person, which may hold a record joined later.
5. `graph_place_visits` — person × place × event, for place-bearing events
   (`people_that_day`: today's crowd, for reading; `same_place` counts its own as of
   each tie's date).
6. `graph_evidence` — every piece of evidence for every edge, with
   `available_at`: the time the *last* record needed to show it was recorded.
   An edge's `first_available_at` is the minimum of these, so no edge carries
   a date earlier than the records that show it (see docs/graph.md). Every
   count that decides whether a tie is made (a nickname's carriers, a thing's
   sharers, a place's crowd that day) is taken as of the tie's own
   `available_at`, over the persons of that moment and the records by then.
"""

from __future__ import annotations

import time

import duckdb

from lantern.graph.rules import GraphRules
from lantern.resolve.identity import best_dates_of_birth_sql
from lantern.sql import sql_list
from lantern.store.steps import Steps, create_table

# Postcode → sector ("OX4 1AB" → "OX4 1"); NULL when the postcode is not a full UK postcode.
POSTCODE_SECTOR = """
CASE WHEN regexp_full_match(regexp_replace(upper({pc}), '[^A-Z0-9]', '', 'g'),
                            '[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}')
     THEN left(regexp_replace(upper({pc}), '[^A-Z0-9]', '', 'g'),
               length(regexp_replace(upper({pc}), '[^A-Z0-9]', '', 'g')) - 3)
          || ' ' ||
          substr(regexp_replace(upper({pc}), '[^A-Z0-9]', '', 'g'),
                 length(regexp_replace(upper({pc}), '[^A-Z0-9]', '', 'g')) - 2, 1)
END"""

NAMED_PLACE = "nullif(lower(trim(regexp_replace({name}, '\\s+', ' ', 'g'))), '')"


def build_person_status(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    create_table(
        con,
        "graph_person_status",
        f"""
        WITH identity AS ({best_dates_of_birth_sql("persons")}),
        homes AS (
            SELECT p.person_id, r.postcode_norm AS home, count(*) AS n
            FROM persons p JOIN person_records r USING (record_id)
            WHERE r.postcode_norm IS NOT NULL GROUP BY ALL
        ), best_home AS (
            SELECT person_id, arg_max(home, (n, home)) AS home
            FROM homes GROUP BY person_id
        )
        SELECT i.person_id, i.date_of_birth AS dob, i.birth_year, h.home
        FROM identity i LEFT JOIN best_home h USING (person_id)
        """,  # noqa: S608 - resolve's fixed rule
    )


# The indicators stage's tables of the same rule on the same spans (`build_dates_of_birth`).
DATES_OF_BIRTH_TABLES = ("record_dates_of_birth", "dob_members", "dates_of_birth")


def build_dates_of_birth(
    con: duckdb.DuckDBPyConnection, rules: GraphRules, *, from_indicators: bool = False
) -> None:
    """`graph_dates_of_birth` (with `graph_person_spans`, `graph_record_dates_of_birth` and
    `graph_dob_members`): each record's date of birth at each moment an event naming it was
    recorded, as known then. Identity over time from resolve (`record_person_spans`); a store
    without it (built by hand) has only today's persons, from the start.

    `from_indicators`: the indicators stage has just asked the same rule on the same spans of
    the same store (`ind_*`, `indicators.inputs.dates_of_birth`; the pipeline runs it
    right before this stage), so its tables are copied rather than computed a second time (the
    two were the largest steps of both stages at 50,000 children). A caller that cannot
    vouch for that (`lantern graph build` alone) computes them."""
    from lantern.indicators.inputs import dates_of_birth

    steps = Steps(con)
    steps.table(
        "graph_person_spans",
        "SELECT record_id, component, person_label, valid_from, valid_to FROM record_person_spans"
        if steps.exists("record_person_spans")
        else "SELECT record_id, person_id AS component, person_id AS person_label, "
        "NULL::TIMESTAMP AS valid_from, NULL::TIMESTAMP AS valid_to FROM persons",
    )
    if from_indicators and all(steps.exists(f"ind_{t}") for t in DATES_OF_BIRTH_TABLES):
        for table in DATES_OF_BIRTH_TABLES:
            steps.table(f"graph_{table}", f"SELECT * FROM ind_{table}")  # noqa: S608
        return
    dates_of_birth(steps, spans="graph_person_spans", prefix="graph")


def build_participants(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    create_table(
        con,
        "graph_participants",
        f"""
        WITH ep AS (
            SELECT DISTINCT ep.event_id, ep.record_id, lower(trim(ep.role)) AS role, p.person_id
            FROM event_people ep JOIN persons p USING (record_id)
        ), aged AS (
            SELECT e.event_id, e.agency, e.event_type, e.occurred_at,
                   coalesce(e.recorded_at, e.occurred_at) AS recorded_at, e.ended_at,
                   e.postcode, e.place_name,
                   ep.record_id, ep.person_id, ep.role,
                   CASE
                     WHEN coalesce(r.dob, s.dob) IS NOT NULL
                       THEN date_sub('year', coalesce(r.dob, s.dob), e.occurred_at::DATE)
                     WHEN coalesce(r.birth_year, s.birth_year) IS NOT NULL
                       THEN year(e.occurred_at) - coalesce(r.birth_year, s.birth_year)
                            - CASE WHEN month(e.occurred_at) < 7 THEN 1 ELSE 0 END
                   END AS age_at_event
            FROM ep
            JOIN events e USING (event_id)
            LEFT JOIN person_records r USING (record_id)
            -- the person's date as known when the event was recorded, not today's
            LEFT JOIN graph_dates_of_birth s
                   ON s.record_id = ep.record_id AND s.known_at = e.recorded_at
            WHERE e.occurred_at IS NOT NULL
        )
        , sizes AS (
            -- the head count of the persons of the event's own moment (resolve's identity
            -- over time): two records of one person, joined or parted later, count as they
            -- did when the event was recorded
            SELECT ep.event_id,
                   count(DISTINCT coalesce(s.component || '|' || s.person_label,
                                           'record|' || ep.record_id)) AS n_people
            FROM ep JOIN events e USING (event_id)
            LEFT JOIN graph_person_spans s ON s.record_id = ep.record_id
             AND {span_at("s", "coalesce(e.recorded_at, e.occurred_at)")}
            GROUP BY ep.event_id
        )
        SELECT aged.*,
               coalesce(age_at_event < 18, role = 'subject') AS is_child,
               role IN {sql_list(rules.child_roles)} AS child_role,
               role IN {sql_list(rules.protective_roles)} AS protective,
               role IN {sql_list(rules.suspect_roles)} AS suspect,
               sizes.n_people
        FROM aged JOIN sizes USING (event_id)
        """,  # noqa: S608
    )
    create_table(
        con,
        "graph_children",
        """
        SELECT person_id, min(occurred_at) FILTER (WHERE is_child) AS first_child_event_at
        FROM graph_participants GROUP BY person_id HAVING bool_or(is_child)
        """,
    )


def build_child_signals(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    create_table(
        con,
        "graph_child_signals",
        f"""
        WITH hits AS (
            SELECT h.event_id, p.person_id, min(coalesce(h.recorded_at, e.recorded_at)) AS signal_at
            FROM graph_in_indicator_hits h
            JOIN persons p USING (record_id)
            LEFT JOIN events e USING (event_id)
            WHERE h.event_id IS NOT NULL
              AND h.category NOT IN {sql_list(rules.signal_common_categories + rules.contact_categories)}
              AND h.indicator NOT IN {sql_list(rules.signal_not_signals or ("",))}
              AND coalesce(h.concern, '') NOT IN {sql_list(rules.signal_not_concerns or ("",))}
              AND coalesce(h.relation, '') NOT IN {sql_list(rules.family_relations or ("",))}
            GROUP BY ALL
        ), missing AS (
            SELECT person_id, occurred_at AS start_at, coalesce(ended_at, occurred_at) AS end_at,
                   recorded_at
            FROM graph_participants
            WHERE child_role AND is_child AND event_type IN {sql_list(rules.missing_event_types)}
        ), around AS (
            SELECT gp.event_id, gp.person_id, greatest(gp.recorded_at, m.recorded_at) AS signal_at
            FROM graph_participants gp
            JOIN missing m
              ON gp.person_id = m.person_id
             AND gp.occurred_at >= m.start_at - INTERVAL 1 DAY
             AND gp.occurred_at <= m.end_at + INTERVAL {rules.missing_window_days} DAY
        )
        SELECT event_id, person_id, min(signal_at) AS signal_at
        FROM (SELECT * FROM hits UNION ALL SELECT * FROM around)
        GROUP BY event_id, person_id
        """,  # noqa: S608
    )


def build_thing_links(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    targets = " UNION ALL ".join(
        f"SELECT '{thing_role}' AS thing_role, unnest({sql_list(roles)}) AS person_role"
        for thing_role, roles in rules.thing_role_targets.items()
    )
    create_table(
        con,
        "graph_thing_links",
        f"""
        WITH targets AS ({targets}),
        on_record_ties AS (   -- a thing tied to a person record (its owner, or a people-table phone)
            SELECT p.person_id, tm.record_id, tm.thing_id, tm.event_id,
                   coalesce(tm.agency, r.agency) AS agency,
                   tm.occurred_at,
                   coalesce(tm.recorded_at, r.first_recorded_at) AS available_at,
                   coalesce(lower(tm.role), 'on_record') AS role,
                   gp.is_child AS child_at_event,
                   coalesce(tm.source, 'people') AS source
            FROM graph_in_thing_mentions tm
            JOIN persons p USING (record_id)
            JOIN person_records r USING (record_id)
            LEFT JOIN (SELECT DISTINCT event_id, record_id, is_child FROM graph_participants) gp
                   ON gp.event_id = tm.event_id AND gp.record_id = tm.record_id
            WHERE tm.record_id IS NOT NULL
        ), known_child AS (
            -- with no event: a child's when the person *of the tie's moment* (resolve's
            -- identity over time) had been recorded as a child by then. Not today's person:
            -- a record joined to it later would make the tie a child's behind its date.
            SELECT DISTINCT k.record_id, k.available_at
            FROM (SELECT DISTINCT record_id, available_at FROM on_record_ties
                  WHERE child_at_event IS NULL) k
            JOIN graph_person_spans ks ON ks.record_id = k.record_id
             AND {span_at("ks", "k.available_at")}
            JOIN graph_person_spans os
              ON os.component = ks.component AND os.person_label = ks.person_label
             AND {span_at("os", "k.available_at")}
            JOIN graph_participants g ON g.record_id = os.record_id
             AND g.is_child AND g.recorded_at <= k.available_at
        ), on_record AS (
            SELECT t.person_id, t.record_id, t.thing_id, t.event_id, t.agency, t.occurred_at,
                   t.available_at, t.role,
                   coalesce(t.child_at_event, kc.record_id IS NOT NULL) AS is_child, t.source
            FROM on_record_ties t
            LEFT JOIN known_child kc
                   ON kc.record_id = t.record_id AND kc.available_at = t.available_at
        ), in_event AS (  -- a thing in an event with no record: tied to the people its role names
            SELECT gp.person_id, gp.record_id, tm.thing_id, tm.event_id, gp.agency,
                   gp.occurred_at, coalesce(tm.recorded_at, gp.recorded_at) AS available_at,
                   coalesce(lower(tm.role), 'other') AS role, gp.is_child, 'event_things' AS source
            FROM graph_in_thing_mentions tm
            JOIN targets t ON t.thing_role = coalesce(lower(tm.role), 'other')
            JOIN graph_participants gp ON gp.event_id = tm.event_id AND gp.role = t.person_role
            WHERE tm.record_id IS NULL AND tm.event_id IS NOT NULL
        ), in_text AS (   -- a VRM or phone named in a child's narrative
            SELECT gp.person_id, gp.record_id, tx.value_norm AS thing_id, tx.event_id, gp.agency,
                   gp.occurred_at, coalesce(tx.recorded_at, gp.recorded_at) AS available_at,
                   'named_in_narrative' AS role, gp.is_child, 'text' AS source
            FROM graph_in_text_mentions tx
            JOIN graph_participants gp ON gp.event_id = tx.event_id AND gp.child_role AND gp.is_child
            WHERE tx.kind IN ('vehicle', 'phone') AND tx.value_norm IS NOT NULL
        )
        SELECT DISTINCT * FROM (
            SELECT * FROM on_record UNION ALL SELECT * FROM in_event UNION ALL SELECT * FROM in_text
        )
        WHERE available_at IS NOT NULL AND thing_id IS NOT NULL
        """,  # noqa: S608
    )


def build_place_visits(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    sector = POSTCODE_SECTOR.format(pc="postcode")
    named = NAMED_PLACE.format(name="place_name")
    create_table(
        con,
        "graph_place_visits",
        f"""
        WITH placed AS (
            SELECT *,
                   CASE WHEN {named} IS NOT NULL THEN 'place:' || {named}
                        WHEN {sector} IS NOT NULL THEN 'place:' || {sector} END AS place_id,
                   CASE WHEN {named} IS NOT NULL THEN 'named' ELSE 'sector' END AS place_kind,
                   coalesce(nullif(trim(place_name), ''), {sector}) AS place_label
            FROM graph_participants
            WHERE NOT protective AND event_type IN {sql_list(rules.place_event_types)}
        ), crowd AS (
            SELECT place_id, occurred_at::DATE AS day, count(DISTINCT person_id) AS n_people
            FROM placed WHERE place_id IS NOT NULL GROUP BY ALL
        )
        SELECT p.person_id, p.record_id, p.place_id, p.place_kind, p.place_label, p.event_id,
               p.agency, p.occurred_at, p.recorded_at, p.role, p.is_child, p.child_role,
               c.n_people AS people_that_day
        FROM placed p JOIN crowd c ON c.place_id = p.place_id AND c.day = p.occurred_at::DATE
        """,  # noqa: S608
    )


def build_nicknames(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    """`graph_nickname_records`: every record that carries a nickname (`other_names`), and
    `graph_nicknames`: every person that does. Whether a nickname is specific enough to tie
    a narrative to a person (`nickname_max_persons`) is judged in the evidence, as of the
    date of each tie: a "Deano" recorded in 2009 does not make a 2006 narrative's "Deano"
    ambiguous behind its date."""
    create_table(
        con,
        "graph_nickname_records",
        """
        SELECT DISTINCT p.person_id, pe.record_id, r.first_recorded_at, n.nickname
        FROM graph_in_people pe JOIN persons p USING (record_id)
        JOIN person_records r USING (record_id),
        LATERAL (SELECT lower(trim(unnest(string_split(pe.other_names, ';')))) AS nickname) n
        WHERE pe.other_names IS NOT NULL AND n.nickname <> ''
        """,
    )
    create_table(
        con,
        "graph_nicknames",
        """
        SELECT nickname, person_id, min(record_id) AS record_id,
               min(first_recorded_at) AS first_recorded_at
        FROM graph_nickname_records GROUP BY nickname, person_id
        """,
    )


EVIDENCE_COLUMNS = """
    src, dst, kind, event_id, paired_event_id, agency, occurred_at, recorded_at, available_at,
    src_record, dst_record, src_role, dst_role, via, child_id, contact_id, points, signal_at,
    protective, suspect
"""
EVIDENCE_NAMES = tuple(name.strip() for name in EVIDENCE_COLUMNS.split(","))


def role_rank(rules: GraphRules, role: str) -> str:
    """SQL ranking a role for the evidence kept when one fact shows it twice (lower wins).

    A record can show one tie twice: a person listed in two roles in one event, a
    thing recorded on the event and named in its notes. The evidence keeps one,
    by this fixed precedence: the role that says most about the concern first
    (a suspect or offender, or a thing used by one), then the child's own roles,
    then any other recorded role, then protective roles, and last a role read
    from the notes (named in a narrative), as a structured record wins over the
    same finding in its narrative in `indicator_hits`.
    """
    return f"""CASE WHEN {role} IN {sql_list((*rules.suspect_roles, "used_by_suspect"))} THEN 0
         WHEN {role} IN {sql_list(rules.child_roles)} THEN 1
         WHEN {role} = 'named_in_narrative' OR {role} LIKE 'named as %' THEN 4
         WHEN {role} IN {sql_list(rules.protective_roles)} THEN 3
         ELSE 2 END"""  # noqa: S608


def span_at(span: str, at: str) -> str:
    """SQL: the `graph_person_spans` row `span` holds at the moment `at` (a change made at
    `at` counts, as a record recorded at `at` does)."""
    return f"coalesce({span}.valid_from <= {at}, TRUE) AND coalesce({at} < {span}.valid_to, TRUE)"


def persons_by(table: str, which: str, since: str, at: str) -> str:
    """SQL: how many persons *of the moment `at`* (resolve's identity over time,
    `graph_person_spans`) had a row of `table` matching `which` by then (`since` <= `at`).
    A count of carriers (of a nickname, of a thing) as known when a tie became available:
    a carrier recorded later does not take back an earlier tie."""
    return f"""(SELECT count(DISTINCT o_s.component || '|' || o_s.person_label)
                FROM {table} o
                JOIN graph_person_spans o_s ON o_s.record_id = o.record_id
                 AND {span_at("o_s", at)}
                WHERE o.{which} AND o.{since} <= {at})"""  # noqa: S608 - fixed SQL


def build_evidence(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    """One row per (src, dst, kind, event, via), the same on every run.

    Of the rows the parts below give for one such key, the one kept is the
    smallest by: earliest available, the two records' ids, the roles by
    `role_rank`, the roles' names, then every other column. It is found by one
    `min` over a struct per key, not by sorting: `DISTINCT ON ... ORDER BY` with
    that many sort keys buffered every row once per column and ran out of
    DuckDB's 4 GB at 150,000 children. The same precedence picks which of an
    adult's records of a thing, and which visit of a place, a piece of
    evidence cites.
    """
    pts = rules.points
    max_people = rules.max_people_per_event
    signal = "LEFT JOIN graph_child_signals s ON s.event_id = {e} AND s.person_id = {p}"
    # when a nickname's tie became available: the narrative, and the carrier's record
    tie_at = (
        "greatest(coalesce(tx.recorded_at, gp.recorded_at), "
        "coalesce(n.first_recorded_at, gp.recorded_at))"
    )
    carriers = persons_by("graph_nickname_records", "nickname = n.nickname", "first_recorded_at",
                          tie_at)  # fmt: skip
    # The carrier as known when the tie became available (the person of that moment, the
    # events recorded by then) was recorded only in protective roles: a father whose alias
    # is the nickname a girl's notes give a man is not thereby tied to her. The tie is kept
    # as context (a protective row: no weight, no link, no network), dated as any other.
    carrier_protective_only = f"""(
        SELECT coalesce(bool_and(g.protective), FALSE)
        FROM graph_person_spans n_s
        JOIN graph_person_spans o_s ON o_s.component = n_s.component
         AND o_s.person_label = n_s.person_label AND {span_at("o_s", tie_at)}
        JOIN graph_participants g ON g.record_id = o_s.record_id AND g.recorded_at <= {tie_at}
        WHERE n_s.record_id = n.record_id AND {span_at("n_s", tie_at)})"""  # noqa: S608
    thing_tied = persons_by("graph_thing_links", "thing_id = c.thing_id", "available_at",
                            "greatest(c.available_at, x.first_at)")  # fmt: skip
    crowd, window = rules.same_place_max_people, rules.same_place_window_days
    parts = {
        # An adult named as suspect/offender in an event whose subject/victim is a child.
        "suspect_of": f"""
            SELECT a.person_id AS src, c.person_id AS dst, 'suspect_of' AS kind, c.event_id,
                   NULL AS paired_event_id, c.agency, c.occurred_at, c.recorded_at,
                   c.recorded_at AS available_at, a.record_id AS src_record,
                   c.record_id AS dst_record, a.role AS src_role, c.role AS dst_role,
                   NULL AS via, c.person_id AS child_id, a.person_id AS contact_id,
                   {pts["suspect_of"]} AS points,
                   least(s.signal_at, c.recorded_at) AS signal_at, false AS protective, true AS suspect
            FROM graph_participants c
            JOIN graph_participants a ON a.event_id = c.event_id AND a.person_id <> c.person_id
            {signal.format(e="c.event_id", p="c.person_id")}
            WHERE c.child_role AND c.is_child AND a.suspect AND c.n_people <= {max_people}""",  # noqa: S608
        # Someone else in a child's event (associate, witness, another child, a professional...).
        "co_event_child": f"""
            SELECT x.person_id AS src, c.person_id AS dst, 'co_event' AS kind, c.event_id,
                   NULL, c.agency, c.occurred_at, c.recorded_at, c.recorded_at,
                   x.record_id, c.record_id, x.role, c.role, NULL,
                   c.person_id, CASE WHEN x.child_role AND x.is_child THEN NULL ELSE x.person_id END,
                   {pts["co_event"]},
                   CASE WHEN x.child_role AND x.is_child THEN least(s.signal_at, sx.signal_at)
                        ELSE s.signal_at END,
                   x.protective, false
            FROM graph_participants c
            JOIN graph_participants x ON x.event_id = c.event_id AND x.person_id <> c.person_id
            {signal.format(e="c.event_id", p="c.person_id")}
            LEFT JOIN graph_child_signals sx ON sx.event_id = x.event_id AND sx.person_id = x.person_id
            WHERE c.child_role AND c.is_child AND NOT x.suspect AND c.n_people <= {max_people}
              AND NOT (x.child_role AND x.is_child AND x.person_id > c.person_id)""",  # noqa: S608
        # Two adults tied in one event as suspects, offenders or associates (co-offending).
        "co_event_adults": f"""
            SELECT a.person_id, b.person_id, 'co_event', a.event_id, NULL, a.agency, a.occurred_at,
                   a.recorded_at, a.recorded_at, a.record_id, b.record_id, a.role, b.role, NULL,
                   NULL, NULL, {pts["co_event"]}, NULL, false, a.suspect OR b.suspect
            FROM graph_participants a
            JOIN graph_participants b ON b.event_id = a.event_id AND a.person_id < b.person_id
            WHERE NOT a.is_child AND NOT b.is_child AND a.n_people <= {max_people}
              AND a.role IN {sql_list(rules.adult_tie_roles)}
              AND b.role IN {sql_list(rules.adult_tie_roles)}""",  # noqa: S608
        # A person recorded with a thing (event things, record things, or a thing named in text).
        "with_thing": f"""
            SELECT t.person_id, t.thing_id,
                   CASE WHEN t.source = 'text' THEN 'text_mention' ELSE 'with_thing' END,
                   t.event_id, NULL, t.agency, t.occurred_at, t.available_at, t.available_at,
                   t.record_id, NULL, t.role, NULL, NULL,
                   CASE WHEN t.is_child THEN t.person_id END,
                   CASE WHEN t.is_child THEN t.thing_id END,
                   CASE WHEN t.source = 'text' THEN {pts["text_mention"]} ELSE {pts["with_thing"]} END,
                   CASE WHEN t.is_child THEN s.signal_at END, false, t.role = 'used_by_suspect'
            FROM graph_thing_links t
            {signal.format(e="t.event_id", p="t.person_id")}""",  # noqa: S608
        # An adult and a child tied through a thing both were recorded with.
        "shared_thing": f"""
            WITH adult_side AS (
                SELECT person_id, thing_id, first.at AS first_at, first.event_id AS first_event,
                       first.record_id AS first_record, first.role AS first_role
                FROM (
                    SELECT person_id, thing_id,
                           min({{'at': available_at, 'rank': {role_rank(rules, "role")},
                                 'role': role, 'record_id': record_id, 'event_id': event_id}}) AS first
                    FROM graph_thing_links
                    WHERE NOT is_child GROUP BY ALL
                )
            )
            SELECT x.person_id, c.person_id, 'shared_thing', c.event_id, x.first_event, c.agency,
                   c.occurred_at, c.available_at, greatest(c.available_at, x.first_at),
                   x.first_record, c.record_id, x.first_role, c.role, c.thing_id,
                   c.person_id, x.person_id, {pts["shared_thing"]}, s.signal_at, false,
                   x.first_role = 'used_by_suspect'
            FROM graph_thing_links c
            JOIN adult_side x ON x.thing_id = c.thing_id AND x.person_id <> c.person_id
            {signal.format(e="c.event_id", p="c.person_id")}
            WHERE c.is_child AND c.event_id IS NOT NULL
              -- not a crowd's thing when the tie became available: at most
              -- shared_thing_max_people persons of that moment were tied to it by then
              AND {thing_tied} <= {rules.shared_thing_max_people}""",  # noqa: S608
        # A nickname named in a child's narrative, matched to the person who carries it.
        "nickname": f"""
            SELECT n.person_id, gp.person_id, 'text_mention', gp.event_id, NULL, gp.agency,
                   gp.occurred_at, coalesce(tx.recorded_at, gp.recorded_at), {tie_at},
                   n.record_id, gp.record_id, 'named as ' || tx.value, gp.role, NULL,
                   gp.person_id, n.person_id, {pts["text_mention"]}, s.signal_at,
                   {carrier_protective_only}, false
            FROM graph_in_text_mentions tx
            JOIN graph_nicknames n ON n.nickname = lower(trim(tx.value))
            JOIN graph_participants gp ON gp.event_id = tx.event_id AND gp.child_role AND gp.is_child
            {signal.format(e="gp.event_id", p="gp.person_id")}
            WHERE tx.kind = 'nickname' AND n.person_id <> gp.person_id
              -- specific enough when the tie became available: at most nickname_max_persons
              -- persons of that moment (resolve's identity over time) carried it then
              AND {carriers} <= {rules.nickname_max_persons}""",  # noqa: S608
        # A person recorded at a place in a sighting-type event.
        "at_place": f"""
            SELECT v.person_id, v.place_id, 'at_place', v.event_id, NULL, v.agency, v.occurred_at,
                   v.recorded_at, v.recorded_at, v.record_id, NULL, v.role, NULL, NULL,
                   CASE WHEN v.is_child THEN v.person_id END,
                   CASE WHEN v.is_child THEN v.place_id END,
                   {pts["at_place"]}, CASE WHEN v.is_child THEN s.signal_at END, false, false
            FROM graph_place_visits v
            {signal.format(e="v.event_id", p="v.person_id")}""",  # noqa: S608
        # Someone at the same place as a child within the window, in a different event.
        "same_place": f"""
            WITH visits AS (
                SELECT *, occurred_at::DATE AS day FROM graph_place_visits
            ), crowded AS (   -- days that could ever hold a crowd: more records than the limit
                SELECT place_id, day FROM visits
                GROUP BY ALL HAVING count(DISTINCT record_id) > {crowd}
            ), moments AS (   -- each moment a pair on a crowded day could become available
                SELECT DISTINCT k.place_id, k.day, v.recorded_at AS at
                FROM crowded k JOIN visits v ON v.place_id = k.place_id
                 AND v.day BETWEEN k.day - INTERVAL {window} DAY AND k.day + INTERVAL {window} DAY
            ), too_crowded AS (
                -- the day's crowd at that moment: the persons of the moment (resolve's
                -- identity over time) among the visits recorded by then. Not today's
                -- persons, nor visits recorded later: they would take back a tie behind its date
                SELECT m.place_id, m.day, m.at
                FROM moments m
                JOIN visits v ON v.place_id = m.place_id AND v.day = m.day AND v.recorded_at <= m.at
                LEFT JOIN graph_person_spans vs ON vs.record_id = v.record_id
                 AND {span_at("vs", "m.at")}
                GROUP BY ALL
                HAVING count(DISTINCT coalesce(vs.component || '|' || vs.person_label,
                                               'record|' || v.record_id)) > {crowd}
            ), pairs AS (
                SELECT x.person_id AS x_id, c.person_id AS c_id, c.place_id, c.event_id,
                       c.agency, c.occurred_at, c.recorded_at, c.record_id AS c_record, c.role AS c_role,
                       x.child_role AND x.is_child AS both_children,
                       min({{'at': greatest(c.recorded_at, x.recorded_at),
                             'rank': {role_rank(rules, "x.role")}, 'role': x.role,
                             'record_id': x.record_id, 'event_id': x.event_id}}) AS x_first
                FROM visits c
                JOIN visits x
                  ON x.place_id = c.place_id AND x.person_id <> c.person_id AND x.event_id <> c.event_id
                 AND x.occurred_at BETWEEN c.occurred_at - INTERVAL {window} DAY
                                       AND c.occurred_at + INTERVAL {window} DAY
                LEFT JOIN too_crowded cc ON cc.place_id = c.place_id AND cc.day = c.day
                 AND cc.at = greatest(c.recorded_at, x.recorded_at)
                LEFT JOIN too_crowded xc ON xc.place_id = x.place_id AND xc.day = x.day
                 AND xc.at = greatest(c.recorded_at, x.recorded_at)
                WHERE c.is_child AND c.child_role
                  AND NOT (x.child_role AND x.is_child AND x.person_id > c.person_id)
                  AND cc.place_id IS NULL AND xc.place_id IS NULL
                GROUP BY ALL
            )
            SELECT p.x_id, p.c_id, 'same_place', p.event_id, p.x_first.event_id, p.agency,
                   p.occurred_at, p.recorded_at, p.x_first.at, p.x_first.record_id, p.c_record,
                   p.x_first.role, p.c_role,
                   p.place_id, p.c_id, CASE WHEN p.both_children THEN NULL ELSE p.x_id END,
                   {pts["same_place"]}, s.signal_at, false, false
            FROM pairs p
            {signal.format(e="p.event_id", p="p.c_id")}""",  # noqa: S608
    }
    union = "\nUNION ALL\n".join(f"SELECT * FROM ({sql})" for sql in parts.values())  # noqa: S608
    key = ("src", "dst", "kind", "event_id", "via")
    first = (
        "available_at",
        "src_record",
        "dst_record",
        "src_rank",
        "dst_rank",
        "src_role",
        "dst_role",
    )
    order = first + tuple(c for c in EVIDENCE_NAMES if c not in key + first)
    ranks = {"src_rank": role_rank(rules, "src_role"), "dst_rank": role_rank(rules, "dst_role")}
    fields = ", ".join(f"'{c}': {ranks.get(c, c)}" for c in order)
    picked = ", ".join(c if c in key else f"kept.{c} AS {c}" for c in EVIDENCE_NAMES)
    create_table(
        con,
        "graph_evidence",
        f"""
        SELECT {picked}
        FROM (
            SELECT {", ".join(key)}, min({{{fields}}}) AS kept
            FROM (SELECT * FROM ({union}) AS u({EVIDENCE_COLUMNS}))
            WHERE src IS NOT NULL AND dst IS NOT NULL AND available_at IS NOT NULL
            GROUP BY ALL
        )
        """,  # noqa: S608
    )


STEPS = (
    build_person_status,
    build_dates_of_birth,
    build_participants,
    build_child_signals,
    build_thing_links,
    build_place_visits,
    build_nicknames,
    build_evidence,
)


def build_all(
    con: duckdb.DuckDBPyConnection,
    rules: GraphRules,
    *,
    dates_of_birth_from_indicators: bool = False,
) -> dict[str, float]:
    """Run every step; returns each step's wall time in seconds. `dates_of_birth_from_indicators`:
    `build_dates_of_birth`'s `from_indicators`."""
    seconds = {}
    for step in STEPS:
        started = time.perf_counter()
        if step is build_dates_of_birth:
            build_dates_of_birth(con, rules, from_indicators=dates_of_birth_from_indicators)
        else:
            step(con, rules)
        seconds[step.__name__.removeprefix("build_")] = round(time.perf_counter() - started, 3)
    return seconds
