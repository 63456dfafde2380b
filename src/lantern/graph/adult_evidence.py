"""The evidence picture of an adult, withdrawn accounts, disruptions and their effects.

Four tables the app reads (docs/graph.md, "The evidence picture"), written from what the graph
already holds (`graph_evidence`, `adult_child_links`, `graph_participants`, `indicator_hits`)
rather than recomputed:

1. `account_withdrawals` — a child's disclosure and a later record in which the same child
   withdraws or denies it (`lantern.indicators.withdrawal`), with the days between and what
   happened in between (missing episodes, contact with the adult). Never a reason to lower a
   score: both records stay, shown together.
2. `adult_evidence` — every item tying an adult (anyone with a weighted tie to a child) to a
   child or to a car, phone or place also in children's records, classed by what it rests on:
   a professional's sighting, a vehicle stop, a phone, a place, a third party's report, the
   child's own account, another child's account. `account_of` names the child whose own account
   the item rests on (NULL when it rests on none), so "if Child A's statements are set aside,
   N items remain" is one filter.
3. `disruptions` — the interchange's `disruption_actions`, their targets resolved to a person
   or a thing (a vehicle, a place).
4. `target_activity_months` — per adult, vehicle or place with a tie to a child, and per month:
   the records showing it with children, the children seen, and the missing episodes of the
   children linked to it; the app reads the months either side of any action from here.
"""

from __future__ import annotations

import time

import duckdb

from lantern.graph.evidence import NAMED_PLACE, POSTCODE_SECTOR
from lantern.graph.rules import GraphRules
from lantern.indicators import withdrawal
from lantern.sql import sql_list, sql_string
from lantern.store.connection import existing_tables
from lantern.store.steps import create_table

# Records in which the police or another professional saw the adult with the child themselves:
# the adult is a recorded participant of one of these.
SIGHTING_TYPES = ("vehicle_stop", "stop_search", "found_report", "arrest", "incident", "charge")
# Records that carry what the child said: what they hold about an adult rests on the child.
ACCOUNT_TYPES = (
    "return_home_interview",
    "sexual_offence_report",
    "crime_report",
    "sexual_health_attendance",
    "sti_diagnosis",
    "pregnancy",
    "termination",
    "gp_consultation",
    "ed_attendance",
    "self_harm",
    "substance_misuse_service",
)
# Records whose content comes from someone else: a parent, a carer, a source, the public.
THIRD_PARTY_TYPES = ("intelligence", "concern_for_welfare", "missing_report", "missing_from_care")
THIRD_PARTY_ROLES = ("reporter", "parent", "carer", "witness")
# A professional says in the notes they saw it: "seen by staff", "officers observed".
SIGHTING_WORDS = (
    r"(?i)\b(seen|observed|spotted|sighted|witnessed)\s+(by\s+)?(staff|officers?|pcsos?|police|"
    r"patrols?|(the\s+)?(youth|social|support|key)\s+worker|teachers?|(the\s+)?manager|"
    r"security|cctv)|\b(staff|officers?|pcsos?|patrols?|workers?|teachers?)\s+(saw|observed|"
    r"found|located|stopped|witnessed|spotted)\b|\banpr\b"
)
# Someone other than the child and the professional says it: "mum reported", "a neighbour
# called". Read before the child's own words (a parent's report quoting the child stays theirs).
THIRD_PARTY_WORDS = (
    r"(?i)\b(mum|mother|dad|father|parents?|carers?|foster (carer|mum|dad)|step-?(mum|dad)|"
    r"aunt|uncle|gran|grandm\w*|grandad|sister|brother|neighbou?rs?|member of (the )?public|mop|"
    r"caller|informant|source|shopkeeper|taxi driver|landlord|friend'?s (mum|dad|parent))\s+"
    r"(said|says|reported|reports|told|tells|states|stated|called|rang|saw|sees|has seen|"
    r"believes|raised|is concerned|was concerned)\b|\breported by (mum|mother|dad|father|"
    r"(the )?carer|(a )?neighbou?r|(a )?member of the public)"
)
# The child's own account in the notes: reported speech (what someone in the record said; a
# third party's words are caught before this).
ACCOUNT_WORDS = (
    r"(?i)\b(said|says|told|tells|disclosed|discloses|disclosure|states|stated|alleges|alleged|"
    r"explained|described|admits|admitted|claims|claimed)\b|\baccording to (her|him|them)\b"
)
THING_KIND = {"vehicle": "vehicle", "phone": "phone", "email": "phone", "social_handle": "phone"}


