"""Centrality per component: exact on small components, sampled on a large one; slices."""

from __future__ import annotations

from datetime import datetime

import igraph as ig
import numpy as np
import pytest

from lantern.graph import centrality
from lantern.store.connection import connect


def _tree_like(n: int, extra: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A connected, sparse graph like a county's giant component: a random tree plus a few links."""
    rng = np.random.default_rng(seed)
    tree = ig.Graph.Barabasi(n, 1, directed=False)
    pairs = np.array(tree.get_edgelist())
    more = rng.integers(0, n, size=(extra, 2))
    more = more[more[:, 0] != more[:, 1]]
    pairs = np.vstack([pairs, more])
    weight = rng.choice([0.5, 1.0, 1.5, 3.0], size=len(pairs))
    return pairs[:, 0], pairs[:, 1], weight


def test_sampled_betweenness_and_closeness_are_close_to_exact_on_a_mid_sized_graph():
    a, b, w = _tree_like(1_500, 150, seed=3)
    exact = centrality.measure(1_500, a, b, w, exact_limit=10_000)
    estimate = centrality.measure(1_500, a, b, w, exact_limit=100, sources=256)
    assert not exact.estimated.any() and estimate.estimated.all()
    # The brokers: the exact top 10 by betweenness are mostly the estimate's top 10.
    top = set(np.argsort(-exact.betweenness)[:10])
    assert len(top & set(np.argsort(-estimate.betweenness)[:10])) >= 7
    leading = np.argsort(-exact.betweenness)[:50]
    error = np.abs(estimate.betweenness[leading] - exact.betweenness[leading])
    assert np.median(error / exact.betweenness[leading]) < 0.25
    error = np.abs(estimate.closeness - exact.closeness) / exact.closeness
    assert np.median(error) < 0.05
    # Degree, strength and eigenvector are never estimated.
    assert (estimate.degree == exact.degree).all()
    assert estimate.eigenvector == pytest.approx(exact.eigenvector)


def test_every_source_sampled_gives_the_exact_figures():
    a, b, w = _tree_like(60, 10, seed=1)
    exact = centrality.measure(60, a, b, w)
    every = centrality.measure(60, a, b, w, exact_limit=10, sources=60)
    assert every.betweenness == pytest.approx(exact.betweenness)
    assert every.closeness == pytest.approx(exact.closeness)


def test_small_components_stay_exact_beside_a_sampled_one():
    # A path a-b-c (exact: b has betweenness 1) beside a 40-node star (sampled).
    a = np.array([0, 1] + [3] * 39)
    b = np.array([1, 2] + list(range(4, 43)))
    m = centrality.measure(43, a, b, np.ones(41), exact_limit=10, sources=8)
    assert list(m.betweenness[:3]) == [0, 1, 0] and not m.estimated[:3].any()
    assert m.estimated[3:].all() and list(m.component_size[:4]) == [3, 3, 3, 40]
    # The star's hub is on every path between two leaves: 39 * 38 / 2, estimated from 8 sources.
    assert m.betweenness[3] == pytest.approx(39 * 38 / 2, rel=0.15)
    assert m.eigenvector[1] == pytest.approx(1.0) and m.eigenvector[3] == pytest.approx(1.0)


def test_components_interleaved_in_vertex_order_get_their_own_figures():
    # Two paths whose vertices interleave: 0-2-4-6 and 1-3-5; and 7-8 beside them.
    a, b = np.array([0, 2, 4, 1, 3, 7]), np.array([2, 4, 6, 3, 5, 8])
    m = centrality.measure(9, a, b, np.ones(6), exact_limit=5)
    assert list(m.betweenness) == [0, 0, 2, 1, 2, 0, 0, 0, 0]
    assert list(m.degree) == [1, 1, 2, 2, 2, 1, 1, 1, 1]
    assert m.closeness[3] == pytest.approx((2 / 1.5) / 8)
    assert m.eigenvector[3] == pytest.approx(1.0) and m.eigenvector[2] == pytest.approx(1.0)
    assert m.eigenvector[1] == pytest.approx(m.eigenvector[5]) and m.eigenvector[1] < 1


def test_eigenvector_of_many_small_components_matches_igraph():
    a, b, w = _tree_like(9, 2, seed=5)
    m = centrality.measure(9, a, b, w)
    g = ig.Graph(n=9, edges=list(zip(a.tolist(), b.tolist(), strict=True)))
    g.es["weight"] = w.tolist()
    g.simplify(combine_edges="sum")
    assert m.eigenvector == pytest.approx(g.eigenvector_centrality(weights="weight"), abs=1e-6)


@pytest.fixture
def con(store_path):
    connection = connect(store_path)
    yield connection
    connection.close()


def test_slices_per_link_kind_and_year_match_a_recompute(con):
    con.execute(
        "CREATE TABLE graph_edges (src VARCHAR, dst VARCHAR, kind VARCHAR, weight DOUBLE, "
        "first_available_at TIMESTAMP, first_occurred_at TIMESTAMP, last_occurred_at TIMESTAMP)"
    )
    rows = [
        ("man", "girl", "suspect_of", 3, 2009, 2011),
        ("man", "vehicle:AB12CDE", "with_thing", 1, 2010, 2010),
        ("vehicle:AB12CDE", "girl2", "with_thing", 1, 2010, 2010),
        ("girl", "girl2", "co_event", 1, 2012, 2012),
        ("man", "girl3", "co_event", 0, 2010, 2010),  # routine: in no slice
    ]
    for src, dst, kind, weight, began, last in rows:
        con.execute(
            "INSERT INTO graph_edges VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                src,
                dst,
                kind,
                weight,
                datetime(began, 3, 1),
                datetime(began, 2, 1),
                datetime(last, 5, 1),
            ],
        )
    con.execute(
        "CREATE TABLE graph_nodes AS SELECT DISTINCT node_id, 'person' AS kind, 'adult' AS subkind, "
        "node_id AS label, false AS signal_child, 0 AS linked_signal_children, false AS routine "
        "FROM (SELECT src AS node_id FROM graph_edges UNION SELECT dst FROM graph_edges)"
    )
    centrality.build_stats(con)
    got = {
        (k, p, n): (d, bt)
        for k, p, n, d, bt in con.execute(
            "SELECT link_kind, period, node_id, degree, betweenness FROM graph_stats_slices"
        ).fetchall()
    }
    # with_thing only: man - car - girl2, the car between them.
    assert got[("with_thing", "", "vehicle:AB12CDE")] == (2, 1.0)
    # 2010: suspect_of (2009-2011) and both with_thing links; not the 2012 link.
    assert got[("", "2010", "man")] == (2, pytest.approx(2.0))
    assert ("", "2010", "girl3") not in got and ("co_event", "2010", "girl") not in got
    assert got[("co_event", "2012", "girl")] == (1, 0.0)
    periods = {p for (_, p, _) in got}
    assert periods == {"", "2009", "2010", "2011", "2012"}
    # Closeness is normalised by the whole graph's nodes less one, as in graph_stats.
    [(closeness,)] = con.execute(
        "SELECT closeness FROM graph_stats_slices WHERE link_kind = 'with_thing' AND period = '' "
        "AND node_id = 'vehicle:AB12CDE'"
    ).fetchall()
    assert closeness == pytest.approx((2 / 1.5) / 4)


