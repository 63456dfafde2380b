"""Structured rules over events and the people on them, as named SQL steps.

Each rule writes a table of candidate hits with the same columns
(`HIT_COLUMNS`); `stage.py` unions them into `indicator_hits`. A hit is about
the event's subject or victim. Counting rules (repeat missing, repeat STIs)
count per person as resolve would have made it of the records of each moment
(`ind_person_spans`), so police and social care reports of the same child are
counted together from when they were known to be hers; a hit from a count is
dated by the first moment it holds: when the records counted, and the links
that made them one person, all existed (`snapshot_events`).
"""

# ruff: noqa: S608  -- SQL here is assembled from this module's constants and table names, never from input data

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pyarrow as pa

from lantern.resolve.normalise_postcodes import normalise_postcode
from lantern.store.steps import Steps

HIT_COLUMNS = (
    "indicator, source, agency, event_id, record_id, occurred_at, recorded_at, evidence, "
    "span_start, span_end, span_text, related_record_id"
)

MISSING_TYPES = "('missing_report', 'missing_from_care', 'away_from_placement')"
# Events where an adult recorded only as `other` was found or seen with the child
# (elsewhere `other` is anyone: a foster carer in an allegation, a neighbour).
FOUND_TYPES = (
    "('found_report', 'missing_report', 'missing_from_care', 'away_from_placement', "
    "'concern_for_welfare', 'incident', 'stop_search', 'vehicle_stop', 'return_home_interview')"
)
# Roles that record an adult as the child's family or carer (a foster carer, a parent).
FAMILY_ROLES = "('parent', 'carer')"
# A missing episode and its ends: where "missing to family" is recorded.
MISSING_EPISODE_TYPES = (
    "('missing_report', 'missing_from_care', 'away_from_placement', 'found_report', "
    "'return_home_interview')"
)
# Records of the ordinary business of caring for a child. A vehicle in one of these (the
# contracted taxi on the school run, a car in a visit note) is transport, not a sign; if
# the note describes a concern ("seen getting into a car with older males") the text
# rule `seen_in_car_with_adult` reads it. A vehicle a suspect used counts wherever it is.
# Likewise an adult named beside the child in one of these (the uncle who collected her,
# a grandparent who helps) is found with the child only when the record itself describes
# a concern: a sign outside the common categories, blaming language, or a code.
ROUTINE_RECORD_TYPES = (
    "('note', 'contact', 'absence', 'placement_move', 'care_episode_start', "
    "'care_episode_end', 'gp_consultation')"
)
# Categories too common to make a routine record concerning on their own (as in the graph's
# signals): a note that names an adult beside the child and says only that the child was
# absent or low is not the child found with an adult.
COMMON_CATEGORIES = "('education', 'emotional_wellbeing', 'physical_harm')"
# A 16- or 17-year-old with an adult fewer than this many years older is with a peer (an
# 18-year-old boyfriend of a 16-year-old), not an older associate; under 16 any adult counts
# (the law on age: sexual activity between an adult and a child under 16 is an offence).
PEER_AGE_FROM = 16
PEER_AGE_GAP_YEARS = 4
# Roles of people on an event who are neither the child nor there to help.
ASSOCIATE_ROLES = "('associate', 'other', 'witness')"
SUSPECT_ROLES = "('suspect', 'offender')"
# Outcome wording of a return home interview the child did not take part in (SQL-quoted).
RHI_REFUSED = r"(?i)(refus|declin|did ?n[o'']t (engage|attend|want)|not engage|no engagement|would ?n[o'']t (speak|talk|engage)|not completed|unable to complete)"

# A return home interview is due within 72 hours of a child's return from a missing episode (DfE,
# Statutory guidance on children who run away or go missing from home or care, 2014). Written
# once: this rule and the app's clock on an alert (`lantern.app.clocks`) both read it.
RETURN_INTERVIEW_HOURS = 72


def _plain(value: str) -> str:
    return f"replace(replace({value}, '_', ' '), ';', ', ')"


def event_type_hits(steps: Steps) -> None:
    steps.table(
        "ind_hits_event_types",
        f"""
        SELECT m.indicator, 'structured' AS source, s.agency, s.event_id, s.record_id,
               s.occurred_at, s.recorded_at,
               c.description || ' Recorded as '
                   || CASE WHEN lower(left(s.event_type, 1)) IN ('a', 'e', 'i', 'o', 'u')
                           THEN 'an ' ELSE 'a ' END || {_plain("s.event_type")} || ' by '
                   || {_plain("s.agency")} || ' on ' || strftime(s.occurred_at, '%Y-%m-%d') || '.' AS evidence,
               NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
               NULL::VARCHAR AS related_record_id
        FROM ind_subject_events s
        JOIN ind_event_type_map m ON m.event_type = s.event_type
        JOIN ind_catalogue c USING (indicator)
        """,
    )


