"""Centrality of every node, precomputed into `graph_stats` (issue 9).

Over the weighted, undirected graph of non-routine links (`igraph_view`):

- `degree` — distinct linked nodes; `weighted_degree` — sum of link weights;
- `betweenness` — shortest-path betweenness, path cost per hop
  `1 + 1/(1 + weight)` (fewest hops first, stronger links preferred). On a
  graph larger than `EXACT_LIMIT` vertices it is range-limited to paths of
  cost at most `LARGE_CUTOFF` (two to three hops), which keeps the county-scale
  figure local — the brokers between nearby groups — and computable;
- `closeness` — harmonic closeness on the same costs (defined on a
  disconnected graph), with the same cut-off on large graphs;
- `eigenvector` — eigenvector centrality on the weights, per connected
  component (each component's most central node scores 1).
"""

from __future__ import annotations

import warnings
from collections import defaultdict

import duckdb
import pyarrow as pa

from lantern.graph.igraph_view import load_view
from lantern.graph.inputs import create_table

EXACT_LIMIT = 20_000
LARGE_CUTOFF = 4.0


def compute(con: duckdb.DuckDBPyConnection, *, edges: str = "graph_edges") -> pa.Table:
    """Centralities over `edges` (a table, or a parenthesised query over `graph_edges`)."""
    view = load_view(con, edges=edges)
    g = view.graph
    n = g.vcount()
    cutoff = None if n <= EXACT_LIMIT else LARGE_CUTOFF
    degree = g.degree()
    strength = g.strength(weights="weight") if g.ecount() else [0.0] * n
    betweenness = g.betweenness(directed=False, weights="cost", cutoff=cutoff) if n else []
    closeness = g.harmonic_centrality(weights="cost", cutoff=cutoff, normalized=True) if n else []
    components = g.connected_components().membership if n else []
    eigen = [0.0] * n
    groups: dict[int, list[int]] = defaultdict(list)
    for v, c in enumerate(components):
        groups[c].append(v)
    sizes = {c: len(vs) for c, vs in groups.items()}
    for vs in groups.values():
        if len(vs) == 1:
            continue
        sub = g.induced_subgraph(vs)
        with warnings.catch_warnings():  # igraph warns on near-zero scores (stars, bipartite parts)
            warnings.simplefilter("ignore", RuntimeWarning)
            scores = sub.eigenvector_centrality(weights="weight", scale=True)
        for v, score in zip(vs, scores, strict=True):
            eigen[v] = float(score)
    return pa.table(
        {
            "node_id": pa.array(view.names, pa.string()),
            "degree": pa.array(degree, pa.int64()),
            "weighted_degree": pa.array([float(x) for x in strength], pa.float64()),
            "betweenness": pa.array([float(x) for x in betweenness], pa.float64()),
            "closeness": pa.array([float(x) for x in closeness], pa.float64()),
            "eigenvector": pa.array(eigen, pa.float64()),
            "component": pa.array(components, pa.int64()),
            "component_size": pa.array([sizes[c] for c in components], pa.int64()),
        }
    )


def build_stats(con: duckdb.DuckDBPyConnection) -> None:
    """Write `graph_stats`: one row per node with its kind, label and centralities."""
    table = compute(con)
    con.register("graph_stats_arrow", table)
    try:
        create_table(
            con,
            "graph_stats",
            """
            SELECT n.node_id, n.kind, n.subkind, n.label, s.degree, s.weighted_degree,
                   s.betweenness, s.closeness, s.eigenvector, s.component, s.component_size,
                   n.signal_child, n.linked_signal_children, n.routine
            FROM graph_nodes n JOIN graph_stats_arrow s USING (node_id)
            ORDER BY n.node_id
            """,
        )
    finally:
        con.unregister("graph_stats_arrow")
