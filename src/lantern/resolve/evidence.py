"""Plain-English evidence for a scored pair, built in SQL from `resolve_model_levels`.

"same NHS number; same date of birth; given name similar (0.94); different
postcode areas": each comparison's level phrase, strongest evidence first.
"""

from __future__ import annotations

import re

import duckdb

from lantern.sql import sql_string


def evidence_sql(con: duckdb.DuckDBPyConnection, alias: str = "p") -> str:
    """A SQL expression over a `resolve_pairs` row (aliased `alias`) giving its evidence text."""
    levels = con.execute(
        "SELECT comparison, gamma, phrase, similarity_sql, match_weight FROM resolve_model_levels ORDER BY comparison, gamma"
    ).fetchall()
    if not levels:
        return "NULL::VARCHAR"
    items = []
    by_comparison: dict[str, list[tuple[int, str, str | None, float]]] = {}
    for comparison, gamma, phrase, similarity_sql, weight in levels:
        by_comparison.setdefault(comparison, []).append((gamma, phrase, similarity_sql, weight))
    for comparison, rows in by_comparison.items():
        phrase_cases, weight_cases = [], []
        for gamma, phrase, similarity_sql, weight in rows:
            text = sql_string(phrase)
            if similarity_sql and "{similarity}" in phrase:
                sim = re.sub(r"\b(\w+_[lr])\b", rf"{alias}.\1", similarity_sql)
                text = f"replace({text}, '{{similarity}}', printf('%.2f', {sim}))"
            phrase_cases.append(f"WHEN {gamma} THEN {text}")
            weight_cases.append(f"WHEN {gamma} THEN {weight!r}")
        column = f"{alias}.gamma_{comparison}"
        items.append(
            f"{{'w': CASE {column} {' '.join(weight_cases)} END, "
            f"'p': CASE {column} {' '.join(phrase_cases)} END}}"
        )
    structs = ", ".join(items)
    return (
        f"array_to_string(list_transform(list_reverse_sort(list_filter([{structs}], lambda x: x.p IS NOT NULL)), "
        f"lambda x: x.p), '; ')"
    )