def code_hits(steps: Steps) -> None:
    steps.table(
        "ind_event_codes",
        """
        SELECT DISTINCT event_id, upper(trim(code)) AS code
        FROM (SELECT event_id, unnest(string_split(codes, ';')) AS code
              FROM events WHERE codes IS NOT NULL AND codes <> '')
        WHERE trim(code) <> ''
        """,
    )
    steps.table(
        "ind_hits_codes",
        f"""
        SELECT m.indicator, 'code' AS source, s.agency, s.event_id, s.record_id,
               s.occurred_at, s.recorded_at,
               'Code ' || string_agg(DISTINCT ec.code, ', ' ORDER BY ec.code) || ' recorded by '
                   || {_plain("s.agency")} || ' (' || {_plain("s.event_type")} || ') on '
                   || strftime(s.occurred_at, '%Y-%m-%d') || ': ' || any_value(c.description) AS evidence,
               NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
               NULL::VARCHAR AS related_record_id
        FROM ind_subject_events s
        JOIN ind_event_codes ec USING (event_id)
        JOIN ind_code_map m ON ec.code LIKE m.code_like
        JOIN ind_catalogue c USING (indicator)
        GROUP BY m.indicator, s.agency, s.event_id, s.record_id, s.occurred_at, s.recorded_at,
                 s.event_type
        """,
    )


# A person's events as known at one moment: the rows of `ind_subject_events`
# recorded by then, each with the person its record belonged to then.
SPAN_AT = "coalesce(sp.valid_from <= {t}, TRUE) AND coalesce({t} < sp.valid_to, TRUE)"


def snapshot_events(steps: Steps, name: str, event_types: str) -> None:
    """`name`: a counting rule's events as known at each moment something about them changed.

    A count over a child's records is a fact about a date: which records had been
    recorded by then, and which of them were one person then (`ind_person_spans`). For
    each group of records that could ever be one person (`person_key`), the moments are
    the recording of each of its events and each change of who was one person; at each
    moment every event recorded by then is listed with `snap_key`, the person its record
    belonged to then, and `next_moment`, when the state next changes. A rule evaluated
    per (moment, snap_key) and dated by the first moment it holds uses nothing recorded
    or linked later (docs/replay.md, "In the indicators").
    """
    steps.table(
        f"{name}_events",
        f"SELECT * FROM ind_subject_events WHERE event_type IN {event_types}",
    )
    steps.table(
        f"{name}_moments",
        f"""
        SELECT person_key, moment, lead(moment) OVER (PARTITION BY person_key ORDER BY moment) AS next_moment
        FROM (
            SELECT DISTINCT person_key, recorded_at AS moment FROM {name}_events
            UNION
            SELECT DISTINCT e.person_key, sp.valid_from FROM {name}_events e
            JOIN ind_person_spans sp USING (record_id) WHERE sp.valid_from IS NOT NULL
        )
        """,
    )
    steps.table(
        name,
        f"""
        SELECT m.moment, m.next_moment, sp.person_label AS snap_key, e.*
        FROM {name}_moments m
        JOIN {name}_events e ON e.person_key = m.person_key AND e.recorded_at <= m.moment
        JOIN ind_person_spans sp ON sp.record_id = e.record_id AND {SPAN_AT.format(t="m.moment")}
        """,
    )