def _events_view(con: duckdb.DuckDBPyConnection) -> None:
    """The events with the columns read here (a store without outcome, codes or attributes
    stands them in as NULL)."""
    have = {
        c
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'"
        ).fetchall()
    }
    wanted = {
        "narrative": "VARCHAR",
        "outcome": "VARCHAR",
        "codes": "VARCHAR",
        "attributes": "JSON",
        "event_type": "VARCHAR",
    }
    cols = ", ".join(
        c if c in have else f"CAST(NULL AS {kind}) AS {c}" for c, kind in wanted.items()
    )
    recorded_by = (
        "coalesce(attributes->>'recorded_by', attributes->>'author', attributes->>'officer')"
        if "attributes" in have
        else "CAST(NULL AS VARCHAR)"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW ae_events AS
        SELECT event_id, agency, {cols}, {recorded_by} AS recorded_by FROM events"""  # noqa: S608
    )


def build_withdrawals(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    """`account_withdrawals`: each withdrawal or denial, paired with the child's disclosure."""
    _events_view(con)
    # The narratives and outcomes of records in which a child is the subject or victim, that
    # could hold a withdrawal (a cheap filter first; the rule set runs on the few left).
    rows = con.execute(
        f"""
        SELECT DISTINCT e.event_id, e.narrative, e.outcome, e.codes
        FROM ae_events e
        JOIN graph_participants p ON p.event_id = e.event_id AND p.child_role AND p.is_child
        WHERE regexp_matches(coalesce(e.narrative, '') || ' ' || coalesce(e.outcome, ''),
                             {sql_string(withdrawal.PREFILTER)})
           OR regexp_matches(coalesce(e.codes, ''), {sql_string("(?i)" + withdrawal.CODE_PATTERN)})
        """  # noqa: S608
    ).fetchall()
    found: dict[str, list] = {"event_id": [], "rule": [], "words": [], "denial": []}
    for event_id, narrative, outcome, codes in rows:
        matches = withdrawal.find(narrative) + withdrawal.find(outcome)
        if withdrawal.code_matches(codes):
            matches.append(withdrawal.Match("outcome_code", 0, 0, codes, False))
        if not matches:
            continue
        strong = [m for m in matches if not m.denial]
        chosen = strong or matches
        found["event_id"].append(event_id)
        found["rule"].append(chosen[0].rule)
        found["words"].append(" … ".join(dict.fromkeys(m.text for m in chosen)))
        found["denial"].append(not strong)
    # a few rows: inserted directly (registering an Arrow table would import pandas)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ae_withdrawal_words "
        "(event_id VARCHAR, rule VARCHAR, words VARCHAR, denial BOOLEAN)"
    )
    if found["event_id"]:
        con.executemany(
            "INSERT INTO ae_withdrawal_words VALUES (?, ?, ?, ?)",
            list(
                zip(found["event_id"], found["rule"], found["words"], found["denial"], strict=True)
            ),
        )
    missing = sql_list(rules.missing_event_types)
    create_table(
        con,
        "account_withdrawals",
        f"""
        WITH disclosures AS (   -- a child's own disclosure: a sexual-abuse-disclosed finding
            SELECT DISTINCT p.person_id AS child_id, h.event_id, h.record_id,
                   gp.occurred_at, gp.recorded_at
            FROM graph_in_indicator_hits h
            JOIN persons p USING (record_id)
            JOIN graph_participants gp
              ON gp.event_id = h.event_id AND gp.person_id = p.person_id
             AND gp.child_role AND gp.is_child
            WHERE h.category = 'sexual_abuse_disclosed'
        ), withdrawals AS (
            SELECT DISTINCT gp.person_id AS child_id, w.event_id, gp.record_id, gp.occurred_at,
                   gp.recorded_at, w.words, w.denial
            FROM ae_withdrawal_words w
            JOIN graph_participants gp ON gp.event_id = w.event_id AND gp.child_role AND gp.is_child
        ), paired AS (   -- the latest earlier disclosure known when it was recorded (the
                         -- record itself only when there is none: "disclosed, then said it was a lie")
            SELECT w.*, d.event_id AS d_event, d.record_id AS d_record, d.occurred_at AS d_at,
                   row_number() OVER (PARTITION BY w.child_id, w.event_id
                                      ORDER BY d.event_id = w.event_id, d.occurred_at DESC,
                                               d.event_id) AS n
            FROM withdrawals w
            LEFT JOIN disclosures d
              ON d.child_id = w.child_id AND d.occurred_at <= w.occurred_at
             AND d.recorded_at <= w.recorded_at
             AND (NOT w.denial OR d.event_id <> w.event_id)
        ), kept AS (   -- a denial is a withdrawal only of an earlier disclosure
            SELECT * FROM paired WHERE n = 1 AND (NOT denial OR d_event IS NOT NULL)
        ), adults AS (   -- the adults the disclosure (or else the withdrawal) names
            SELECT DISTINCT k.child_id, k.event_id, ge.src AS adult_id
            FROM kept k
            JOIN graph_evidence ge
              ON ge.event_id IN (k.d_event, k.event_id) AND ge.child_id = k.child_id
             AND ge.kind IN ('suspect_of', 'co_event', 'text_mention', 'shared_thing')
            JOIN adult_child_links l ON l.adult_id = ge.src AND l.child_id = k.child_id
        ), named AS (
            SELECT k.*, a.adult_id FROM kept k
            LEFT JOIN adults a ON a.child_id = k.child_id AND a.event_id = k.event_id
        ), missing AS (
            SELECT DISTINCT person_id, event_id, occurred_at FROM graph_participants
            WHERE child_role AND is_child AND event_type IN {missing}
        ), contacts AS (   -- records tying the child to a linked adult (not the carers)
            SELECT DISTINCT ge.child_id, ge.src AS adult_id, ge.event_id, ge.occurred_at
            FROM graph_evidence ge
            JOIN adult_child_links l ON l.adult_id = ge.src AND l.child_id = ge.child_id
            WHERE ge.child_id IN (SELECT child_id FROM named)
        ), missing_counts AS (
            SELECT n.child_id, n.event_id, n.adult_id, count(m.event_id) AS n_missing
            FROM named n
            LEFT JOIN missing m ON m.person_id = n.child_id AND m.occurred_at > n.d_at
                               AND m.occurred_at < n.occurred_at
            GROUP BY ALL
        ), contact_counts AS (
            SELECT n.child_id, n.event_id, n.adult_id, count(DISTINCT c.event_id) AS n_contacts
            FROM named n
            LEFT JOIN contacts c ON c.child_id = n.child_id
             AND (n.adult_id IS NULL OR c.adult_id = n.adult_id)
             AND c.occurred_at > n.d_at AND c.occurred_at < n.occurred_at
            GROUP BY ALL
        )
        SELECT n.child_id, n.adult_id, n.d_event AS disclosure_event_id,
               n.d_record AS disclosure_record_id, n.d_at AS disclosed_at,
               n.event_id AS withdrawal_event_id, n.record_id AS withdrawal_record_id,
               n.occurred_at AS withdrawn_at,
               CAST(date_diff('day', n.d_at, n.occurred_at) AS INTEGER) AS days_between,
               n.words AS withdrawal_words,
               CAST(mc.n_missing AS INTEGER) AS missing_between,
               CAST(cc.n_contacts AS INTEGER) AS adult_contacts_between
        FROM named n
        JOIN missing_counts mc ON mc.child_id = n.child_id AND mc.event_id = n.event_id
         AND mc.adult_id IS NOT DISTINCT FROM n.adult_id
        JOIN contact_counts cc ON cc.child_id = n.child_id AND cc.event_id = n.event_id
         AND cc.adult_id IS NOT DISTINCT FROM n.adult_id
        ORDER BY n.child_id, n.occurred_at, n.event_id, n.adult_id
        """,  # noqa: S608
    )


