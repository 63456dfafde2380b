"""The "most connected" list: people, vehicles, phones and places ranked by centrality.

With no filter the ranks come from `graph_stats` (precomputed by `lantern graph build`). With a
link kind or a date range they are recomputed over the matching edges only (the same measures,
`lantern.graph.centrality.compute`), so "who is central in the car sightings of 2010" is a
question the page can answer. Routine links (weight 0) never count.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from lantern.app.analytics import Analytics
from lantern.graph import centrality

MEASURES = {
    "weighted_degree": "Strength of links",
    "degree": "Links",
    "betweenness": "Betweenness",
    "closeness": "Closeness",
    "eigenvector": "Eigenvector",
}
KINDS = {
    "": "Everything",
    "person": "People",
    "vehicle": "Vehicles",
    "phone": "Phones",
    "place": "Places",
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    link: str = ""
    since: date | None = None
    until: date | None = None
    sort: str = "weighted_degree"
    descending: bool = True

    @property
    def live(self) -> bool:
        """Whether the ranks must be recomputed (a link kind or a date range is chosen)."""
        return bool(self.link or self.since or self.until)


@dataclass(frozen=True)
class Ranking:
    rows: list[dict[str, Any]]
    total: int
    recomputed: bool


def link_kinds(analytics: Analytics) -> list[str]:
    if not analytics.has("graph_edges"):
        return []
    return [r["kind"] for r in analytics.q("SELECT DISTINCT kind FROM graph_edges ORDER BY kind")]


def _kind_rule(kind: str) -> str:
    return {
        "person": "n.kind = 'person'",
        "vehicle": "n.node_id LIKE 'vehicle:%'",
        "phone": "n.node_id LIKE 'phone:%'",
        "place": "n.kind = 'place'",
    }.get(kind, "true")


def _edges_query(analytics: Analytics, filters: Filters) -> str:
    """`graph_edges` narrowed to the filters, as a parenthesised query (values checked first)."""
    rules = []
    if filters.link:
        if filters.link not in link_kinds(analytics):
            return "(SELECT * FROM graph_edges WHERE false)"
        quoted = filters.link.replace("'", "''")  # a known kind, quoted all the same
        rules.append(f"kind = '{quoted}'")
    began = (
        "coalesce(first_occurred_at, first_available_at)"
        if ("graph_edges", "first_occurred_at") in analytics.columns
        else "first_available_at"
    )
    if filters.until:
        rules.append(f"{began} < DATE '{filters.until.isoformat()}' + INTERVAL 1 DAY")
    if filters.since:
        rules.append(f"last_occurred_at >= DATE '{filters.since.isoformat()}'")
    return f"(SELECT * FROM graph_edges WHERE {' AND '.join(rules) or 'true'})"  # noqa: S608


def ranking(analytics: Analytics, filters: Filters, page: int = 1) -> Ranking:
    if not analytics.has("graph_edges") or not analytics.has("graph_nodes"):
        return Ranking([], 0, False)
    sort = filters.sort if filters.sort in MEASURES else "weighted_degree"
    direction = "DESC" if filters.descending else "ASC"
    offset = (max(1, page) - 1) * PAGE_SIZE
    cursor = analytics.cursor()
    recomputed = filters.live or not analytics.has("graph_stats")
    source = "graph_stats"
    if recomputed:
        source = f"wb_stats_{threading.get_ident()}"
        cursor.register(source, _live_stats(analytics, filters))
    try:
        where = f"s.degree > 0 AND {_kind_rule(filters.kind)}"
        sql = f"""
            SELECT s.node_id, n.kind, n.label, a.kind AS person_kind, a.band,
                   s.degree, s.weighted_degree, s.betweenness, s.closeness, s.eigenvector,
                   count(*) OVER () AS total
            FROM {source} s JOIN graph_nodes n USING (node_id)
            LEFT JOIN assessments a ON a.person_id = s.node_id
            WHERE {where}
            ORDER BY s.{sort} {direction}, s.node_id
            LIMIT {PAGE_SIZE} OFFSET {offset}
        """  # noqa: S608 - sort, direction and kind are checked against fixed lists
        rows = _rows(cursor.execute(sql))
    finally:
        if recomputed:
            cursor.unregister(source)
    total = int(rows[0]["total"]) if rows else 0
    for row in rows:
        row["thing"] = row["node_id"].split(":", 1)[0] if row["kind"] == "thing" else ""
    return Ranking(rows, total, recomputed)


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _live_stats(analytics: Analytics, filters: Filters) -> pa.Table:
    return centrality.compute(analytics.cursor(), edges=_edges_query(analytics, filters))


def stats_of(analytics: Analytics, node_id: str) -> dict[str, Any] | None:
    """A node's measures from `graph_stats`, with its rank among nodes of its kind."""
    if not analytics.has("graph_stats"):
        return None
    found = analytics.q(
        "SELECT kind, degree, weighted_degree, betweenness, closeness, eigenvector "
        "FROM graph_stats WHERE node_id = ?",
        [node_id],
    )
    if not found:
        return None
    row = found[0]
    ranks = analytics.q(
        """
        SELECT count(*) FILTER (WHERE weighted_degree > ?) + 1 AS strength_rank,
               count(*) FILTER (WHERE betweenness > ?) + 1 AS betweenness_rank,
               count(*) FILTER (WHERE degree > 0) AS linked
        FROM graph_stats WHERE kind = ?
        """,
        [row["weighted_degree"], row["betweenness"], row["kind"]],
    )[0]
    return {**row, **ranks}