def missing_rules(steps: Steps, horizon: datetime | None) -> None:
    """Missing episodes per person, their repetition, escalation and return interviews.

    Each is worked out at every moment the child's missing, found and return interview
    records (or who they belong to) changed (`snapshot_events`), and a hit is dated by
    the first moment it holds, with the evidence as it stood then: a count never takes
    in a record recorded, or linked to the child, later. `horizon_sql` is the end of the
    data (exclusive): a return interview is missed only once 72 hours have passed by then.
    """
    snapshot_events(
        steps, "ind_snap_missing", f"{MISSING_TYPES[:-1]}, 'found_report', 'return_home_interview')"
    )
    # Reports within 24 hours of the previous one are the same episode
    # (police and care often both record it).
    steps.table(
        "ind_missing_episodes",
        f"""
        WITH reports AS (
            SELECT *, lag(occurred_at) OVER (PARTITION BY moment, snap_key ORDER BY occurred_at, event_id) AS prev_at
            FROM ind_snap_missing WHERE event_type IN {MISSING_TYPES}
        ), marked AS (
            SELECT *, sum(CASE WHEN prev_at IS NULL OR occurred_at - prev_at > INTERVAL 24 HOUR THEN 1 ELSE 0 END)
                          OVER (PARTITION BY moment, snap_key ORDER BY occurred_at, event_id
                                ROWS UNBOUNDED PRECEDING) AS episode_no
            FROM reports
        )
        SELECT moment, any_value(next_moment) AS next_moment, snap_key, episode_no,
               arg_min(event_id, (occurred_at, event_id)) AS event_id,
               arg_min(record_id, (occurred_at, event_id)) AS record_id,
               arg_min(agency, (occurred_at, event_id)) AS agency,
               min(occurred_at) AS started_at,
               max(ended_at) AS ended_at,
               min(recorded_at) AS recorded_at,
               string_agg(DISTINCT agency, ', ' ORDER BY agency) AS agencies,
               count(*) AS reports
        FROM marked GROUP BY moment, snap_key, episode_no
        """,
    )
    steps.table(
        "ind_missing_windows",
        """
        SELECT *,
            count(*) OVER w90 AS n_90,
            count(*) OVER w180 - count(*) OVER w90 AS n_prev_90,
            count(*) OVER w180x AS n_before_180,
            max(ended_at - started_at) OVER w180x AS longest_before,
            array_to_string(list_sort(list_distinct(flatten(
                list(string_split(agencies, ', ')) OVER w90))), ', ') AS agencies_90
        FROM ind_missing_episodes
        WINDOW w90 AS (PARTITION BY moment, snap_key ORDER BY started_at
                       RANGE BETWEEN INTERVAL 90 DAYS PRECEDING AND CURRENT ROW),
               w180 AS (PARTITION BY moment, snap_key ORDER BY started_at
                        RANGE BETWEEN INTERVAL 180 DAYS PRECEDING AND CURRENT ROW),
               w180x AS (PARTITION BY moment, snap_key ORDER BY started_at
                         RANGE BETWEEN INTERVAL 180 DAYS PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW)
        """,
    )
    # The first moment a hit holds, with its evidence then (ties: the earlier state).
    first = (
        "QUALIFY row_number() OVER (PARTITION BY event_id, record_id "
        "ORDER BY recorded_at, moment) = 1"
    )
    steps.table(
        "ind_hits_missing_repeat",
        f"""
        SELECT 'missing_repeat' AS indicator, 'structured' AS source, agency, event_id, record_id,
               started_at AS occurred_at, moment AS recorded_at,
               'Missing episode number ' || n_90 || ' in the 90 days to '
                   || strftime(started_at, '%Y-%m-%d') || ' (recorded by ' || agencies_90 || ').' AS evidence,
               NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
               NULL::VARCHAR AS related_record_id
        FROM ind_missing_windows WHERE n_90 >= 3
        {first}
        """,
    )
    steps.table(
        "ind_hits_missing_escalating",
        f"""
        SELECT * EXCLUDE (moment, next_moment) FROM (
            SELECT 'missing_escalating' AS indicator, 'structured' AS source, agency, event_id, record_id,
                   started_at AS occurred_at,
                   CASE WHEN frequency THEN moment ELSE greatest(moment, ended_at) END AS recorded_at,
                   concat_ws(' ',
                       CASE WHEN frequency THEN n_90 || ' missing episodes in the 90 days to '
                            || strftime(started_at, '%Y-%m-%d') || ', against ' || n_prev_90
                            || ' in the 90 days before.' END,
                       CASE WHEN longer THEN 'This episode lasted '
                            || round(epoch(ended_at - started_at) / 3600)::INTEGER
                            || ' hours, longer than any of the ' || n_before_180
                            || ' episodes in the previous 180 days.' END) AS evidence,
                   NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
                   NULL::VARCHAR AS related_record_id, moment, next_moment
            FROM (SELECT *,
                         (n_90 >= 3 AND n_prev_90 >= 1 AND n_90 >= 2 * n_prev_90) AS frequency,
                         (ended_at IS NOT NULL AND ended_at - started_at >= INTERVAL 24 HOUR
                          AND n_before_180 >= 2 AND ended_at - started_at > longest_before) AS longer
                  FROM ind_missing_windows)
            WHERE frequency OR longer
        )
        -- an episode's end still to come counts only if nothing changes before it
        WHERE next_moment IS NULL OR recorded_at < next_moment
        {first}
        """,
    )
    # The return: the episode's end, or the first found report within 14 days.
    steps.table(
        "ind_missing_returns",
        """
        SELECT ep.*, coalesce(ep.ended_at, (
                   SELECT min(f.occurred_at) FROM ind_snap_missing f
                   WHERE f.moment = ep.moment AND f.snap_key = ep.snap_key
                     AND f.event_type = 'found_report'
                     AND f.occurred_at >= ep.started_at
                     AND f.occurred_at <= ep.started_at + INTERVAL 14 DAY)) AS returned_at
        FROM ind_missing_episodes ep
        """,
    )
    # Missed once 72 hours have passed with no interview known: at the later of the
    # moment and that deadline, if nothing changes between them.
    steps.table(
        "ind_hits_return_interview_missed",
        f"""
        SELECT * EXCLUDE (moment) FROM (
            SELECT 'return_interview_missed' AS indicator, 'structured' AS source, r.agency, r.event_id,
                   r.record_id, r.returned_at AS occurred_at,
                   greatest(r.moment, r.returned_at + to_hours($rhi_hours)) AS recorded_at,
                   'Returned ' || strftime(r.returned_at, '%Y-%m-%d %H:%M')
                       || ' from a missing episode; no return home interview recorded within '
                       || $rhi_hours || ' hours.' AS evidence,
                   NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
                   NULL::VARCHAR AS related_record_id, r.moment
            FROM ind_missing_returns r
            WHERE r.returned_at IS NOT NULL
              AND greatest(r.moment, r.returned_at + to_hours($rhi_hours)) <= coalesce(
                  CAST($horizon AS TIMESTAMP),
                  (SELECT coalesce(CAST(max(recorded_at) AS DATE), DATE '1900-01-01')
                          + INTERVAL 1 DAY - INTERVAL 1 SECOND FROM events))
              AND (r.next_moment IS NULL
                   OR greatest(r.moment, r.returned_at + to_hours($rhi_hours)) < r.next_moment)
              AND NOT EXISTS (
                  SELECT 1 FROM ind_snap_missing i
                  WHERE i.moment = r.moment AND i.snap_key = r.snap_key
                    AND i.event_type = 'return_home_interview'
                    AND i.occurred_at >= r.returned_at - INTERVAL 1 HOUR
                    AND i.occurred_at <= r.returned_at + to_hours($rhi_hours))
            {first}
        )
        """,
        {"horizon": horizon, "rhi_hours": RETURN_INTERVIEW_HOURS},
    )
    steps.table(
        "ind_hits_return_interview_refused",
        f"""
        SELECT 'return_interview_refused' AS indicator, 'structured' AS source, agency, event_id,
               record_id, occurred_at, recorded_at,
               'Return home interview on ' || strftime(occurred_at, '%Y-%m-%d')
                   || ' recorded as: ' || outcome || '.' AS evidence,
               NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
               NULL::VARCHAR AS related_record_id
        FROM ind_subject_events
        WHERE event_type = 'return_home_interview' AND regexp_matches(coalesce(outcome, ''), '{RHI_REFUSED}')
        """,
    )


