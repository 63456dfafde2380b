"""Identity as of a date, and why two records are (or are not) one person.

`persons_as_of(con, as_of)`: the persons as of day D, as resolve would have
made them of what was recorded by the end of D (`history.py` replays the
clustering; a record exists from the first event naming it). A stage that
dates a fact asks `record_person_spans` (who was one person at a moment) or
`record_together` (since when two records have been one person).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

import duckdb

from lantern.resolve.decisions import CURRENT_DECISIONS_SQL
from lantern.resolve.evidence import evidence_sql
from lantern.resolve.history import persons_as_of_sql
from lantern.resolve.sql import first_row


def person_id_for(smallest_record_id: str) -> str:
    """`P` + 10 hex digits of the MD5 of the smallest record_id in the cluster (as `persons` does in SQL)."""
    return "P" + hashlib.md5(smallest_record_id.encode()).hexdigest()[:10]  # noqa: S324 - an id, not security


def persons_as_of(con: duckdb.DuckDBPyConnection, as_of: date | datetime | None) -> dict[str, str]:
    """record_id → person_id as of the end of `as_of`: the persons resolve would have made
    of the records, links and decisions recorded by then (`history.py`). A record no
    event recorded by then names does not exist yet and is not listed. None: today's
    view, `persons`, every record."""
    return dict(con.execute(persons_as_of_sql(as_of)).fetchall())


def kept_apart_through(
    con: duckdb.DuckDBPyConnection, person_l: str, person_r: str
) -> list[dict[str, Any]]:
    """What keeps two persons apart as wholes: cannot-link pairs with one record in each
    (a guard or a reviewer's "different" on *other* records of the clusters), and
    identifiers of one kind that differ between them (clustering never joins those)."""
    rows = con.execute(
        """
        SELECT c.record_id_l, c.record_id_r, c.reason FROM resolve_cannot_link c
        JOIN persons a ON a.record_id = c.record_id_l
        JOIN persons b ON b.record_id = c.record_id_r
        WHERE (a.person_id = $l AND b.person_id = $r) OR (a.person_id = $r AND b.person_id = $l)
        ORDER BY c.record_id_l, c.record_id_r
        """,
        {"l": person_l, "r": person_r},
    ).fetchall()
    through = [{"record_id_l": a, "record_id_r": b, "reason": reason} for a, b, reason in rows]
    for kind, column in (("NHS numbers", "nhs_number_norm"), ("UPNs", "upn_norm")):
        held = con.execute(
            f"""
            SELECT s.person_id, list(DISTINCT r.{column} ORDER BY r.{column})
            FROM persons s JOIN person_records r USING (record_id)
            WHERE s.person_id IN ($l, $r) AND r.{column} IS NOT NULL
            GROUP BY s.person_id
            """,  # noqa: S608 - fixed column names
            {"l": person_l, "r": person_r},
        ).fetchall()
        if len(held) == 2 and not set(held[0][1]) & set(held[1][1]):
            through.append(
                {"record_id_l": None, "record_id_r": None, "reason": f"different {kind}"}
            )
    return through


def explain_link(con: duckdb.DuckDBPyConnection, record_a: str, record_b: str) -> dict[str, Any]:
    """Everything resolve knows about a pair: score, per-comparison evidence, decision, link, persons."""
    left, right = sorted((record_a, record_b))
    result: dict[str, Any] = {"record_id_l": left, "record_id_r": right}
    persons = dict(
        con.execute(
            "SELECT record_id, person_id FROM persons WHERE record_id IN (?, ?)", [left, right]
        ).fetchall()
    )
    result["person_id_l"], result["person_id_r"] = persons.get(left), persons.get(right)
    result["same_person"] = persons.get(left) is not None and persons.get(left) == persons.get(
        right
    )
    pair = first_row(
        con,
        f"SELECT match_weight, match_probability, {evidence_sql(con, 'p')} FROM resolve_pairs p "  # noqa: S608
        "WHERE record_id_l = ? AND record_id_r = ?",
        [left, right],
    )
    result["scored"] = pair is not None
    if pair is not None:
        result["match_weight"], result["match_probability"], result["evidence"] = pair
        # Plain rows, not a data frame: pandas is not a runtime dependency.
        cursor = con.execute(
            "SELECT * FROM resolve_pairs WHERE record_id_l = ? AND record_id_r = ?", [left, right]
        )
        names = [column[0] for column in cursor.description]
        gammas = dict(zip(names, cursor.fetchone() or (), strict=False))
        comparisons = []
        for comparison, gamma, phrase, similarity_sql, weight in con.execute(
            "SELECT comparison, gamma, phrase, similarity_sql, match_weight FROM resolve_model_levels "
            "ORDER BY comparison"
        ).fetchall():
            if (
                gammas.get(f"gamma_{comparison}") is not None
                and int(gammas[f"gamma_{comparison}"]) == gamma
            ):
                if similarity_sql and "{similarity}" in phrase:
                    # The model's own similarity expression, on this pair: "(0.89)".
                    similarity = first_row(
                        con,
                        f"SELECT printf('%.2f', {similarity_sql}) FROM resolve_pairs "  # noqa: S608
                        "WHERE record_id_l = ? AND record_id_r = ?",
                        [left, right],
                    )
                    phrase = phrase.replace("{similarity}", similarity[0] if similarity else "?")
                comparisons.append(
                    {"comparison": comparison, "level": phrase, "match_weight": weight}
                )
        result["comparisons"] = comparisons
    link = first_row(
        con,
        "SELECT source, available_at, evidence FROM record_links WHERE record_id_l = ? AND record_id_r = ?",
        [left, right],
    )
    result["direct_link"] = (
        None
        if link is None
        else dict(zip(("source", "available_at", "evidence"), link, strict=True))
    )
    cannot = first_row(
        con,
        "SELECT reason FROM resolve_cannot_link WHERE record_id_l = ? AND record_id_r = ?",
        [left, right],
    )
    result["kept_apart_because"] = cannot[0] if cannot else None
    result["kept_apart_through"] = (
        kept_apart_through(con, persons[left], persons[right])
        if not result["same_person"] and left in persons and right in persons
        else []
    )
    decision = first_row(
        con,
        f"SELECT decision, decided_by, reason, decided_at FROM ({CURRENT_DECISIONS_SQL}) d "  # noqa: S608
        "WHERE record_id_l = ? AND record_id_r = ?",
        [left, right],
    )
    result["decision"] = (
        None
        if decision is None
        else dict(zip(("decision", "decided_by", "reason", "decided_at"), decision, strict=True))
    )
    return result
