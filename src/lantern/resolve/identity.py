"""Each person's best-supported date of birth, and where their records disagree about it.

Agencies record a child's date of birth differently (a typo, a month and day swapped, a year
out). Once records are joined into a person, one date stands for them: the date most of their
records give (ties to the earliest), or with no full date the most common birth year (ties to
the earliest) on 1 July. The same rule serves child or adult (`score`) and the page that shows
the person, which shows the dates it was not. `person_identity` is today's; the legal-age rules
(`indicators/inputs.py`) apply the same rule at each moment an event was recorded, over the
records of the person as known then, so no later record changes the age behind an earlier hit.

`best_dates_of_birth_sql(members)` is that rule as SQL over any table of (record_id, person_id);
`build_person_identity` writes it for the resolved persons as `person_identity`:

| column | holds |
|---|---|
| person_id | the person |
| date_of_birth | the best-supported full date, or NULL when no record gives one |
| birth_year | the best-supported year when no record gives a full date |
| born | `date_of_birth`, else 1 July of `birth_year`: the date ages are worked out on |
| dob_records | how many of the person's records give `date_of_birth` |
| dob_disagreements | JSON list of the other full dates recorded: `{date_of_birth, agencies, records}` |
"""

from __future__ import annotations

import duckdb

from lantern.store.steps import create_table


def best_dates_of_birth_sql(
    members: str, *, dates: str = "person_records", keep: tuple[str, ...] = ()
) -> str:
    """SELECT person_id, date_of_birth, birth_year, born, dob_records over `members`
    (a table or subquery with record_id and person_id) joined to `dates` (record_id, dob,
    birth_year: `person_records`, or the indicators' own copy). `keep`: more columns of
    `members`, one value per person_id, carried through."""
    kept = "".join(f"any_value({c}) AS {c}, " for c in keep)
    inner = "".join(f"m.{c}, " for c in keep)
    return f"""
        SELECT person_id, {kept}
               arg_max(dob, (n_dob, -epoch(dob))) FILTER (WHERE dob IS NOT NULL)
                   AS date_of_birth,
               CASE WHEN count(dob) = 0
                    THEN arg_max(birth_year, (n_year, -birth_year))
                         FILTER (WHERE birth_year IS NOT NULL) END AS birth_year,
               COALESCE(arg_max(dob, (n_dob, -epoch(dob))) FILTER (WHERE dob IS NOT NULL),
                        make_date(CAST(arg_max(birth_year, (n_year, -birth_year))
                                       FILTER (WHERE birth_year IS NOT NULL) AS BIGINT), 7, 1))
                   AS born,
               max(n_dob) FILTER (WHERE dob IS NOT NULL) AS dob_records
        FROM (
            SELECT m.person_id, {inner}r.dob, r.birth_year,
                   count(*) OVER (PARTITION BY m.person_id, r.dob) AS n_dob,
                   count(*) OVER (PARTITION BY m.person_id, r.birth_year) AS n_year
            FROM {members} AS m JOIN {dates} AS r ON r.record_id = m.record_id
        )
        GROUP BY person_id
    """  # noqa: S608 - `members` is a table name from the calling stage, not input


def build_person_identity(con: duckdb.DuckDBPyConnection) -> int:
    """Write `person_identity` for the resolved persons; returns the number of persons."""
    create_table(
        con,
        "person_identity",
        f"""
        WITH best AS ({best_dates_of_birth_sql("persons")}),
        others AS (
            SELECT m.person_id, r.dob,
                   string_agg(DISTINCT r.agency, ';' ORDER BY r.agency) AS agencies,
                   string_agg(r.record_id, ';' ORDER BY r.record_id) AS records
            FROM persons AS m JOIN person_records AS r ON r.record_id = m.record_id
            JOIN best AS b ON b.person_id = m.person_id
            WHERE r.dob IS NOT NULL AND r.dob <> b.date_of_birth
            GROUP BY m.person_id, r.dob
        ),
        disagreements AS (
            SELECT person_id,
                   to_json(list({{'date_of_birth': strftime(dob, '%Y-%m-%d'),
                                  'agencies': string_split(agencies, ';'),
                                  'records': string_split(records, ';')}} ORDER BY dob))::VARCHAR
                       AS dob_disagreements
            FROM others GROUP BY person_id
        )
        SELECT b.person_id, b.date_of_birth, b.birth_year, b.born,
               coalesce(b.dob_records, 0) AS dob_records, d.dob_disagreements
        FROM best AS b LEFT JOIN disagreements AS d USING (person_id)
        ORDER BY b.person_id
        """,  # noqa: S608 - the interpolation is the rule's own fixed SQL
    )
    row = con.execute("SELECT count(*) FROM person_identity").fetchone()
    return int(row[0]) if row else 0
