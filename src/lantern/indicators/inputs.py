"""The stage's view of its inputs: the catalogue as tables, ages at events, subjects.

Reads the store's `events`, `event_people`, `event_things` and `people`, and
resolve's `person_records` (dates of birth) and `record_person_spans` (who was
one person when: to count a child's events across agencies as known on each
date) when they exist. Ages are whole years at the event
date; a birthday on 29 February falls on 1 March in other years.
"""

from __future__ import annotations

from lantern.errors import StoreError
from lantern.indicators.catalogue import Catalogue
from lantern.store.steps import Steps

# Whole years from `dob` to `d`. Comparing month-day strings puts a 29 February
# birthday on 1 March in a common year, as English law does.
AGE_MACRO = """
CREATE OR REPLACE TEMP MACRO ind_age(dob, d) AS
    CASE WHEN dob IS NULL OR d IS NULL THEN NULL
         ELSE year(d) - year(dob)
              - CASE WHEN strftime(d, '%m%d') < strftime(dob, '%m%d') THEN 1 ELSE 0 END
    END
"""

REQUIRED = ("events", "event_people", "people")


def load_catalogue_tables(steps: Steps, catalogue: Catalogue) -> None:
    con = steps.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ind_catalogue (indicator VARCHAR, category VARCHAR, "
        "weight DOUBLE, legal_floor VARCHAR, sexual_activity BOOLEAN, description VARCHAR, "
        "concern VARCHAR)"
    )
    con.executemany(
        "INSERT INTO ind_catalogue VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (i.id, i.category, i.weight, i.legal_floor, i.sexual_activity, i.description,
             i.concern)
            for i in catalogue.indicators
        ],
    )  # fmt: skip
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ind_event_type_map (indicator VARCHAR, event_type VARCHAR)"
    )
    con.executemany(
        "INSERT INTO ind_event_type_map VALUES (?, ?)",
        [(i.id, t) for i in catalogue.indicators for t in i.detect.event_types] or [("", "")],
    )
    con.execute("CREATE OR REPLACE TEMP TABLE ind_code_map (indicator VARCHAR, code_like VARCHAR)")
    con.executemany(
        "INSERT INTO ind_code_map VALUES (?, ?)",
        [(i.id, c.upper().replace("*", "%")) for i in catalogue.indicators for c in i.detect.codes]
        or [("", "")],
    )