def test_a_recompute_over_a_filtered_query_on_a_read_only_store_matches_the_slice(store_path):
    con = connect(store_path)
    con.execute(
        "CREATE TABLE graph_edges AS SELECT * FROM (VALUES ('a', 'b', 'co_event', 1.0), "
        "('b', 'c', 'co_event', 1.0), ('c', 'd', 'with_thing', 2.0), ('d', 'a', 'co_event', 0.5)) "
        "AS t(src, dst, kind, weight)"
    )
    con.execute(
        "CREATE TABLE graph_nodes AS SELECT DISTINCT node_id, 'person' AS kind, 'adult' AS subkind, "
        "node_id AS label, false AS signal_child, 0 AS linked_signal_children, false AS routine "
        "FROM (SELECT src AS node_id FROM graph_edges UNION SELECT dst FROM graph_edges)"
    )
    centrality.build_stats(con)
    sliced = con.execute(
        "SELECT node_id, degree, betweenness, closeness FROM graph_stats_slices "
        "WHERE link_kind = 'co_event' AND period = '' ORDER BY node_id"
    ).fetchall()
    con.close()
    import duckdb

    reader = duckdb.connect(str(store_path), read_only=True)
    table = centrality.compute(
        reader.cursor(), edges="(SELECT * FROM graph_edges WHERE kind = 'co_event')"
    )
    live = sorted(
        (r["node_id"], r["degree"], r["betweenness"], r["closeness"])
        for r in table.to_pylist()
        if r["degree"] > 0
    )
    reader.close()
    assert live == [(n, d, pytest.approx(b), pytest.approx(c)) for n, d, b, c in sliced]
    assert [n for n, *_ in sliced] == ["a", "b", "c", "d"]