def home_postcodes(steps: Steps) -> None:
    """`ind_home_postcodes`: each record's postcode, with the dates it was the record's.

    A person record carries no dates of its own, so its details count from its first
    appearance (as linkage takes them). When a later extract changed a record's
    postcode (the store keeps every version in `people_history`), the new one counts
    from that extract's `extracted_at` (`valid_from`); the first version is the
    record's from the start. An address recorded after a date changes nothing on it.
    """
    normalise: Callable[[str], str | None]
    if steps.exists("person_records") and "postcode_norm" in steps.columns("person_records"):
        current = "SELECT record_id, postcode_norm AS postcode FROM person_records"
        normalise = normalise_postcode
    else:  # before resolve: the postcode as given, upper case without spaces
        current = "SELECT record_id, upper(replace(postcode, ' ', '')) AS postcode FROM people"

        def normalise(raw: str) -> str | None:
            return raw.upper().replace(" ", "")

    if not (steps.exists("people_history") and steps.exists("loads")):
        steps.table(
            "ind_home_postcodes",
            f"""SELECT record_id, postcode, NULL::TIMESTAMP AS valid_from, NULL::TIMESTAMP AS valid_to
                FROM ({current}) WHERE postcode <> ''""",
        )
        return
    steps.table(
        "ind_postcode_versions",
        """
        SELECT h.record_id, h.postcode AS raw, h.superseded_by IS NULL AS is_current,
               CASE WHEN row_number() OVER w > 1 THEN v.extracted_at END AS valid_from,
               lead(v.extracted_at) OVER w AS valid_to
        FROM people_history h
        JOIN (SELECT load_id, coalesce(extracted_at, started_at) AS extracted_at FROM loads) v
          USING (load_id)
        WHERE h.record_id IN (SELECT record_id FROM people_history WHERE superseded_by IS NOT NULL)
        WINDOW w AS (PARTITION BY h.record_id ORDER BY v.extracted_at, h.loaded_at)
        """,
    )
    # Superseded postcodes are few: normalised as resolve normalises the current ones.
    raws = steps.con.execute(
        "SELECT DISTINCT raw FROM ind_postcode_versions WHERE NOT is_current AND raw IS NOT NULL"
    ).fetchall()
    norms = pa.table(
        {
            "raw": pa.array([raw for (raw,) in raws], pa.string()),
            "postcode": pa.array([normalise(raw) for (raw,) in raws], pa.string()),
        }
    )
    steps.con.register("ind_postcode_norms", norms)
    steps.table(
        "ind_home_postcodes",
        f"""
        SELECT * FROM (
            SELECT c.record_id, c.postcode, NULL::TIMESTAMP AS valid_from, NULL::TIMESTAMP AS valid_to
            FROM ({current}) c
            WHERE c.record_id NOT IN (SELECT record_id FROM ind_postcode_versions)
            UNION ALL
            SELECT v.record_id, CASE WHEN v.is_current THEN c.postcode ELSE n.postcode END,
                   v.valid_from, v.valid_to
            FROM ind_postcode_versions v
            LEFT JOIN ({current}) c ON v.is_current AND c.record_id = v.record_id
            LEFT JOIN ind_postcode_norms n ON NOT v.is_current AND n.raw = v.raw
        ) WHERE postcode <> ''
        """,
    )
    steps.con.unregister("ind_postcode_norms")


