"""The "most connected" list: people, vehicles, phones and places ranked by centrality.

With no filter the ranks come from `graph_stats`; with a link kind, a year, or both, from
`graph_stats_slices` — the same measures over the matching links only, precomputed by
`lantern graph build` — so "who is central in the car sightings of 2010" is one sorted query.
A store built before the slices existed recomputes them over the matching edges
(`lantern.graph.centrality.compute`). Routine links (weight 0) never count.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from lantern.app.store_reader import Analytics
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
    year: str = ""
    sort: str = "weighted_degree"
    descending: bool = True

    @property
    def sliced(self) -> bool:
        """Whether the ranks are over some of the links (a link kind or a year is chosen)."""
        return bool(self.link or self.year)


@dataclass(frozen=True)
class Ranking:
    rows: list[dict[str, Any]]
    total: int
    recomputed: bool
    sliced: bool = False
    estimated: bool = False  # some betweenness/closeness figures are sampled estimates


def link_kinds(analytics: Analytics) -> list[str]:
    if not analytics.has("graph_edges"):
        return []
    return [r["kind"] for r in analytics.q("SELECT DISTINCT kind FROM graph_edges ORDER BY kind")]


def years(analytics: Analytics) -> list[str]:
    """The years the list can be narrowed to: those with precomputed slices, else with links."""
    if analytics.has("graph_stats_slices"):
        sql = "SELECT DISTINCT period FROM graph_stats_slices WHERE period <> '' ORDER BY 1"
        return [r["period"] for r in analytics.q(sql)]
    if (
        not analytics.has("graph_edges")
        or ("graph_edges", "last_occurred_at") not in analytics.columns
    ):
        return []
    sql = """SELECT DISTINCT year(last_occurred_at)::VARCHAR AS y FROM graph_edges
             WHERE weight > 0 AND last_occurred_at IS NOT NULL ORDER BY 1"""
    return [r["y"] for r in analytics.q(sql)]


def _kind_rule(kind: str) -> str:
    return {
        "person": "n.kind = 'person'",
        "vehicle": "n.node_id LIKE 'vehicle:%'",
        "phone": "n.node_id LIKE 'phone:%'",
        "place": "n.kind = 'place'",
    }.get(kind, "true")


def _edges_query(analytics: Analytics, filters: Filters) -> str:
    """`graph_edges` narrowed to the filters, as a parenthesised query (values checked first).

    A link is in a year when it began (first occurred, else first available) on or before the
    year's end and was last seen on or after its start — the rule of `graph_stats_slices`.
    """
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
    if filters.year:
        if not filters.year.isdigit():
            return "(SELECT * FROM graph_edges WHERE false)"
        year = int(filters.year)
        rules.append(f"{began} < DATE '{year + 1:04d}-01-01'")
        rules.append(f"last_occurred_at >= DATE '{year:04d}-01-01'")
    return f"(SELECT * FROM graph_edges WHERE {' AND '.join(rules) or 'true'})"  # noqa: S608


def ranking(analytics: Analytics, filters: Filters, page: int = 1) -> Ranking:
    if not analytics.has("graph_edges") or not analytics.has("graph_nodes"):
        return Ranking([], 0, False)
    sort = filters.sort if filters.sort in MEASURES else "weighted_degree"
    direction = "DESC" if filters.descending else "ASC"
    offset = (max(1, page) - 1) * PAGE_SIZE
    cursor = analytics.cursor()
    params: list[Any] = []
    registered = ""
    if filters.sliced and analytics.has("graph_stats_slices"):
        source, recomputed = (
            "(SELECT * FROM graph_stats_slices WHERE link_kind = ? AND period = ?)",
            False,
        )
        params = [filters.link, filters.year]
        has_estimated = ("graph_stats_slices", "estimated") in analytics.columns
    elif filters.sliced or not analytics.has("graph_stats"):
        registered = f"wb_stats_{threading.get_ident()}"
        cursor.register(registered, _live_stats(analytics, filters))
        source, recomputed, has_estimated = registered, True, True
    else:
        source, recomputed = "graph_stats", False
        has_estimated = ("graph_stats", "estimated") in analytics.columns
    estimated = "s.estimated" if has_estimated else "false"
    try:
        where = f"s.degree > 0 AND {_kind_rule(filters.kind)}"
        sql = f"""
            SELECT s.node_id, n.kind, n.label, a.kind AS person_kind, a.band,
                   s.degree, s.weighted_degree, s.betweenness, s.closeness, s.eigenvector,
                   {estimated} AS estimated, count(*) OVER () AS total,
                   bool_or({estimated}) OVER () AS any_estimated
            FROM {source} s JOIN graph_nodes n USING (node_id)
            LEFT JOIN assessments a ON a.person_id = s.node_id
            WHERE {where}
            ORDER BY s.{sort} {direction}, s.node_id
            LIMIT {PAGE_SIZE} OFFSET {offset}
        """  # noqa: S608 - sort, direction and kind are checked against fixed lists
        rows = _rows(cursor.execute(sql, params))
    finally:
        if registered:
            cursor.unregister(registered)
    total = int(rows[0]["total"]) if rows else 0
    for row in rows:
        row["thing"] = row["node_id"].split(":", 1)[0] if row["kind"] == "thing" else ""
    # a person by the name their own page shows: the graph's label is one record's spelling,
    # casing and all ("LUCY Chaudhry", "Erin POPESCU" in the demo)
    people = analytics.people([r["node_id"] for r in rows if r["kind"] == "person"])
    for row in rows:
        if row["node_id"] in people:
            row["label"] = people[row["node_id"]].name
    return Ranking(
        rows,
        total,
        recomputed,
        sliced=filters.sliced,
        estimated=bool(rows and rows[0]["any_estimated"]),
    )


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
