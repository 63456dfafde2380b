"""Find the path: how is this man connected to this girl? (issue 9)

`find_paths` returns the shortest and next-shortest simple paths between two
nodes (Yen's k-shortest paths in igraph over the per-hop cost
`1 + 1/(1 + weight)`, so fewer hops first and stronger links preferred), each
hop with every edge between its two ends and their evidence records and dates.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass

import duckdb

from lantern.errors import UserError
from lantern.graph.igraph_view import GraphView, load_view


@dataclass(frozen=True)
class HopLink:
    kind: str
    weight: float
    first_available_at: str
    last_occurred_at: str
    n_events: int
    evidence: list[dict]


@dataclass(frozen=True)
class Hop:
    src: str
    dst: str
    src_label: str
    dst_label: str
    links: list[HopLink]


@dataclass(frozen=True)
class Path:
    nodes: list[str]
    cost: float
    hops: list[Hop]


def resolve_node(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """A node id from a node id, a person id or a record id (`agency:ref`)."""
    found = con.execute("SELECT node_id FROM graph_nodes WHERE node_id = ?", [name]).fetchall()
    if found:
        return name
    person = con.execute("SELECT person_id FROM persons WHERE record_id = ?", [name]).fetchall()
    if person:
        pid = person[0][0]
        if con.execute("SELECT 1 FROM graph_nodes WHERE node_id = ?", [pid]).fetchall():
            return str(pid)
        raise UserError(f"{name} is person {pid}, who has no links in the graph")
    raise UserError(f"{name}: no such person, thing or place in the graph")


def find_paths(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    *,
    k: int = 2,
    include_routine: bool = False,
    view: GraphView | None = None,
) -> list[Path]:
    a, b = resolve_node(con, a), resolve_node(con, b)
    view = view or load_view(con, include_routine=include_routine)
    va, vb = view.vertex(a), view.vertex(b)
    if va is None or vb is None or a == b:
        return []
    with warnings.catch_warnings():  # igraph warns when b is unreachable; that is an empty answer
        warnings.simplefilter("ignore", RuntimeWarning)
        vpaths = view.graph.get_k_shortest_paths(
            va, vb, k=k, mode="all", weights="cost", output="vpath"
        )
    paths = []
    for vpath in vpaths:
        if not vpath:
            continue
        nodes = [view.names[v] for v in vpath]
        cost = sum(
            view.graph.es[view.graph.get_eid(x, y)]["cost"]
            for x, y in zip(vpath, vpath[1:], strict=False)
        )
        paths.append(
            Path(nodes=nodes, cost=round(cost, 4), hops=_hops(con, nodes, include_routine))
        )
    return paths


def _hops(con: duckdb.DuckDBPyConnection, nodes: list[str], include_routine: bool) -> list[Hop]:
    weight_rule = "" if include_routine else "AND weight > 0"
    labels = dict(
        con.execute(
            "SELECT node_id, label FROM graph_nodes WHERE list_contains(?, node_id)", [nodes]
        ).fetchall()
    )
    hops = []
    for src, dst in zip(nodes, nodes[1:], strict=False):
        rows = con.execute(
            f"""
            SELECT kind, weight, first_available_at, last_occurred_at, n_events, evidence
            FROM graph_edges
            WHERE ((src = ? AND dst = ?) OR (src = ? AND dst = ?)) {weight_rule}
            ORDER BY weight DESC, kind
            """,  # noqa: S608
            [src, dst, dst, src],
        ).fetchall()
        links = [
            HopLink(
                kind=kind,
                weight=float(weight),
                first_available_at=str(first),
                last_occurred_at=str(last),
                n_events=int(n),
                evidence=json.loads(evidence) if isinstance(evidence, str) else list(evidence),
            )
            for kind, weight, first, last, n, evidence in rows
        ]
        hops.append(Hop(src, dst, labels.get(src, src), labels.get(dst, dst), links))
    return hops