def known_family(steps: Steps) -> None:
    """`ind_known_family`: adults the records already show as a child's family or carers.

    An adult is known family of a child from the first record (by `recorded_at`) that
    names them in a `parent` or `carer` role on an event about that child, or, for a
    missing episode, when the adult's home postcode is the child's own (the household).
    A missing looked-after child who went to their mum's or their nan's is missing *to
    family*: still a missing episode, but not "found with an adult" (an older associate).

    Any agency's record counts, through resolved persons, but only as they were known:
    the parent named on a social care record is the adult on a police found report
    only if, when the report was recorded, the family record had been recorded and
    the records on both sides were one person (`ind_person_spans`: identity as
    resolve would have made it then), never through the final clustering, so a
    record recorded later cannot take back an earlier sign (docs/replay.md).
    `ind_known_family` lists, per event, the (child record, adult record) pairs so
    known. The home postcode is the one each record had by the sign's date
    (`home_postcodes`).
    """
    home_postcodes(steps)
    steps.table(
        "ind_family_roles",
        f"""
        SELECT s.person_key AS child_key, s.record_id AS child_record,
               a.person_key AS adult_key, a.record_id AS adult_record,
               min(a.recorded_at) AS recorded_at
        FROM ind_subject_events s
        JOIN ind_event_people a
          ON a.event_id = s.event_id AND a.record_id <> s.record_id AND a.role IN {FAMILY_ROLES}
        GROUP BY ALL
        """,
    )
    # Each possible sign (an associate with the child) whose records were, when it was
    # recorded, one person with the records of a family record recorded by then.
    steps.table(
        "ind_known_family",
        f"""
        SELECT DISTINCT s.event_id, s.record_id AS child_record, a.record_id AS adult_record,
               'parent or carer' AS how
        FROM ind_subject_events s
        JOIN ind_event_people a
          ON a.event_id = s.event_id AND a.record_id <> s.record_id AND a.role IN {ASSOCIATE_ROLES}
        JOIN ind_family_roles f
          ON f.child_key = s.person_key AND f.adult_key = a.person_key
         AND f.recorded_at <= s.recorded_at
        JOIN ind_person_spans sc ON sc.record_id = s.record_id
         AND coalesce(sc.valid_from <= s.recorded_at, TRUE) AND coalesce(s.recorded_at < sc.valid_to, TRUE)
        JOIN ind_person_spans fc ON fc.record_id = f.child_record
         AND coalesce(fc.valid_from <= s.recorded_at, TRUE) AND coalesce(s.recorded_at < fc.valid_to, TRUE)
        JOIN ind_person_spans sa ON sa.record_id = a.record_id
         AND coalesce(sa.valid_from <= s.recorded_at, TRUE) AND coalesce(s.recorded_at < sa.valid_to, TRUE)
        JOIN ind_person_spans fa ON fa.record_id = f.adult_record
         AND coalesce(fa.valid_from <= s.recorded_at, TRUE) AND coalesce(s.recorded_at < fa.valid_to, TRUE)
        WHERE sc.person_label = fc.person_label AND sa.person_label = fa.person_label
        """,
    )


# A vehicle that, by a record's date, had been recorded with at least this many children, at
# most this share of those records being sightings (a missing episode, a stop, an incident:
# FOUND_TYPES), and never as used by a suspect, is a service (the contracted school taxi, the
# placement's minibus): its registration on a child's record is transport, not a sign.
SERVICE_VEHICLE_MIN_CHILDREN = 6
SERVICE_VEHICLE_MAX_SIGHTING_SHARE = 0.25


