"""Centrality of every node, precomputed into `graph_stats` and `graph_stats_slices` (issue 9).

Over the weighted, undirected graph of non-routine links (parallel links of different kinds
summed):

- `degree` — distinct linked nodes; `weighted_degree` — sum of link weights;
- `betweenness` — shortest-path betweenness, path cost per hop `1 + 1/(1 + weight)` (fewest
  hops first, stronger links preferred);
- `closeness` — harmonic closeness on the same costs (defined on a disconnected graph),
  normalised by the number of nodes in the graph less one;
- `eigenvector` — eigenvector centrality on the weights, per connected component (each
  component's most central node scores 1).

**Exact where it can be, estimated where it cannot.** Shortest paths never leave a connected
component, so each component is measured on its own: every component of at most `EXACT_LIMIT`
nodes exactly (a county's graph is mostly small components), and a larger one — the county's
giant component — from `SAMPLE_SOURCES` source nodes drawn at random with a fixed seed
(Brandes & Pich, "Centrality estimation in large networks", 2007): betweenness is the sampled
sources' dependencies scaled by `component size / sources`, and harmonic closeness the mean of
`1 / distance` from the sampled sources scaled to the component. Both estimates are unbiased;
their error against the exact figures on a mid-sized component is measured by `bench/graph.py`
and checked by a test. Rows of an estimated component carry `estimated = true`.

**Slices** (`graph_stats_slices`): the same measures over the links of one kind, over the links
active in one calendar year (an edge is active in a year when it began — first occurred, else
first available — on or before the year's end and was last seen on or after its start; links
known only from person records, with no date, are in no year), and over one kind in one year.
The most-connected page reads them instead of recomputing. Only linked nodes (`degree > 0`)
have rows.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from dataclasses import dataclass

import duckdb
import igraph as ig
import numpy as np
import pyarrow as pa

from lantern.store.connection import table_exists
from lantern.store.steps import create_table

EXACT_LIMIT = 2_500
SAMPLE_SOURCES = 256
SEED = 9
BATCH = 4_000
POWER_LIMIT = 12  # components up to this size: eigenvector by power iteration, all at once
MAX_YEARS = 30  # slices for at most the last 30 years with dated links


@dataclass(frozen=True)
class Links:
    """The non-routine links as arrays: node ids, and per link its ends, kind, weight, years."""

    names: list[str]
    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray
    kind: np.ndarray  # index into `kinds`
    kinds: list[str]
    began: np.ndarray  # year; -1 when unknown
    last: np.ndarray  # year; -1 when unknown


def load_links(con: duckdb.DuckDBPyConnection, *, edges: str = "graph_edges") -> Links:
    """Every node of `graph_nodes` (and any edge end missing from it) and the weighted links."""
    columns = {
        r[0]
        for r in con.execute(f"SELECT * FROM {edges} LIMIT 0").description or []  # noqa: S608
    }
    began = "first_available_at" if "first_available_at" in columns else "NULL::TIMESTAMP"
    if "first_occurred_at" in columns:
        began = f"coalesce(first_occurred_at, {began})"
    last = "last_occurred_at" if "last_occurred_at" in columns else "NULL::TIMESTAMP"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE centrality_links AS
        SELECT src, dst, kind, weight, coalesce(year({began}), -1) AS began,
               coalesce(year({last}), -1) AS last
        FROM {edges} WHERE weight > 0
        """  # noqa: S608
    )
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE centrality_ids AS
            SELECT node_id, (row_number() OVER (ORDER BY node_id) - 1)::BIGINT AS i
            FROM (SELECT node_id FROM graph_nodes UNION SELECT src FROM centrality_links
                  UNION SELECT dst FROM centrality_links)
            """
        )
        names = [
            n for (n,) in con.execute("SELECT node_id FROM centrality_ids ORDER BY i").fetchall()
        ]
        kinds = [
            k
            for (k,) in con.execute(
                "SELECT DISTINCT kind FROM centrality_links ORDER BY 1"
            ).fetchall()
        ]
        rows = con.execute(
            """
            SELECT least(s.i, d.i) AS a, greatest(s.i, d.i) AS b, l.weight, l.kind, l.began, l.last
            FROM centrality_links l JOIN centrality_ids s ON s.node_id = l.src
            JOIN centrality_ids d ON d.node_id = l.dst
            WHERE s.i <> d.i
            """
        ).fetchnumpy()
    finally:
        con.execute("DROP TABLE IF EXISTS centrality_links")
        con.execute("DROP TABLE IF EXISTS centrality_ids")
    code = {k: i for i, k in enumerate(kinds)}
    return Links(
        names=names,
        a=np.asarray(rows["a"], dtype=np.int64),
        b=np.asarray(rows["b"], dtype=np.int64),
        weight=np.asarray(rows["weight"], dtype=np.float64),
        kind=np.array([code[k] for k in rows["kind"]], dtype=np.int64),
        kinds=kinds,
        began=np.asarray(rows["began"], dtype=np.int64),
        last=np.asarray(rows["last"], dtype=np.int64),
    )


@dataclass(frozen=True)
class Measures:
    """One value per vertex of a graph, in vertex order."""

    degree: np.ndarray
    weighted_degree: np.ndarray
    betweenness: np.ndarray
    closeness: np.ndarray
    eigenvector: np.ndarray
    component: np.ndarray
    component_size: np.ndarray
    estimated: np.ndarray


class Carry:
    """Centrality carried from run to run (an incremental run, issue 21): a component's figures
    depend on its own nodes and links alone, so a component with the same nodes (by id) and the
    same links and weights as one an earlier run measured has the figures that run stored
    (`graph_stats_state`, by the component's fingerprint). Only new and changed components are
    measured: a day's delta touches few of a county's components. Closeness is stored as the
    sum of inverse distances and divided by the graph's node count afresh; the eigenvector of a
    component of at most `POWER_LIMIT` nodes is always computed again (one power iteration for
    all of them, cheap, and its convergence is shared). A component of one node has nothing to
    carry.

    `scope` keeps the graph's components and each slice's apart (`_slice_table`)."""

    def __init__(self, names: list[str], stored: dict[str, tuple[np.ndarray, ...]]) -> None:
        self.names = names  # vertex index -> node id, for the vertices of the current graph
        self.stored = stored  # fingerprint -> (betweenness, harmonic, eigenvector) in node order
        self.scope = ""
        self.vertices: np.ndarray | None = None  # the current graph's vertex -> index in names
        self.fingerprints: dict[int, str] = {}
        self.kept: dict[str, tuple[list[str], np.ndarray, np.ndarray, np.ndarray]] = {}
        self.carried = 0
        self.measured = 0

    def _name(self, vertex: int) -> str:
        return self.names[vertex if self.vertices is None else int(self.vertices[vertex])]

    def fill(
        self,
        membership: np.ndarray,
        sizes: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
        weight: np.ndarray,
        betweenness: np.ndarray,
        harmonic: np.ndarray,
        eigen: np.ndarray,
    ) -> np.ndarray:
        """Fingerprint every component of two or more nodes and fill the figures of those
        stored; returns which components were filled."""
        order = np.argsort(membership[a], kind="stable")  # the links, component by component
        link_comp = membership[a][order]
        starts = np.searchsorted(link_comp, np.arange(len(sizes)))
        ends = np.searchsorted(link_comp, np.arange(len(sizes)), side="right")
        vorder = np.argsort(membership, kind="stable")
        vstarts = np.searchsorted(membership[vorder], np.arange(len(sizes)))
        known = np.zeros(len(sizes), dtype=bool)
        self.fingerprints = {}
        for component in np.flatnonzero(sizes > 1):
            members = vorder[vstarts[component] : vstarts[component] + sizes[component]]
            links = order[starts[component] : ends[component]]
            digest = hashlib.sha1(self.scope.encode(), usedforsecurity=False)
            digest.update("\x1f".join(self._name(int(v)) for v in members).encode())
            digest.update(
                "\x1e".join(
                    f"{self._name(int(a[i]))}\x1f{self._name(int(b[i]))}\x1f{weight[i]!r}"
                    for i in links
                ).encode()
            )
            fingerprint = digest.hexdigest()
            self.fingerprints[int(component)] = fingerprint
            found = self.stored.get(fingerprint)
            if found is not None and len(found[0]) == len(members):
                betweenness[members], harmonic[members] = found[0], found[1]
                if sizes[component] > POWER_LIMIT:
                    eigen[members] = found[2]
                known[component] = True
        self.carried += int(known.sum())
        self.measured += int((sizes > 1).sum() - known.sum())
        return known

    def keep(
        self,
        membership: np.ndarray,
        sizes: np.ndarray,
        betweenness: np.ndarray,
        harmonic: np.ndarray,
        eigen: np.ndarray,
    ) -> None:
        """Keep every fingerprinted component's figures for the next run (`rows`)."""
        vorder = np.argsort(membership, kind="stable")
        vstarts = np.searchsorted(membership[vorder], np.arange(len(sizes)))
        for component, fingerprint in self.fingerprints.items():
            members = vorder[vstarts[component] : vstarts[component] + sizes[component]]
            self.kept[fingerprint] = (
                [self._name(int(v)) for v in members],
                betweenness[members],
                harmonic[members],
                eigen[members],
            )

    def rows(self) -> pa.Table:
        fingerprints, nodes, between, near, eigen = [], [], [], [], []
        for fingerprint, (names, b, h, e) in self.kept.items():
            fingerprints += [fingerprint] * len(names)
            nodes += names
            between.append(b)
            near.append(h)
            eigen.append(e)
        joined = {
            "betweenness": between,
            "harmonic": near,
            "eigenvector": eigen,
        }
        return pa.table(
            {
                "fingerprint": pa.array(fingerprints, pa.string()),
                "node_id": pa.array(nodes, pa.string()),
                **{
                    name: pa.array(np.concatenate(parts) if parts else np.zeros(0), pa.float64())
                    for name, parts in joined.items()
                },
            }
        )


STATE_TABLE = "graph_stats_state"


def read_carry(con: duckdb.DuckDBPyConnection, names: list[str]) -> Carry:
    """The figures the last run stored (`graph_stats_state`), none when it stored none."""
    if not table_exists(con, STATE_TABLE):
        return Carry(names, {})
    rows = con.execute(
        f"SELECT fingerprint, betweenness, harmonic, eigenvector FROM {STATE_TABLE} "  # noqa: S608
        "ORDER BY fingerprint, node_id"
    ).fetchnumpy()
    fingerprints = np.asarray(rows["fingerprint"], dtype=object)
    stored: dict[str, tuple[np.ndarray, ...]] = {}
    if len(fingerprints):
        cuts = np.flatnonzero(fingerprints[1:] != fingerprints[:-1]) + 1
        starts = np.r_[0, cuts]
        ends = np.r_[cuts, len(fingerprints)]
        for start, end in zip(starts, ends, strict=True):
            stored[str(fingerprints[start])] = tuple(
                np.asarray(rows[c][start:end], dtype=np.float64)
                for c in ("betweenness", "harmonic", "eigenvector")
            )
    return Carry(names, stored)


def measure(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    weight: np.ndarray,
    *,
    nodes_in_graph: int | None = None,
    exact_limit: int = EXACT_LIMIT,
    sources: int = SAMPLE_SOURCES,
    carry: Carry | None = None,
) -> Measures:
    """The measures of `n` vertices joined by links `a[i]`–`b[i]` (parallel links are summed).

    Closeness is normalised by `nodes_in_graph - 1` (default `n - 1`). `carry`: the figures of
    components measured by an earlier run, by fingerprint (`Carry`); a component found there is
    not measured again, and every component's figures are put in it for the next run.
    """
    a, b, weight = _merge_parallel(n, a, b, weight)
    g = ig.Graph(n=n, edges=np.column_stack([a, b]).tolist() if len(a) else [])
    g.es["weight"] = weight.tolist()
    g.es["cost"] = (1.0 + 1.0 / (1.0 + weight)).tolist()
    degree = np.asarray(g.degree(), dtype=np.int64)
    strength = np.bincount(a, weight, minlength=n) + np.bincount(b, weight, minlength=n)
    membership = np.asarray(g.connected_components().membership if n else [], dtype=np.int64)
    sizes = np.bincount(membership, minlength=1) if n else np.zeros(0, dtype=np.int64)
    size_of = sizes[membership] if n else np.zeros(0, dtype=np.int64)
    betweenness = np.zeros(n)
    harmonic = np.zeros(n)  # sum of 1 / distance to every other node
    eigen = np.zeros(n)
    estimated = np.zeros(n, dtype=bool)

    estimated[size_of > exact_limit] = True
    # Components an earlier run measured (the same nodes and links): their figures as stored.
    known = (
        carry.fill(membership, sizes, a, b, weight, betweenness, harmonic, eigen) if carry else None
    )
    to_measure = sizes if known is None else np.where(known, 0, sizes)
    for batch in _batches(membership, to_measure, exact_limit):
        sub = g.induced_subgraph(batch.tolist())
        betweenness[batch] = sub.betweenness(directed=False, weights="cost")
        harmonic[batch] = sub.harmonic_centrality(weights="cost", normalized=False)
    for component in np.flatnonzero(to_measure > exact_limit):
        members = np.flatnonzero(membership == component)
        sub = g.induced_subgraph(members.tolist())
        between, near = _sampled(sub, sources)
        betweenness[members] = between
        harmonic[members] = near

    eigen[size_of == 2] = 1.0  # two nodes joined by one link: each the top of its component
    power = np.flatnonzero((size_of > 2) & (size_of <= POWER_LIMIT))
    if len(power):
        eigen[power] = _power_eigenvector(power, membership, a, b, weight, n)
    for component in np.flatnonzero(to_measure > POWER_LIMIT):
        members = np.flatnonzero(membership == component)
        sub = g.induced_subgraph(members.tolist())
        with warnings.catch_warnings():  # igraph warns on near-zero scores (stars, bipartite parts)
            warnings.simplefilter("ignore", RuntimeWarning)
            eigen[members] = sub.eigenvector_centrality(weights="weight", scale=True)
    if carry is not None:
        carry.keep(membership, sizes, betweenness, harmonic, eigen)

    others = (nodes_in_graph or n) - 1
    return Measures(
        degree=degree,
        weighted_degree=strength,
        betweenness=betweenness,
        closeness=harmonic / others if others > 0 else harmonic,
        eigenvector=eigen,
        component=membership,
        component_size=size_of,
        estimated=estimated,
    )


def _batches(membership: np.ndarray, sizes: np.ndarray, limit: int) -> list[np.ndarray]:
    """The vertices of components of 2 to `limit` nodes, whole components in batches of about
    `BATCH` vertices (igraph's shortest paths clear an array the size of the graph per source, so
    one graph of a hundred thousand small components costs far more than many small graphs)."""
    small = np.flatnonzero((sizes > 1) & (sizes <= limit))
    if not len(small):
        return []
    vertices = np.flatnonzero(np.isin(membership, small))
    vertices = vertices[np.argsort(membership[vertices], kind="stable")]
    comp = membership[vertices]
    ends = np.flatnonzero(np.r_[comp[1:] != comp[:-1], True]) + 1  # after each component
    batches: list[np.ndarray] = []
    start, cut = 0, BATCH
    for end in (int(e) for e in ends):
        if end >= cut or end == len(vertices):
            batches.append(np.sort(vertices[start:end]))  # induced_subgraph keeps vertex order
            start, cut = end, end + BATCH
    return batches


def _merge_parallel(
    n: int, a: np.ndarray, b: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One link per pair (`a < b`), its weight the sum of the pair's links."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keys, inverse = np.unique(lo * max(n, 1) + hi, return_inverse=True)
    summed = np.bincount(inverse, weight, minlength=len(keys))
    return keys // max(n, 1), keys % max(n, 1), summed


def _sampled(g: ig.Graph, sources: int) -> tuple[np.ndarray, np.ndarray]:
    """Betweenness and harmonic sums of a connected graph, estimated from sampled sources."""
    n = g.vcount()
    k = min(n, sources)
    chosen = np.sort(np.random.default_rng(SEED).choice(n, size=k, replace=False))
    between = np.asarray(
        g.betweenness(directed=False, weights="cost", sources=chosen.tolist(), targets=None)
    ) * (n / k)
    inverse = np.zeros(n)  # sum over the sources of 1 / distance, a source not to itself
    for first in range(0, k, 32):  # 32 sources at a time
        block = chosen[first : first + 32]
        distance = np.asarray(g.distances(source=block.tolist(), weights="cost"))
        distance[np.arange(len(block)), block] = np.inf
        inverse += (1.0 / distance).sum(axis=0)
    own = np.isin(np.arange(n), chosen)
    others = np.where(own, k - 1, k)  # sources other than the node itself
    harmonic = np.divide(inverse * (n - 1), others, where=others > 0, out=np.zeros(n))
    return between, harmonic


def _power_eigenvector(
    vertices: np.ndarray,
    membership: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    weight: np.ndarray,
    n: int,
) -> np.ndarray:
    """Eigenvector centrality of many small components at once, by power iteration.

    Iterates `x <- (A + I) x` (the identity keeps bipartite components from oscillating; the
    leading eigenvector is the same), scaling each component so its top node is 1.
    """
    local = np.full(n, -1, dtype=np.int64)
    local[vertices] = np.arange(len(vertices))
    keep = (local[a] >= 0) & (local[b] >= 0)
    la, lb, w = local[a[keep]], local[b[keep]], weight[keep]
    comp = membership[vertices]
    _, group = np.unique(comp, return_inverse=True)
    m = len(vertices)
    x = np.ones(m)
    for _ in range(5_000):
        y = x + np.bincount(la, w * x[lb], minlength=m) + np.bincount(lb, w * x[la], minlength=m)
        y = y / np.sqrt(np.bincount(group, y * y))[group]  # unit length per component
        done = np.max(np.abs(y - x)) < 1e-11
        x = y
        if done:
            break
    top = np.zeros(group.max() + 1)
    np.maximum.at(top, group, x)
    return x / top[group]


def compute(con: duckdb.DuckDBPyConnection, *, edges: str = "graph_edges") -> pa.Table:
    """Centralities over `edges` (a table, or a parenthesised query over `graph_edges`)."""
    links = load_links(con, edges=edges)
    return _table(links.names, measure(len(links.names), links.a, links.b, links.weight))


def _table(names: list[str], m: Measures, **constant: str) -> pa.Table:
    columns = {
        name: pa.array([value] * len(names), pa.string()) for name, value in constant.items()
    }
    return pa.table(
        {
            **columns,
            "node_id": pa.array(names, pa.string()),
            "degree": pa.array(m.degree, pa.int64()),
            "weighted_degree": pa.array(m.weighted_degree, pa.float64()),
            "betweenness": pa.array(m.betweenness, pa.float64()),
            "closeness": pa.array(m.closeness, pa.float64()),
            "eigenvector": pa.array(m.eigenvector, pa.float64()),
            "component": pa.array(m.component, pa.int64()),
            "component_size": pa.array(m.component_size, pa.int64()),
            "estimated": pa.array(m.estimated, pa.bool_()),
        }
    )


def slices(links: Links) -> list[tuple[str, str, np.ndarray]]:
    """(link kind or '', year or '', which links) for every slice worth a row."""
    dated = links.last >= 0
    years: list[int] = []
    if dated.any():
        first = int(links.began[dated & (links.began >= 0)].min(initial=links.last[dated].min()))
        final = int(links.last[dated].max())
        years = list(range(max(first, final - MAX_YEARS + 1), final + 1))
    every = np.ones(len(links.a), dtype=bool)
    out: list[tuple[str, str, np.ndarray]] = []
    for k, kind in [(-1, "")] + list(enumerate(links.kinds)):
        of_kind = every if k < 0 else links.kind == k
        if k >= 0:
            out.append((kind, "", of_kind))
        for year in years:
            active = of_kind & dated & (links.began <= year) & (links.last >= year)
            if active.any():
                out.append((kind, str(year), active))
    return out


def _slice_table(
    links: Links, kind: str, year: str, chosen: np.ndarray, carry: Carry | None = None
) -> pa.Table:
    a, b = links.a[chosen], links.b[chosen]
    vertices, local = np.unique(np.concatenate([a, b]), return_inverse=True)
    if carry is not None:
        carry.scope, carry.vertices = f"{kind}|{year}", vertices
    m = measure(
        len(vertices),
        local[: len(a)],
        local[len(a) :],
        links.weight[chosen],
        nodes_in_graph=len(links.names),
        carry=carry,
    )
    return _table([links.names[v] for v in vertices], m, link_kind=kind, period=year)


def build_stats(
    con: duckdb.DuckDBPyConnection, *, with_slices: bool = True, carry: bool = False
) -> dict[str, float]:
    """Write `graph_stats` (one row per node) and `graph_stats_slices` (per link kind and year),
    and every component's figures for the next run (`graph_stats_state`, `Carry`). `carry` (an
    incremental run): a component the last run measured, unchanged, is not measured again.

    Returns the seconds each part took.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    links = load_links(con)
    kept = read_carry(con, links.names) if carry else Carry(links.names, {})
    seconds["load"] = time.perf_counter() - started
    table = _table(
        links.names, measure(len(links.names), links.a, links.b, links.weight, carry=kept)
    )
    seconds["graph_stats"] = time.perf_counter() - started - seconds["load"]
    con.register("graph_stats_arrow", table)
    try:
        create_table(
            con,
            "graph_stats",
            """
            SELECT n.node_id, n.kind, n.subkind, n.label, s.degree, s.weighted_degree,
                   s.betweenness, s.closeness, s.eigenvector, s.component, s.component_size,
                   n.signal_child, n.linked_signal_children, n.routine, s.estimated
            FROM graph_nodes n JOIN graph_stats_arrow s USING (node_id)
            ORDER BY n.node_id
            """,
        )
    finally:
        con.unregister("graph_stats_arrow")
    seconds["write graph_stats"] = time.perf_counter() - started - sum(seconds.values())
    if not with_slices:
        _write_carry(con, kept)
        return seconds
    parts = [_slice_table(links, kind, year, chosen, kept) for kind, year, chosen in slices(links)]
    empty = _table(
        [], measure(0, *(np.zeros(0, dtype=np.int64),) * 2, np.zeros(0)), link_kind="", period=""
    )
    combined = pa.concat_tables(parts) if parts else empty
    seconds["slices"] = time.perf_counter() - started - sum(seconds.values())
    con.register("graph_stats_slices_arrow", combined)
    try:
        create_table(
            con,
            "graph_stats_slices",
            """
            SELECT link_kind, period, node_id, degree, weighted_degree, betweenness, closeness,
                   eigenvector, component_size, estimated
            FROM graph_stats_slices_arrow ORDER BY link_kind, period, node_id
            """,
        )
    finally:
        con.unregister("graph_stats_slices_arrow")
    seconds["write slices"] = time.perf_counter() - started - sum(seconds.values())
    _write_carry(con, kept)
    seconds["write state"] = time.perf_counter() - started - sum(seconds.values())
    return {k: round(v, 2) for k, v in seconds.items()}


def _write_carry(con: duckdb.DuckDBPyConnection, carry: Carry) -> None:
    con.register("graph_stats_state_arrow", carry.rows())
    try:
        create_table(con, STATE_TABLE, "SELECT * FROM graph_stats_state_arrow")
    finally:
        con.unregister("graph_stats_state_arrow")