def _basis(event: str, adult_present: str, child: str) -> str:
    """SQL classing what a record's tie of an adult to a child rests on (`kind` before the
    car/phone/place kinds), from the record's type, its people and its words.

    In order: a professional saw the adult there (a stop, an arrest, a found report with the
    adult a recorded participant, or the notes say staff or officers saw it); the record is the
    child's own account (a complaint, a return interview, a clinic's history, a disclosure); a
    third party reported it (a parent's or carer's missing report, intelligence, a reporter in
    the record, or the notes say a parent or member of the public said so); the notes report
    what the child said. When in doubt the item is counted as resting on the child: the
    independent share is never overstated."""
    teller = (
        f"CASE WHEN {event}.teller IS NOT NULL AND {event}.teller <> {child} "
        "THEN 'other_child' ELSE 'child_account' END"
    )
    narrative = f"coalesce({event}.narrative, '')"
    return f"""CASE
        WHEN {event}.event_type = 'vehicle_stop' AND {adult_present} THEN 'vehicle'
        WHEN regexp_matches({narrative}, '(?i)\\banpr\\b') THEN 'vehicle'
        WHEN {event}.event_type IN {sql_list(SIGHTING_TYPES)} AND {adult_present}
            THEN 'professional_sighting'
        WHEN {adult_present} AND regexp_matches({narrative}, {sql_string(SIGHTING_WORDS)})
            THEN 'professional_sighting'
        WHEN {event}.event_type IN {sql_list(ACCOUNT_TYPES)} OR {event}.disclosed THEN {teller}
        WHEN {event}.third_party OR {event}.event_type IN {sql_list(THIRD_PARTY_TYPES)}
             OR regexp_matches({narrative}, {sql_string(THIRD_PARTY_WORDS)})
            THEN 'third_party_report'
        WHEN regexp_matches({narrative}, {sql_string(ACCOUNT_WORDS)}) THEN {teller}
        ELSE 'other' END"""  # noqa: S608


