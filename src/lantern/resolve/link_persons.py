"""Step 3 of resolve: scored pairs + reviewers' decisions → `record_links` and `persons`.

Named SQL steps, each writing a table:

- `resolve_cannot_link`: pairs that must never be in one person: reviewers'
  "different", and two guarded hard cases: *twins* (same full date of birth,
  clearly different given names, no shared NHS number or UPN; two spellings of
  one name — same sound and same first vowel, see `spelling_variants` — are
  not twins) and *another
  generation* (years of birth more than two apart, and the dates are not a
  one-character typo of each other: a father and son with one name).
- `resolve_candidates`: reviewers' "same" pairs, pairs sharing an NHS number
  or UPN (`deterministic`), and pairs at or above the threshold (`model`),
  minus cannot-links.
- clustering (Python union–find, `constrained_clusters.py`) → `record_links` (the
  spanning forest of each person, earliest links first) and `persons`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from lantern.resolve.constrained_clusters import constrained_clusters, spanning_forest
from lantern.resolve.decisions import CURRENT_DECISIONS_SQL
from lantern.resolve.evidence import evidence_sql
from lantern.resolve.sql import scalar
from lantern.store.steps import create_table

PRIORITY = {"reviewer": 0, "deterministic": 1, "model": 2}


@dataclass
class LinkCounts:
    candidates: int
    links: int
    persons: int
    cannot_link: int


VOWELS = "aeiouy"


def first_vowel(name: str) -> str:
    return next((c for c in name.lower() if c in VOWELS), "")


def spelling_variants(a: str, b: str) -> bool:
    """Two given names are two spellings of one name, not two names.

    Both must sound alike (one Metaphone code: Kaleigh and Kayley are both KL) and
    open on the same vowel letter. The vowel keeps apart names that share their
    consonants but are different names a parent could give twins: Lily and Lola,
    Millie and Molly (LL, ML). Names whose consonants differ (Harry and Harvey,
    Jack and James, Aiden and Ethan, Mason and Jason) never pass. Spellings that
    differ in their first vowel (Phoebe and Febe) stay guarded: a reviewer can say
    "same".
    """
    import jellyfish

    a, b = a.lower(), b.lower()
    return (
        a != b
        and jellyfish.metaphone(a) == jellyfish.metaphone(b)
        and first_vowel(a) != ""
        and first_vowel(a) == first_vowel(b)
    )


GUARDS = {
    "twins": """
        SELECT p.record_id_l, p.record_id_r, 'twins: same date of birth, different given names' AS reason
        FROM resolve_pairs p
        WHERE p.gamma_given_name = 0 AND p.dob_l = p.dob_r
          AND NOT coalesce(p.nhs_number_norm_l = p.nhs_number_norm_r, false)
          AND NOT coalesce(p.upn_norm_l = p.upn_norm_r, false)
          AND NOT EXISTS (
              SELECT 1 FROM resolve_spelling_variants v
              WHERE v.name_l = p.given_name_norm_l AND v.name_r = p.given_name_norm_r)
    """,
    "generation": """
        SELECT record_id_l, record_id_r, 'another generation: years of birth far apart' AS reason
        FROM resolve_pairs
        WHERE abs(birth_year_l - birth_year_r) > 2
          AND coalesce(damerau_levenshtein(dob_text_l, dob_text_r) > 1, true)
          AND NOT coalesce(nhs_number_norm_l = nhs_number_norm_r, false)
          AND NOT coalesce(upn_norm_l = upn_norm_r, false)
    """,
}


def build_spelling_variants(con: duckdb.DuckDBPyConnection) -> int:
    """Write `resolve_spelling_variants`: the given-name pairs of same-birth-date pairs at
    the "different given names" level that are two spellings of one name.

    Only those pairs are looked at (a handful per thousand records), so the Python
    phonetic check runs on distinct name pairs, not on every scored pair.
    """
    names = con.execute(
        """
        SELECT DISTINCT given_name_norm_l, given_name_norm_r FROM resolve_pairs
        WHERE gamma_given_name = 0 AND dob_l = dob_r
          AND given_name_norm_l IS NOT NULL AND given_name_norm_r IS NOT NULL
        """
    ).fetchall()
    variants = [(a, b) for a, b in names if spelling_variants(a, b)]
    con.register(
        "_resolve_variants",
        pa.table(
            {"name_l": [a for a, _ in variants], "name_r": [b for _, b in variants]},
            schema=pa.schema([("name_l", pa.string()), ("name_r", pa.string())]),
        ),
    )
    create_table(con, "resolve_spelling_variants", "SELECT * FROM _resolve_variants")
    con.unregister("_resolve_variants")
    return len(variants)


def build_cannot_link(
    con: duckdb.DuckDBPyConnection, guards: tuple[str, ...] = tuple(GUARDS)
) -> int:
    """Write `resolve_cannot_link`: reviewers' "different" pairs and the guarded hard cases.

    A reviewer's "same" overrides a guard; a reviewer's "different" is absolute.
    """
    build_spelling_variants(con)
    guarded = " UNION ".join(GUARDS[g] for g in guards) or (
        "SELECT NULL::VARCHAR AS record_id_l, NULL::VARCHAR AS record_id_r, NULL::VARCHAR AS reason LIMIT 0"
    )
    # Every guarded pair, before reviewers' decisions: what the model alone would refuse
    # (used to date links that only a reviewer's "same" made possible).
    create_table(con, "resolve_guarded", guarded)
    create_table(
        con,
        "resolve_cannot_link",
        f"""
        WITH decided AS ({CURRENT_DECISIONS_SQL}),
        guarded AS (SELECT * FROM resolve_guarded)
        SELECT record_id_l, record_id_r, 'reviewer' AS reason FROM decided WHERE decision = 'different'
        UNION
        SELECT g.record_id_l, g.record_id_r, g.reason FROM guarded g
        ANTI JOIN decided d ON d.record_id_l = g.record_id_l AND d.record_id_r = g.record_id_r
        """,  # noqa: S608 - fixed SQL
    )
    return scalar(con, "SELECT count(*) FROM resolve_cannot_link")


def build_candidates(con: duckdb.DuckDBPyConnection, threshold: float) -> int:
    evidence = evidence_sql(con, "p")
    # The model's own links, before any decision or guard: identity over time
    # (`history.py`) applies the guards and each decision from its own date.
    con.execute(
        f"""
        CREATE OR REPLACE TABLE resolve_scored AS
        SELECT p.record_id_l, p.record_id_r, p.match_weight,
            CASE WHEN p.first_recorded_at_l IS NULL OR p.first_recorded_at_r IS NULL THEN NULL
                 ELSE greatest(p.first_recorded_at_l, p.first_recorded_at_r) END AS available_at,
            CASE WHEN p.nhs_number_norm_l = p.nhs_number_norm_r OR p.upn_norm_l = p.upn_norm_r
                 THEN 'deterministic' ELSE 'model' END AS source
        FROM resolve_pairs p
        WHERE p.match_probability >= {float(threshold)!r}
           OR p.nhs_number_norm_l = p.nhs_number_norm_r
           OR p.upn_norm_l = p.upn_norm_r
        """  # noqa: S608 - a number
    )
    create_table(
        con,
        "resolve_candidates",
        f"""
        WITH decided AS ({CURRENT_DECISIONS_SQL}),
        scored AS (
            SELECT p.record_id_l, p.record_id_r, p.match_weight, p.match_probability,
                CASE WHEN p.first_recorded_at_l IS NULL OR p.first_recorded_at_r IS NULL THEN NULL
                     ELSE greatest(p.first_recorded_at_l, p.first_recorded_at_r) END AS available_at,
                CASE WHEN p.nhs_number_norm_l = p.nhs_number_norm_r OR p.upn_norm_l = p.upn_norm_r
                     THEN 'deterministic' ELSE 'model' END AS source,
                {evidence} AS evidence
            FROM resolve_pairs p
            WHERE p.match_probability >= $threshold
               OR p.nhs_number_norm_l = p.nhs_number_norm_r
               OR p.upn_norm_l = p.upn_norm_r
        ),
        reviewed AS (
            SELECT d.record_id_l, d.record_id_r, d.decided_at, d.decided_by, d.reason
            FROM decided d WHERE d.decision = 'same'
        )
        SELECT
            coalesce(s.record_id_l, r.record_id_l) AS record_id_l,
            coalesce(s.record_id_r, r.record_id_r) AS record_id_r,
            s.match_weight,
            CASE WHEN s.record_id_l IS NULL THEN 1.0 ELSE s.match_probability END AS match_probability,
            CASE WHEN s.record_id_l IS NULL THEN r.decided_at ELSE s.available_at END AS available_at,
            CASE WHEN r.record_id_l IS NOT NULL THEN 'reviewer' ELSE s.source END AS source,
            concat_ws('; ',
                CASE WHEN r.record_id_l IS NOT NULL
                     THEN 'reviewer ' || r.decided_by || ' decided same person'
                          || coalesce(' (' || r.reason || ')', '') END,
                CASE WHEN s.source = 'deterministic' THEN 'shared identifier' END,
                s.evidence) AS evidence
        FROM scored s FULL OUTER JOIN reviewed r
          ON s.record_id_l = r.record_id_l AND s.record_id_r = r.record_id_r
        ANTI JOIN resolve_cannot_link c
          ON c.record_id_l = coalesce(s.record_id_l, r.record_id_l)
         AND c.record_id_r = coalesce(s.record_id_r, r.record_id_r)
        """,  # noqa: S608 - fixed SQL; the threshold is a parameter
        {"threshold": float(threshold)},
    )
    return scalar(con, "SELECT count(*) FROM resolve_candidates")


def _ints(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[int, int]]:
    arrays = con.execute(sql).fetchnumpy()
    return list(zip(arrays["a"].tolist(), arrays["b"].tolist(), strict=True))


def _date_links_made_by_reviewers(
    con: duckdb.DuckDBPyConnection,
    n: int,
    roots: list[int],
    keys: dict[int, frozenset[str]],
) -> None:
    """A reviewer's "same" is available from its own date (replay.md §2), and so is every
    link that only that decision made possible.

    The model alone — scored pairs, the guards, no decisions — clusters the records once
    more. A link inside a final person whose two records the model alone would not have
    put together waits for the latest "same" decision in that person (a confirmation of
    what the model already linked changes no date). `resolve_edges.available_at` is set
    to that date, so the spanning forest and `record_links` carry it.
    """
    model_edges = _ints(
        con,
        """
        SELECT a, b FROM resolve_edges WHERE match_weight IS NOT NULL
        ORDER BY CASE WHEN source = 'deterministic' OR evidence LIKE '%shared identifier%'
                      THEN 1 ELSE 2 END, match_weight DESC, a, b
        """,
    )
    guarded = _ints(
        con,
        """
        SELECT l.ix AS a, r.ix AS b FROM resolve_guarded g
        JOIN resolve_index l ON l.record_id = g.record_id_l
        JOIN resolve_index r ON r.record_id = g.record_id_r
        """,
    )
    model_roots, _ = constrained_clusters(n, model_edges, guarded, keys, 0)
    latest: dict[int, object] = {}
    for a, b, decided_at in con.execute(
        f"""
        SELECT e.a, e.b, d.decided_at FROM resolve_edges e
        JOIN ({CURRENT_DECISIONS_SQL}) d
          ON d.record_id_l = e.record_id_l AND d.record_id_r = e.record_id_r
        WHERE d.decision = 'same'
        """  # noqa: S608 - fixed SQL
    ).fetchall():
        root = roots[a]
        if root == roots[b] and (root not in latest or decided_at > latest[root]):
            latest[root] = decided_at
    waits = []
    for a, b, available_at in con.execute(
        "SELECT a, b, available_at FROM resolve_edges WHERE available_at IS NOT NULL"
    ).fetchall():
        root = roots[a]
        if root in latest and root == roots[b] and model_roots[a] != model_roots[b]:
            waits.append((a, b, max(available_at, latest[root])))
    if not waits:
        return
    con.register(
        "_resolve_waits",
        pa.table(
            {
                "a": pa.array([w[0] for w in waits], pa.int32()),
                "b": pa.array([w[1] for w in waits], pa.int32()),
                "available_at": pa.array([w[2] for w in waits], pa.timestamp("us")),
            }
        ),
    )
    con.execute(
        """
        UPDATE resolve_edges AS e SET available_at = w.available_at
        FROM _resolve_waits AS w WHERE e.a = w.a AND e.b = w.b
        """
    )
    con.unregister("_resolve_waits")


def cluster_and_write(con: duckdb.DuckDBPyConnection) -> LinkCounts:
    """Cluster `resolve_candidates` under `resolve_cannot_link`; write `record_links` and `persons`."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE resolve_index AS
        SELECT record_id, (row_number() OVER (ORDER BY record_id) - 1)::INTEGER AS ix
        FROM person_records
        """
    )
    n = scalar(con, "SELECT count(*) FROM resolve_index")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE resolve_edges AS
        SELECT c.*, l.ix AS a, r.ix AS b,
               CASE c.source WHEN 'reviewer' THEN 0 WHEN 'deterministic' THEN 1 ELSE 2 END AS priority
        FROM resolve_candidates c
        JOIN resolve_index l ON l.record_id = c.record_id_l
        JOIN resolve_index r ON r.record_id = c.record_id_r
        """
    )
    strongest_first = _ints(
        con,
        "SELECT a, b FROM resolve_edges ORDER BY priority, match_weight DESC NULLS LAST, a, b",
    )
    unconditional = scalar(con, "SELECT count(*) FROM resolve_edges WHERE priority = 0")
    cannot = _ints(
        con,
        """
        SELECT l.ix AS a, r.ix AS b FROM resolve_cannot_link c
        JOIN resolve_index l ON l.record_id = c.record_id_l
        JOIN resolve_index r ON r.record_id = c.record_id_r
        """,
    )
    keys: dict[int, frozenset[str]] = {}
    for ix, nhs, upn in con.execute(
        """
        SELECT i.ix, pr.nhs_number_norm, pr.upn_norm FROM person_records pr JOIN resolve_index i USING (record_id)
        WHERE pr.nhs_number_norm IS NOT NULL OR pr.upn_norm IS NOT NULL
        """
    ).fetchall():
        keys[ix] = frozenset(k for k in (nhs and f"nhs:{nhs}", upn and f"upn:{upn}") if k)
    roots, _ = constrained_clusters(n, strongest_first, cannot, keys, unconditional)
    if unconditional:
        _date_links_made_by_reviewers(con, n, roots, keys)

    earliest_first = _ints(
        con,
        "SELECT a, b FROM resolve_edges ORDER BY available_at NULLS LAST, priority, match_weight DESC NULLS LAST, a, b",
    )
    kept = spanning_forest(n, earliest_first, roots)
    kept_pairs = pa.table(
        {
            "a": [a for (a, _), k in zip(earliest_first, kept, strict=True) if k],
            "b": [b for (_, b), k in zip(earliest_first, kept, strict=True) if k],
        },
        schema=pa.schema([("a", pa.int32()), ("b", pa.int32())]),
    )
    con.register("_resolve_kept", kept_pairs)
    create_table(
        con,
        "record_links",
        """
        SELECT e.record_id_l, e.record_id_r, e.match_weight, e.match_probability, e.available_at,
               e.source, e.evidence
        FROM resolve_edges e JOIN _resolve_kept k ON k.a = e.a AND k.b = e.b
        ORDER BY e.available_at NULLS LAST, e.record_id_l, e.record_id_r
        """,
    )
    con.unregister("_resolve_kept")
    con.register("_resolve_roots", pa.table({"ix": list(range(n)), "root": roots}))
    create_table(
        con,
        "persons",
        """
        WITH clustered AS (
            SELECT i.record_id, min(i.record_id) OVER (PARTITION BY r.root) AS smallest
            FROM resolve_index i JOIN _resolve_roots r USING (ix)
        )
        SELECT record_id, 'P' || substr(md5(smallest), 1, 10) AS person_id
        FROM clustered ORDER BY record_id
        """,
    )
    con.unregister("_resolve_roots")
    links = scalar(con, "SELECT count(*) FROM record_links")
    persons = scalar(con, "SELECT count(DISTINCT person_id) FROM persons")
    candidates = scalar(con, "SELECT count(*) FROM resolve_edges")
    return LinkCounts(candidates, links, persons, len(cannot))
