"""Do two stores hold the same outputs? `python bench/compare_stores.py A.duckdb B.duckdb [TABLE...]`.

A check for changes meant to make the pipeline faster without changing what
it finds: run the pipeline before and after on the same county, then compare.
Each table is compared as a multiset of rows on every column both stores have
(row order ignored; floating-point columns rounded to DIGITS decimal places,
since parallel sums differ in their last bits from run to run); a column only
one store has is listed. Exit status 1 when anything differs.
"""

from __future__ import annotations

import sys

import duckdb

DIGITS = 9
TABLES = (
    "person_records", "record_links", "persons", "person_identity", "record_person_spans",
    "record_together", "things", "thing_mentions",
    "text_findings", "language_findings", "text_mentions", "indicator_hits",
    "graph_person_status", "graph_participants",
    "graph_evidence", "graph_edges", "graph_nodes", "graph_networks", "networks",
    "adult_child_links", "place_hotspots", "assessments", "network_assessments",
    "score_persons", "score_reasons", "score_history",
)  # fmt: skip


def columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()


def compare(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    # Sorted: the order of a table's columns is not part of its contents (Splink builds
    # resolve_pairs' columns from a set, in an order that changes from run to run).
    a, b = sorted(columns(con, "a", table)), sorted(columns(con, "b", table))
    if not a and not b:
        return None
    if not a or not b:
        return f"only in the {'second' if not a else 'first'} store"
    # A column one store has and the other lacks is listed; the rows are still compared on
    # the columns both have, so an added column does not hide whether the rest changed.
    shared = [c for c in a if c in b]
    changed = ""
    if a != b:
        only_a = [name for name, kind in a if (name, kind) not in b]
        only_b = [name for name, kind in b if (name, kind) not in a]
        changed = f"; columns only in the first: {only_a}, only in the second: {only_b}"
    cols = ", ".join(
        f'round("{name}", {DIGITS})' if kind in ("DOUBLE", "FLOAT") else f'"{name}"'
        for name, kind in shared
    )
    only = []
    for x, y in (("a", "b"), ("b", "a")):
        n = con.execute(
            f"SELECT count(*) FROM (SELECT {cols} FROM {x}.{table} EXCEPT ALL "  # noqa: S608
            f"SELECT {cols} FROM {y}.{table})"
        ).fetchall()[0][0]
        only.append(n)
    rows = con.execute(f"SELECT count(*) FROM a.{table}").fetchall()[0][0]  # noqa: S608
    if any(only):
        return f"{rows} rows; {only[0]} only in the first, {only[1]} only in the second{changed}"
    if changed:
        return f"rows the same on the shared columns ({rows} rows){changed}"
    return f"same ({rows} rows)"


def main(argv: list[str]) -> int:
    first, second, *tables = argv
    con = duckdb.connect()
    con.execute(f"ATTACH '{first}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{second}' AS b (READ_ONLY)")
    differ = False
    for table in tables or TABLES:
        verdict = compare(con, table)
        if verdict is None:
            continue
        print(f"{table:20} {verdict}")
        differ |= not verdict.startswith("same")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
