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
    pairs = con.execute(
        f"""
        SELECT least(src, dst) AS a, greatest(src, dst) AS b, sum(weight) AS weight
        FROM {edges} {where} GROUP BY ALL ORDER BY a, b
        """  # noqa: S608
    ).fetchall()
    node_rows = con.execute("SELECT node_id FROM graph_nodes ORDER BY node_id").fetchall()
    names = [n for (n,) in node_rows]
    index = {name: i for i, name in enumerate(names)}
    for a, b, _ in pairs:  # an edge table without its nodes (an as-of table) still loads
        for name in (a, b):
            if name not in index:
                index[name] = len(names)
                names.append(name)
    graph = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b, _ in pairs])
    graph.es["weight"] = [float(w) for _, _, w in pairs]
    # A path's cost per hop: one, plus less for a stronger link (so hop count comes first).
    graph.es["cost"] = [1.0 + 1.0 / (1.0 + float(w)) for _, _, w in pairs]
    return GraphView(graph=graph, names=names, index=index)