def build_inputs(steps: Steps) -> None:
    """Ages, person keys, subjects and events-with-subjects, as named tables."""
    con = steps.con
    missing = [t for t in REQUIRED if not steps.exists(t)]
    if missing:
        raise StoreError(
            f"the store has no {', '.join(missing)} table: run `lantern ingest` before `lantern indicators`"
        )
    con.execute(AGE_MACRO)
    if not steps.exists("event_things"):
        con.execute(
            "CREATE TEMP TABLE event_things (event_id VARCHAR, agency VARCHAR, event_ref VARCHAR, "
            "kind VARCHAR, value VARCHAR, role VARCHAR, description VARCHAR)"
        )

    # Identity over time (resolve/history.py): each record's person from moment to
    # moment, as resolve would have made it of what was recorded by then. A rule that
    # counts a child's records together asks who was one person when it dates the hit,
    # never the final persons. Without resolve's history: the persons as final as
    # known (a hand-built store), or each record alone.
    if (
        not steps.exists("record_person_spans")
        and steps.exists("persons")
        and steps.exists("record_links")
    ):
        # A store whose links were written by hand, without resolve's history.
        from lantern.resolve.history import build_spans_from_links

        build_spans_from_links(con)
    if steps.exists("record_person_spans"):
        spans = "SELECT record_id, component, person_label, valid_from, valid_to FROM record_person_spans"
    elif steps.exists("persons"):
        spans = (
            "SELECT record_id, person_id AS component, person_id AS person_label, "
            "NULL::TIMESTAMP AS valid_from, NULL::TIMESTAMP AS valid_to FROM persons"
        )
    else:
        spans = (
            "SELECT record_id, record_id AS component, record_id AS person_label, "
            "NULL::TIMESTAMP AS valid_from, NULL::TIMESTAMP AS valid_to FROM people"
        )
    steps.table("ind_person_spans", spans)
    # `person_key`: the records that could ever be one person (a connected component of
    # every possible link): a rule groups candidates by it, then asks `ind_person_spans`.
    steps.table(
        "ind_person_keys",
        """SELECT p.record_id, coalesce(any_value(s.component), p.record_id) AS person_key
           FROM people p LEFT JOIN ind_person_spans s USING (record_id) GROUP BY p.record_id""",
    )

    dates_of_birth(steps)

    # Everyone on every event, with their age range at the event. With a date
    # of birth the range is one year; with only a birth year it is two.
    steps.table(
        "ind_event_people",
        """
        SELECT ep.event_id, ep.record_id, ep.role, e.agency, e.event_type,
               e.occurred_at, e.recorded_at, k.person_key, d.dob, d.birth_year, d.dob_note,
               CASE WHEN d.dob IS NOT NULL THEN ind_age(d.dob, e.occurred_at::DATE)
                    WHEN d.birth_year IS NOT NULL THEN year(e.occurred_at) - d.birth_year - 1 END AS age_min,
               CASE WHEN d.dob IS NOT NULL THEN ind_age(d.dob, e.occurred_at::DATE)
                    WHEN d.birth_year IS NOT NULL THEN year(e.occurred_at) - d.birth_year END AS age_max
        FROM event_people ep
        JOIN events e USING (event_id)
        LEFT JOIN ind_dates_of_birth d ON d.record_id = ep.record_id AND d.known_at = e.recorded_at
        LEFT JOIN ind_person_keys k ON k.record_id = ep.record_id
        """,
    )

    # The child each event is about: its subject or victim (one row each). The
    # narrative stays in `events` (`narratives.py` reads each distinct text once).
    steps.table(
        "ind_subject_events",
        """
        SELECT DISTINCT ON (e.event_id, p.record_id)
               e.event_id, e.agency, e.event_type, e.occurred_at, e.recorded_at, e.ended_at,
               e.outcome, e.codes, p.record_id, p.person_key, p.dob, p.dob_note,
               p.age_min, p.age_max
        FROM events e
        JOIN ind_event_people p ON p.event_id = e.event_id AND p.role IN ('subject', 'victim')
        ORDER BY e.event_id, p.record_id
        """,
    )