def service_vehicles(steps: Steps) -> None:
    """`ind_service_vehicle_events`: (event, vehicle as written) where the vehicle was, on what
    was recorded by that event, a service carrying many children (the graph's pattern of
    contact, for one kind of thing; docs/graph.md). Read through resolve's `thing_mentions`
    so "SN14 SSX" and "sn14ssx" are one car; without them no vehicle is a service."""
    if not (steps.exists("thing_mentions") and steps.exists("event_things")):
        steps.table(
            "ind_service_vehicle_events",
            "SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS value WHERE FALSE",
        )
        return
    steps.table(
        "ind_service_vehicle_events",
        f"""
        WITH seen AS (   -- each record of a vehicle with a child, by recorded_at
            SELECT DISTINCT m.thing_id, s.event_id, s.record_id, s.recorded_at,
                   s.event_type IN {FOUND_TYPES} AS sighting,
                   coalesce(m.role, '') = 'used_by_suspect' AS by_suspect
            FROM thing_mentions m
            JOIN ind_subject_events s ON s.event_id = m.event_id
            WHERE m.thing_id LIKE 'vehicle:%' AND coalesce(s.age_max, 0) < 18
        ), pattern AS (
            SELECT a.thing_id, a.event_id,
                   count(DISTINCT b.record_id) AS children,
                   count(DISTINCT b.event_id) AS records,
                   count(DISTINCT b.event_id) FILTER (WHERE b.sighting) AS sightings,
                   bool_or(b.by_suspect) AS by_suspect
            FROM (SELECT DISTINCT thing_id, event_id, recorded_at FROM seen) a
            JOIN seen b ON b.thing_id = a.thing_id AND b.recorded_at <= a.recorded_at
            GROUP BY a.thing_id, a.event_id
        )
        SELECT DISTINCT p.event_id, t.value
        FROM pattern p
        JOIN thing_mentions m ON m.event_id = p.event_id AND m.thing_id = p.thing_id
        JOIN event_things t ON t.event_id = p.event_id AND t.kind = 'vehicle'
        WHERE p.children >= {SERVICE_VEHICLE_MIN_CHILDREN}
          AND p.sightings <= {SERVICE_VEHICLE_MAX_SIGHTING_SHARE} * p.records
          AND NOT p.by_suspect
          AND coalesce(t.role, '') <> 'used_by_suspect'
        """,
    )


def family_names(steps: Steps) -> None:
    """`ind_family_names`: each record's own family name (resolve's normalised form). An adult
    whose record carries the child's family name -- the grandmother who collected her, the
    uncle she went to -- is family: a missing child found with them is missing to family, not
    found with an older associate. Each record's own name, so nothing recorded later counts."""
    if steps.exists("person_records") and "family_name_norm" in steps.columns("person_records"):
        source = (
            "SELECT record_id, family_name_norm AS family_name FROM person_records "
            "WHERE coalesce(family_name_norm, '') <> ''"
        )
    else:
        source = "SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS family_name WHERE FALSE"
    steps.table("ind_family_names", source)
    # The (child, adult) pairs on one event that share a family name, for the rules' "is this
    # adult the child's family" tests. Joining the pairs that meet on an event to their names
    # keeps this linear: a correlated EXISTS over ind_family_names joined to itself by name ran
    # as the whole self-join (171 million pairs at 50,000 children, a common name under 1,250
    # records; bench/RESULTS.md, "Live operation, seventh session").
    steps.table(
        "ind_family_name_pairs",
        """
        SELECT DISTINCT p.child_record, p.adult_record
        FROM (SELECT DISTINCT s.record_id AS child_record, a.record_id AS adult_record
              FROM ind_subject_events s
              JOIN ind_event_people a ON a.event_id = s.event_id AND a.record_id <> s.record_id) p
        JOIN ind_family_names fc ON fc.record_id = p.child_record
        JOIN ind_family_names fa ON fa.record_id = p.adult_record
         AND fa.family_name = fc.family_name
        """,
    )


