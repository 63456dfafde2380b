"""The association graph as an igraph `Graph`, for centrality and paths.

One undirected vertex per node and one edge per linked pair (parallel edges of
different kinds are summed). By default only edges with weight > 0 are used:
routine contact (professionals, carers, the school run) carries no weight and
would otherwise make every social worker the centre of the county.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import igraph as ig
import numpy as np


@dataclass(frozen=True)
class GraphView:
    graph: ig.Graph
    names: list[str]
    index: dict[str, int]

    def vertex(self, node_id: str) -> int | None:
        return self.index.get(node_id)


def load_view(
    con: duckdb.DuckDBPyConnection, *, include_routine: bool = False, edges: str = "graph_edges"
) -> GraphView:
    where = "" if include_routine else "WHERE weight > 0"
    # Vertex numbers are given by DuckDB (every node in node_id order, then any edge end that
    # is not a node: an as-of edge table without its nodes still loads), and the pairs come back
    # as arrays: no Python loop per edge.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE view_pairs AS
        SELECT least(src, dst) AS a, greatest(src, dst) AS b, sum(weight)::DOUBLE AS weight
        FROM {edges} {where} GROUP BY ALL
        """  # noqa: S608
    )
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE view_ids AS
            WITH ends AS (SELECT a AS node_id FROM view_pairs UNION SELECT b FROM view_pairs),
            extra AS (SELECT node_id FROM ends EXCEPT SELECT node_id FROM graph_nodes),
            ordered AS (SELECT node_id, 0 AS part FROM graph_nodes
                        UNION ALL SELECT node_id, 1 FROM extra)
            SELECT node_id, (row_number() OVER (ORDER BY part, node_id) - 1)::BIGINT AS i
            FROM ordered
            """
        )
        names = [n for (n,) in con.execute("SELECT node_id FROM view_ids ORDER BY i").fetchall()]
        pairs = con.execute(
            """
            SELECT x.i AS a, y.i AS b, p.weight
            FROM view_pairs p JOIN view_ids x ON x.node_id = p.a JOIN view_ids y ON y.node_id = p.b
            ORDER BY p.a, p.b
            """
        ).fetchnumpy()
    finally:
        con.execute("DROP TABLE IF EXISTS view_pairs")
        con.execute("DROP TABLE IF EXISTS view_ids")
    index = {name: i for i, name in enumerate(names)}
    a, b = np.asarray(pairs["a"], dtype=np.int64), np.asarray(pairs["b"], dtype=np.int64)
    weight = np.asarray(pairs["weight"], dtype=np.float64)
    graph = ig.Graph(n=len(names), edges=np.column_stack([a, b]).tolist() if len(a) else [])
    graph.es["weight"] = weight.tolist()
    # A path's cost per hop: one, plus less for a stronger link (so hop count comes first).
    graph.es["cost"] = (1.0 + 1.0 / (1.0 + weight)).tolist()
    return GraphView(graph=graph, names=names, index=index)