def dates_of_birth(steps: Steps, spans: str = "ind_person_spans", prefix: str = "ind") -> None:
    """`{prefix}_dates_of_birth`: each record's date of birth at each moment (`known_at`) an
    event naming it was recorded: the person's best-supported date as known then.

    The records counted are the ones that were one person with it at that moment
    (`spans`, shaped as `record_person_spans`: identity as resolve would have made it then)
    and existed by then (`person_records.first_recorded_at`); over them, resolve's one rule
    (`resolve/identity.py`: the date most give, ties to the earliest; else the most common
    birth year). Never today's `person_identity`: a record or a link that came later would
    change the age behind an earlier hit (the truncation property caught it). The graph
    stage asks the same (`prefix` "graph") for who was a child at an event.
    """
    from lantern.resolve.identity import best_dates_of_birth_sql

    if steps.exists("person_records") and {"dob", "birth_year"} <= steps.columns("person_records"):
        dated = "first_recorded_at" in steps.columns("person_records")
        steps.table(
            f"{prefix}_record_dates_of_birth",
            f"""SELECT record_id, dob::DATE AS dob, birth_year::INTEGER AS birth_year,
                       {"first_recorded_at" if dated else "NULL::TIMESTAMP"} AS exists_from,
                       {"FALSE" if dated else "TRUE"} AS undated
                FROM person_records""",  # noqa: S608 - fixed column names
        )
    else:  # a store built by hand: each record's own date, every record from the start
        steps.table(
            f"{prefix}_record_dates_of_birth",
            """SELECT record_id, date_of_birth::DATE AS dob, birth_year::INTEGER AS birth_year,
                      NULL::TIMESTAMP AS exists_from, TRUE AS undated FROM people""",
        )
    # Each record at each moment an event naming it was recorded, with the records that
    # were one person with it then and existed by then (itself always among them).
    steps.table(
        f"{prefix}_dob_members",
        f"""
        WITH moments AS (
            SELECT DISTINCT ep.record_id, e.recorded_at AS known_at
            FROM event_people ep JOIN events e USING (event_id)
            WHERE e.recorded_at IS NOT NULL
        ),
        labelled AS (
            SELECT m.record_id, m.known_at, s.component, s.person_label
            FROM moments m JOIN {spans} s ON s.record_id = m.record_id
             AND coalesce(s.valid_from <= m.known_at, TRUE) AND coalesce(m.known_at < s.valid_to, TRUE)
        )
        SELECT l.record_id AS of_record, l.known_at, o.record_id
        FROM labelled l
        JOIN {spans} o ON o.component = l.component AND o.person_label = l.person_label
         AND coalesce(o.valid_from <= l.known_at, TRUE) AND coalesce(l.known_at < o.valid_to, TRUE)
        JOIN {prefix}_record_dates_of_birth d ON d.record_id = o.record_id
        WHERE o.record_id = l.record_id OR d.undated OR d.exists_from <= l.known_at
        UNION
        SELECT m.record_id, m.known_at, m.record_id FROM moments m
        """,  # noqa: S608 - fixed table names
    )
    members = f"{prefix}_dob_members"
    best = best_dates_of_birth_sql(
        f"(SELECT of_record || '|' || CAST(known_at AS VARCHAR) AS person_id, of_record, known_at, record_id FROM {members})",  # noqa: S608 - a fixed table name
        dates=f"{prefix}_record_dates_of_birth",
        keep=("of_record", "known_at"),
    )
    # A supervisor's decision on the date (`resolve_dob_decisions`, made in the web app) stands
    # for the moments from its own date on: the latest made by then on any record of the
    # person then. A moment before it keeps the date the records gave.
    if steps.exists("resolve_dob_decisions"):
        decided = f"""
            SELECT m.of_record, m.known_at,
                   arg_max(d.date_of_birth, (d.decided_at, d.decision_id)) AS decided_dob,
                   arg_max('as decided by ' || d.decided_by || ' on '
                           || strftime(d.decided_at, '%Y-%m-%d'), (d.decided_at, d.decision_id))
                       AS dob_note
            FROM {prefix}_dob_members m
            JOIN resolve_dob_decisions d ON d.record_id = m.record_id AND d.decided_at <= m.known_at
            GROUP BY m.of_record, m.known_at"""  # noqa: S608 - a fixed table name
    else:
        decided = """SELECT NULL::VARCHAR AS of_record, NULL::TIMESTAMP AS known_at,
                            NULL::DATE AS decided_dob, NULL::VARCHAR AS dob_note WHERE FALSE"""
    steps.table(
        f"{prefix}_dates_of_birth",
        f"""
        SELECT b.of_record AS record_id, b.known_at,
               coalesce(x.decided_dob, b.date_of_birth) AS dob,
               CASE WHEN coalesce(x.decided_dob, b.date_of_birth) IS NULL THEN b.birth_year END
                   AS birth_year,
               b.dob_records, r.dob AS own_dob, x.dob_note
        FROM ({best}) b JOIN {prefix}_record_dates_of_birth r ON r.record_id = b.of_record
        LEFT JOIN ({decided}) x ON x.of_record = b.of_record AND x.known_at = b.known_at
        """,  # noqa: S608 - resolve's fixed rule and the fixed decisions query
    )