def association_rules(steps: Steps) -> None:
    """Adults on the child's events, vehicles and suspects' phones, intelligence."""
    known_family(steps)
    family_names(steps)
    for indicator, roles, wording in (
        ("found_with_adult", ASSOCIATE_ROLES, "with"),
        ("adult_suspect_linked", SUSPECT_ROLES, "naming as suspect or offender"),
    ):
        only_found = (
            f"""AND (a.role = 'associate' OR s.event_type IN {FOUND_TYPES})
            AND (coalesce(s.age_max, 0) < {PEER_AGE_FROM}
                 OR a.age_min - s.age_max >= {PEER_AGE_GAP_YEARS})
            AND NOT EXISTS (
                SELECT 1 FROM ind_known_family f
                WHERE f.event_id = s.event_id AND f.child_record = s.record_id
                  AND f.adult_record = a.record_id)
            AND NOT EXISTS (
                SELECT 1 FROM ind_family_name_pairs fp
                WHERE fp.child_record = s.record_id AND fp.adult_record = a.record_id)
            AND NOT (s.event_type IN {MISSING_EPISODE_TYPES} AND EXISTS (
                SELECT 1 FROM ind_home_postcodes hc JOIN ind_home_postcodes ha USING (postcode)
                WHERE hc.record_id = s.record_id AND ha.record_id = a.record_id
                  AND s.recorded_at >= coalesce(hc.valid_from, s.recorded_at)
                  AND s.recorded_at < coalesce(hc.valid_to, s.recorded_at + INTERVAL 1 DAY)
                  AND s.recorded_at >= coalesce(ha.valid_from, s.recorded_at)
                  AND s.recorded_at < coalesce(ha.valid_to, s.recorded_at + INTERVAL 1 DAY)))
            AND (s.event_type NOT IN {ROUTINE_RECORD_TYPES} OR EXISTS (
                SELECT 1 FROM text_findings f
                WHERE f.event_id = s.event_id AND f.affirmed
                  AND f.category NOT IN {COMMON_CATEGORIES}
                UNION ALL
                SELECT 1 FROM language_findings g WHERE g.event_id = s.event_id
                UNION ALL
                SELECT 1 FROM ind_hits_codes c WHERE c.event_id = s.event_id))"""
            if indicator == "found_with_adult"
            else ""
        )
        steps.table(
            f"ind_hits_{indicator}",
            f"""
            SELECT '{indicator}' AS indicator, 'structured' AS source, s.agency, s.event_id, s.record_id,
                   s.occurred_at, s.recorded_at,
                   {_plain("s.event_type")} || ' (' || {_plain("s.agency")} || ', '
                       || strftime(s.occurred_at, '%Y-%m-%d') || ') {wording} an adult aged '
                       || CASE WHEN a.age_min = a.age_max THEN a.age_min::VARCHAR
                               ELSE a.age_min || '-' || a.age_max END
                       || ' (' || a.record_id || ', ' || a.role || ').' AS evidence,
                   NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
                   a.record_id AS related_record_id
            FROM ind_subject_events s
            JOIN ind_event_people a
              ON a.event_id = s.event_id AND a.record_id <> s.record_id
             AND a.role IN {roles} AND a.age_min >= 18
            WHERE coalesce(s.age_max, 0) < 18 {only_found}
            """,
        )
    service_vehicles(steps)
    steps.table(
        "ind_hits_vehicle_sighting",
        f"""
        SELECT 'vehicle_sighting' AS indicator, 'structured' AS source, s.agency, s.event_id, s.record_id,
               s.occurred_at, s.recorded_at,
               'Vehicle ' || string_agg(DISTINCT t.value || coalesce(' (' || t.description || ')', '')
                                        || coalesce(', ' || t.role, ''), '; ')
                   || ' recorded in a ' || {_plain("any_value(s.event_type)")} || ' by '
                   || any_value(s.agency) || ' on ' || strftime(any_value(s.occurred_at), '%Y-%m-%d') || '.' AS evidence,
               NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
               NULL::VARCHAR AS related_record_id
        FROM ind_subject_events s JOIN event_things t USING (event_id)
        WHERE t.kind = 'vehicle' AND coalesce(s.age_max, 0) < 18
          AND (s.event_type NOT IN {ROUTINE_RECORD_TYPES} OR t.role = 'used_by_suspect')
          AND NOT EXISTS (SELECT 1 FROM ind_service_vehicle_events v
                          WHERE v.event_id = s.event_id AND v.value = t.value)
        GROUP BY s.agency, s.event_id, s.record_id, s.occurred_at, s.recorded_at
        """,
    )
    steps.table(
        "ind_hits_suspect_phone_or_handle",
        f"""
        SELECT 'suspect_phone_or_handle' AS indicator, 'structured' AS source, s.agency, s.event_id,
               s.record_id, s.occurred_at, s.recorded_at,
               'Suspect''s ' || string_agg(DISTINCT {_plain("t.kind")} || ' ' || t.value, '; ')
                   || ' recorded in an event about the child on '
                   || strftime(any_value(s.occurred_at), '%Y-%m-%d') || '.' AS evidence,
               NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
               NULL::VARCHAR AS related_record_id
        FROM ind_subject_events s JOIN event_things t USING (event_id)
        WHERE t.kind IN ('phone', 'email', 'social_handle') AND t.role = 'used_by_suspect'
          AND coalesce(s.age_max, 0) < 18
        GROUP BY s.agency, s.event_id, s.record_id, s.occurred_at, s.recorded_at
        """,
    )
    # Intelligence names a child in any role but the professional or reporter.
    steps.table(
        "ind_hits_police_intelligence_named",
        """
        SELECT DISTINCT 'police_intelligence_named' AS indicator, 'structured' AS source, p.agency,
               p.event_id, p.record_id, p.occurred_at, p.recorded_at,
               'Police intelligence of ' || strftime(p.occurred_at, '%Y-%m-%d') || ' names the child ('
                   || p.role || ').' AS evidence,
               NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
               NULL::VARCHAR AS related_record_id
        FROM ind_event_people p
        WHERE p.event_type = 'intelligence'
          AND p.role IN ('subject', 'victim', 'associate', 'other', 'witness')
          AND p.age_max < 18
        """,
    )