def build_adult_evidence(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    """`adult_evidence`: one row per item tying an adult to a child, or to a car, phone or
    place that is also in children's records."""
    create_table(
        con,
        "ae_event_facts",
        f"""
        WITH tellers AS (   -- the child the record is about (subject, else victim)
            SELECT event_id,
                   min(person_id) FILTER (WHERE role = 'subject') AS subject,
                   min(person_id) FILTER (WHERE role = 'victim') AS victim,
                   bool_or(role IN {sql_list(THIRD_PARTY_ROLES)} AND NOT is_child
                           AND NOT role IN ('professional')) AS third_party
            FROM graph_participants WHERE is_child OR role IN {sql_list(THIRD_PARTY_ROLES)}
            GROUP BY event_id
        ), disclosed AS (
            SELECT DISTINCT event_id FROM graph_in_indicator_hits
            WHERE category = 'sexual_abuse_disclosed'
        )
        SELECT e.event_id, e.agency, e.event_type, e.narrative, e.recorded_by,
               coalesce(t.subject, t.victim) AS teller, coalesce(t.third_party, false) AS third_party,
               d.event_id IS NOT NULL AS disclosed
        FROM ae_events e
        LEFT JOIN tellers t USING (event_id)
        LEFT JOIN disclosed d USING (event_id)
        WHERE e.event_id IN (SELECT event_id FROM graph_evidence)
        """,  # noqa: S608
    )
    present = "(here.person_id IS NOT NULL)"  # the adult is a recorded participant
    basis = _basis("f", present, "c.child_id")
    create_table(
        con,
        "adult_evidence",
        f"""
        WITH adults AS (SELECT DISTINCT adult_id FROM adult_child_links),
        ties AS (   -- the adult tied to a child by a record
            SELECT ge.src AS adult_id, ge.child_id, ge.kind AS tie, ge.event_id, ge.agency,
                   ge.src_record, ge.dst_record, ge.occurred_at, ge.recorded_at,
                   CASE WHEN ge.kind IN ('shared_thing', 'same_place') THEN ge.via END AS via,
                   ge.src_role AS adult_role,
                   CASE ge.kind WHEN 'suspect_of' THEN 0 WHEN 'co_event' THEN 1
                                WHEN 'shared_thing' THEN 2 WHEN 'same_place' THEN 3 ELSE 4 END
                     AS closeness
            FROM graph_evidence ge
            JOIN adult_child_links l ON l.adult_id = ge.src AND l.child_id = ge.dst
            WHERE ge.child_id = ge.dst
              AND ge.kind IN ('suspect_of', 'co_event', 'shared_thing', 'text_mention', 'same_place')
        ), one_per_record AS (   -- one item per record, adult and child: the closest tie (he
                                 -- was there, then his car, his place, his name), with its thing
            SELECT * EXCLUDE (via, closeness),
                   coalesce(via, max(via) OVER (PARTITION BY adult_id, event_id, child_id))
                     AS thing_id
            FROM ties
            QUALIFY row_number() OVER (PARTITION BY adult_id, event_id, child_id
                                       ORDER BY closeness, src_record, via) = 1
        ), child_ties AS (
            SELECT c.*, {basis} AS basis
            FROM one_per_record c
            LEFT JOIN ae_event_facts f ON f.event_id = c.event_id
            LEFT JOIN (SELECT DISTINCT event_id, person_id FROM graph_participants) here
                   ON here.event_id = c.event_id AND here.person_id = c.adult_id
        ), concern_things AS (   -- cars and phones in children's records; named places in
                                 -- two children's records, or a hotspot (not a postcode sector)
            SELECT ge.dst AS thing_id FROM graph_evidence ge
            LEFT JOIN graph_nodes n ON n.node_id = ge.dst
            WHERE ge.kind IN ('with_thing', 'text_mention', 'at_place') AND ge.child_id = ge.src
            GROUP BY ge.dst
            HAVING NOT bool_or(ge.kind = 'at_place')
                OR (min(n.subkind) = 'named' AND count(DISTINCT ge.child_id) >= 2)
                OR ge.dst IN (SELECT place_id FROM place_hotspots)
        ), thing_ties AS (   -- the adult with such a thing in a record of their own
            SELECT ge.src AS adult_id, NULL AS child_id, ge.kind AS tie, ge.event_id, ge.agency,
                   ge.src_record, NULL AS dst_record, ge.occurred_at, ge.recorded_at,
                   ge.dst AS thing_id, ge.src_role AS adult_role,
                   CASE WHEN ge.kind = 'at_place' THEN 'place'
                        WHEN f.event_type = 'vehicle_stop'
                          OR regexp_matches(coalesce(f.narrative, ''), '(?i)\\banpr\\b') THEN 'vehicle'
                        ELSE 'other' END AS basis
            FROM graph_evidence ge
            JOIN adults a ON a.adult_id = ge.src
            JOIN concern_things c ON c.thing_id = ge.dst
            LEFT JOIN ae_event_facts f ON f.event_id = ge.event_id
            WHERE ge.kind IN ('with_thing', 'at_place') AND ge.child_id IS NULL
              AND ge.event_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM child_ties t   -- the record is an item already
                              WHERE t.adult_id = ge.src AND t.event_id = ge.event_id)
        ), items AS (
            SELECT *, 'child' AS side FROM child_ties
            UNION ALL BY NAME SELECT *, 'thing' AS side FROM thing_ties
        ), classed AS (
            SELECT i.*, t.kind AS thing_kind, coalesce(t.display, n.label) AS thing_label,
                   f.teller, f.narrative, f.event_type, f.recorded_by,
                   CASE
                     WHEN i.basis IN ('child_account', 'other_child')
                          AND i.tie IN ('shared_thing', 'same_place') THEN
                       CASE WHEN i.tie = 'same_place' THEN 'place'
                            ELSE coalesce({_thing_kind("t.kind")}, 'other') END
                     WHEN i.basis IN ('child_account', 'other_child', 'third_party_report',
                                      'professional_sighting', 'vehicle') THEN i.basis
                     WHEN i.tie = 'same_place' THEN 'place'
                     WHEN i.tie = 'shared_thing' THEN coalesce({_thing_kind("t.kind")}, 'other')
                     WHEN i.side = 'thing' AND i.basis = 'place' THEN 'place'
                     WHEN i.side = 'thing' THEN coalesce({_thing_kind("t.kind")}, 'other')
                     ELSE 'other' END AS item_kind,
                   CASE WHEN i.basis = 'child_account' THEN i.child_id
                        WHEN i.basis = 'other_child' THEN f.teller END AS account_of
            FROM items i
            LEFT JOIN ae_event_facts f ON f.event_id = i.event_id
            LEFT JOIN things t ON t.thing_id = i.thing_id
            LEFT JOIN graph_nodes n ON n.node_id = i.thing_id
        ), withdrawn AS (
            SELECT child_id, min(withdrawn_at) AS first_withdrawn_at
            FROM account_withdrawals GROUP BY child_id
        )
        SELECT md5(concat_ws('|', c.adult_id, c.tie, c.event_id, coalesce(c.child_id, ''),
                             coalesce(c.thing_id, ''))) AS item_id,
               c.adult_id, c.item_kind AS kind, c.child_id, c.account_of, c.agency,
               CASE WHEN c.side = 'child' THEN c.dst_record ELSE c.src_record END AS record_id,
               c.event_id, c.thing_id, c.occurred_at, c.recorded_at, c.recorded_by,
               {_summary("c")} AS summary,
               coalesce(c.account_of IS NOT NULL AND w.first_withdrawn_at >= c.occurred_at,
                        false) AS withdrawn
        FROM classed c
        LEFT JOIN withdrawn w ON w.child_id = c.account_of
        QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY c.recorded_at, c.src_record) = 1
        ORDER BY c.adult_id, c.occurred_at, item_id
        """,  # noqa: S608
    )


def _thing_kind(expr: str) -> str:
    whens = " ".join(f"WHEN {sql_string(k)} THEN {sql_string(v)}" for k, v in THING_KIND.items())
    return f"CASE {expr} {whens} END"


def _summary(c: str) -> str:
    """The words an item rests on: the record's type, how it ties the adult, and the start of
    its notes."""
    how = f"""CASE
        WHEN {c}.tie IN ('suspect_of', 'co_event') THEN 'the adult recorded as ' || {c}.adult_role
        WHEN {c}.tie = 'shared_thing'
            THEN {c}.thing_kind || ' ' || {c}.thing_label || ' in the child''s record and the adult''s'
        WHEN {c}.tie = 'same_place'
            THEN 'the adult and the child at ' || {c}.thing_label || ' within days'
        WHEN {c}.tie = 'text_mention' THEN 'the adult ' || coalesce({c}.adult_role, 'named in the notes')
        WHEN {c}.tie = 'with_thing'
            THEN {c}.thing_kind || ' ' || {c}.thing_label || ' in the adult''s own record'
        WHEN {c}.tie = 'at_place' THEN 'the adult at ' || {c}.thing_label
        END"""
    notes = f"nullif(left(regexp_replace(coalesce({c}.narrative, ''), '\\s+', ' ', 'g'), 300), '')"
    return f"concat_ws('; ', replace({c}.event_type, '_', ' '), {how}, {notes})"


def build_disruptions(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    """`disruptions`: each disruption action, its target resolved to a person or thing."""
    from lantern.resolve.normalise_vehicles import parse_registration

    if "disruption_actions" in existing_tables(con):
        rows = con.execute(
            "SELECT DISTINCT target_value FROM disruption_actions "
            "WHERE target_kind = 'vehicle' AND target_value IS NOT NULL"
        ).fetchall()
        source = "disruption_actions"
    else:
        rows = []
        source = None
    raws, norms = [], []
    for (raw,) in rows:
        reg = parse_registration(raw)
        raws.append(raw)
        norms.append(f"vehicle:{reg.value}" if reg else None)
    con.execute("CREATE OR REPLACE TEMP TABLE ae_vrm (raw VARCHAR, thing_id VARCHAR)")
    if raws:
        con.executemany("INSERT INTO ae_vrm VALUES (?, ?)", list(zip(raws, norms, strict=True)))
    empty = (
        "SELECT CAST(NULL AS VARCHAR) AS agency, CAST(NULL AS VARCHAR) AS action_ref, "
        "CAST(NULL AS VARCHAR) AS action, CAST(NULL AS VARCHAR) AS target_kind, "
        "CAST(NULL AS VARCHAR) AS person_ref, CAST(NULL AS VARCHAR) AS target_value, "
        "CAST(NULL AS DATE) AS started_on, CAST(NULL AS DATE) AS ended_on, "
        "CAST(NULL AS TIMESTAMP) AS recorded_at, CAST(NULL AS VARCHAR) AS owner, "
        "CAST(NULL AS VARCHAR) AS outcome WHERE false"
    )
    actions = f"SELECT * FROM {source}" if source else empty  # noqa: S608
    sector = POSTCODE_SECTOR.format(pc="d.target_value")
    named = NAMED_PLACE.format(name="d.target_value")
    create_table(
        con,
        "disruptions",
        f"""
        SELECT d.agency || ':' || d.action_ref AS disruption_id, d.target_kind,
               CASE d.target_kind
                 WHEN 'person' THEN p.person_id
                 WHEN 'vehicle' THEN v.thing_id
                 WHEN 'place' THEN 'place:' || coalesce({sector}, {named})
               END AS target_id,
               d.action, d.agency, d.owner, d.started_on, d.ended_on, d.outcome,
               CASE WHEN d.target_kind = 'person' THEN d.agency || ':' || d.person_ref END
                 AS record_id,
               d.recorded_at
        FROM ({actions}) d
        LEFT JOIN persons p ON d.target_kind = 'person' AND p.record_id = d.agency || ':' || d.person_ref
        LEFT JOIN ae_vrm v ON d.target_kind = 'vehicle' AND v.raw = d.target_value
        ORDER BY d.started_on, disruption_id
        """,  # noqa: S608
    )


def build_activity_months(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    """`target_activity_months`: what the records show of each target, month by month."""
    missing = sql_list(rules.missing_event_types)
    create_table(
        con,
        "target_activity_months",
        f"""
        WITH seen AS (   -- a record showing the target with a child
            SELECT 'person' AS target_kind, src AS target_id, event_id, child_id, occurred_at
            FROM graph_evidence
            WHERE kind IN ('suspect_of', 'co_event', 'shared_thing', 'text_mention', 'same_place')
              AND child_id IS NOT NULL AND child_id = dst
              AND src IN (SELECT adult_id FROM adult_child_links)
            UNION ALL
            SELECT CASE WHEN kind = 'at_place' THEN 'place' ELSE 'vehicle' END, dst, event_id,
                   child_id, occurred_at
            FROM graph_evidence
            WHERE kind IN ('with_thing', 'text_mention', 'at_place') AND child_id = src
              AND (kind = 'at_place' OR dst LIKE 'vehicle:%')
        ), adult_records AS (   -- the target's own records (an adult or a car alone)
            SELECT 'person' AS target_kind, ge.src AS target_id, ge.event_id, NULL AS child_id,
                   ge.occurred_at
            FROM graph_evidence ge
            WHERE ge.src IN (SELECT adult_id FROM adult_child_links) AND ge.event_id IS NOT NULL
              AND ge.kind IN ('with_thing', 'at_place') AND ge.child_id IS NULL
            UNION ALL
            SELECT CASE WHEN ge.kind = 'at_place' THEN 'place' ELSE 'vehicle' END, ge.dst,
                   ge.event_id, NULL, ge.occurred_at
            FROM graph_evidence ge
            WHERE ge.kind IN ('with_thing', 'at_place') AND ge.child_id IS NULL
              AND ge.event_id IS NOT NULL AND (ge.kind = 'at_place' OR ge.dst LIKE 'vehicle:%')
              AND ge.dst IN (SELECT target_id FROM seen)
        ), targets AS (SELECT DISTINCT target_kind, target_id FROM seen
                       UNION SELECT target_kind, target_id FROM disruptions
                       WHERE target_id IS NOT NULL),
        linked AS (SELECT DISTINCT target_kind, target_id, child_id FROM seen),
        activity AS (
            SELECT target_kind, target_id, date_trunc('month', occurred_at)::DATE AS month,
                   count(DISTINCT event_id) AS sightings,
                   count(DISTINCT child_id) AS children_seen
            FROM (SELECT * FROM seen UNION ALL SELECT * FROM adult_records)
            JOIN targets USING (target_kind, target_id)
            WHERE occurred_at IS NOT NULL
            GROUP BY ALL
        ), missing AS (
            SELECT l.target_kind, l.target_id, date_trunc('month', gp.occurred_at)::DATE AS month,
                   count(DISTINCT gp.event_id) AS missing_episodes
            FROM linked l
            JOIN graph_participants gp
              ON gp.person_id = l.child_id AND gp.child_role AND gp.is_child
             AND gp.event_type IN {missing}
            GROUP BY ALL
        )
        SELECT target_kind, target_id, month,
               CAST(coalesce(a.sightings, 0) AS INTEGER) AS sightings,
               CAST(coalesce(a.children_seen, 0) AS INTEGER) AS children_seen,
               CAST(coalesce(m.missing_episodes, 0) AS INTEGER) AS missing_episodes
        FROM activity a FULL JOIN missing m USING (target_kind, target_id, month)
        ORDER BY target_kind, target_id, month
        """,  # noqa: S608
    )


STEPS = (build_withdrawals, build_adult_evidence, build_disruptions, build_activity_months)


def build_all(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> dict[str, float]:
    """Every step, in order; returns each step's wall time in seconds."""
    seconds = {}
    for step in STEPS:
        started = time.perf_counter()
        step(con, rules)
        seconds[step.__name__.removeprefix("build_")] = round(time.perf_counter() - started, 3)
    return seconds