def _random_graph_edges(con, seed: int, nodes: int, links: int) -> None:
    """`graph_edges` and `graph_nodes` of a county-like graph: many small components and a
    large one (sampled when `EXACT_LIMIT` is lowered), several kinds and years."""
    rng = np.random.default_rng(seed)
    con.execute(
        "CREATE OR REPLACE TABLE graph_edges (src VARCHAR, dst VARCHAR, kind VARCHAR, "
        "weight DOUBLE, first_available_at TIMESTAMP, first_occurred_at TIMESTAMP, "
        "last_occurred_at TIMESTAMP)"
    )
    rows = []
    for _ in range(links):
        hub = rng.random() < 0.4  # a giant component around node 0..9
        x = int(rng.integers(0, 10)) if hub else int(rng.integers(10, nodes))
        y = int(rng.integers(10, nodes)) if hub else x + int(rng.integers(1, 4))
        began = int(rng.integers(2008, 2012))
        rows.append((f"p{x:05d}", f"p{y:05d}", str(rng.choice(["co_event", "with_thing"])),
                     float(rng.choice([0.0, 0.5, 1.0, 3.0])), datetime(began, 1, 1),
                     datetime(began, 2, 1), datetime(began + int(rng.integers(0, 3)), 6, 1)))  # fmt: skip
    con.executemany("INSERT INTO graph_edges VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        "CREATE OR REPLACE TABLE graph_nodes AS SELECT DISTINCT node_id, 'person' AS kind, "
        "'adult' AS subkind, node_id AS label, false AS signal_child, "
        "0 AS linked_signal_children, false AS routine "
        "FROM (SELECT src AS node_id FROM graph_edges UNION SELECT dst FROM graph_edges)"
    )


def _stats(con) -> dict[str, list]:
    return {
        table: [
            tuple(round(v, 9) if isinstance(v, float) else v for v in row)
            for row in con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()  # noqa: S608
        ]
        for table in ("graph_stats", "graph_stats_slices", "graph_stats_state")
    }


def test_carried_components_give_the_figures_of_a_measure_of_everything(con, monkeypatch):
    """An incremental run measures only components whose nodes or links changed (a new link,
    a new weight, a renamed node) and carries the rest, in the graph and in every slice; the
    tables equal a measure of everything, the sampled large component included."""
    monkeypatch.setitem(centrality.measure.__kwdefaults__, "exact_limit", 40)  # one sampled
    measured = []
    original = centrality.Carry.fill

    def counting(self, *args):  # type: ignore[no-untyped-def]
        known = original(self, *args)
        measured.append((int(known.sum()), len(self.fingerprints)))
        return known

    monkeypatch.setattr(centrality.Carry, "fill", counting)
    _random_graph_edges(con, seed=4, nodes=400, links=500)
    centrality.build_stats(con)
    assert all(carried == 0 for carried, _ in measured)
    assert con.execute("SELECT bool_or(estimated) FROM graph_stats").fetchall() == [(True,)]
    # the day's changes: a new link between two small components, a weight changed, a node
    # renamed (a merge), a new node
    con.execute(
        "INSERT INTO graph_edges VALUES ('p00100', 'p00200', 'co_event', 1.0, "
        "'2011-01-01', '2011-01-01', '2011-06-01'), ('p00300', 'p09999', 'with_thing', 2.0, "
        "'2011-01-01', '2011-01-01', '2011-06-01')"
    )
    con.execute("UPDATE graph_edges SET weight = weight + 1 WHERE src = 'p00150'")
    con.execute("UPDATE graph_edges SET dst = 'p00250b' WHERE dst = 'p00250'")
    con.execute("UPDATE graph_edges SET src = 'p00250b' WHERE src = 'p00250'")
    con.execute(
        "CREATE OR REPLACE TABLE graph_nodes AS SELECT DISTINCT node_id, 'person' AS kind, "
        "'adult' AS subkind, node_id AS label, false AS signal_child, "
        "0 AS linked_signal_children, false AS routine "
        "FROM (SELECT src AS node_id FROM graph_edges UNION SELECT dst FROM graph_edges)"
    )
    measured.clear()
    centrality.build_stats(con, carry=True)
    carried = _stats(con)
    assert sum(c for c, _ in measured) > 0.8 * sum(n for _, n in measured) > 0
    assert sum(n - c for c, n in measured) > 0  # the changed ones were measured
    centrality.build_stats(con)  # everything measured
    assert carried == _stats(con)