def health_rules(steps: Steps) -> None:
    """Repeat STIs; intoxication at the emergency department (read from the narrative)."""
    # Counted as the diagnoses were known, and as their records were one person, at
    # each moment (`snapshot_events`); dated by the first moment the count reaches two.
    snapshot_events(steps, "ind_snap_sti", "('sti_diagnosis')")
    steps.table(
        "ind_hits_sti_repeat",
        """
        SELECT 'sti_repeat' AS indicator, 'structured' AS source, agency, event_id, record_id,
               occurred_at, moment AS recorded_at,
               n || ' sexually transmitted infection diagnoses in the 12 months to '
                   || strftime(occurred_at, '%Y-%m-%d') || '.' AS evidence,
               NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, NULL::VARCHAR AS span_text,
               NULL::VARCHAR AS related_record_id
        FROM (SELECT *, count(*) OVER w AS n
              FROM ind_snap_sti
              WINDOW w AS (PARTITION BY moment, snap_key ORDER BY occurred_at
                           RANGE BETWEEN INTERVAL 365 DAYS PRECEDING AND CURRENT ROW))
        WHERE n >= 2
        QUALIFY row_number() OVER (PARTITION BY event_id, record_id ORDER BY moment) = 1
        """,
    )
    steps.table(
        "ind_hits_intoxicated_at_ed",
        """
        SELECT DISTINCT ON (s.event_id, s.record_id)
               'intoxicated_at_ed' AS indicator, 'structured' AS source, s.agency, s.event_id, s.record_id,
               s.occurred_at, s.recorded_at,
               'Emergency department attendance on ' || strftime(s.occurred_at, '%Y-%m-%d')
                   || ': "' || f.sentence || '"' AS evidence,
               f.span_start, f.span_end, f.span_text, NULL::VARCHAR AS related_record_id
        FROM ind_subject_events s
        JOIN text_findings f ON f.event_id = s.event_id AND f.affirmed
             AND f.indicator IN ('intoxicated', 'given_alcohol_drugs')
        WHERE s.event_type = 'ed_attendance'
        ORDER BY s.event_id, s.record_id, f.layer = 'patterns' DESC, f.span_start
        """,
    )


def text_hits(steps: Steps) -> None:
    """Affirmed text findings about the child become hits (one per indicator per event;
    a fixed pattern's finding before a concept's, so that the hit is scored when either
    layer the weights score found it).

    A "boyfriend aged 18" of a 16- or 17-year-old is a peer, as in `found_with_adult`:
    an `older_boyfriend` finding that states the partner's age is kept only for a child
    under 16 (or of unknown age) or when the partner is at least 4 years older.
    """
    stated_age = "TRY_CAST(regexp_extract(f.span_text, '\\b([1-9][0-9])\\b', 1) AS INTEGER)"
    steps.table(
        "ind_hits_text",
        f"""
        SELECT DISTINCT ON (f.indicator, s.event_id, s.record_id)
               f.indicator, 'text' AS source, s.agency, s.event_id, s.record_id,
               s.occurred_at, s.recorded_at, f.sentence AS evidence,
               f.span_start, f.span_end, f.span_text, NULL::VARCHAR AS related_record_id
        FROM text_findings f JOIN ind_subject_events s USING (event_id)
        WHERE f.affirmed
          AND NOT (f.indicator = 'older_boyfriend' AND coalesce(s.age_max, 0) >= {PEER_AGE_FROM}
                   AND coalesce({stated_age} - s.age_max < {PEER_AGE_GAP_YEARS}, FALSE))
        ORDER BY f.indicator, s.event_id, s.record_id, f.layer = 'patterns' DESC, f.span_start
        """,
    )
