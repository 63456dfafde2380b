"""The claim Leiden per component rests on (lantern.spark.communities): with the resolution
scaled by each component's share of the weight, the components' qualities add up to the whole
graph's, for any partition that keeps within components — so Leiden per component maximises
the same objective as Leiden on the whole graph. Needs leidenalg only, not Spark."""

from __future__ import annotations

import random

import igraph as ig
import leidenalg
import pandas as pd
import pytest

from lantern.graph.networks import leiden_communities
from lantern.graph.rules import load_rules
from lantern.spark.communities import component_communities


def _graph(seed: int) -> list[tuple[str, str, float]]:
    """Three components: two dense groups joined by one edge, a ring, a pair."""
    rng = random.Random(seed)
    edges = []
    for group in ("a", "b"):
        names = [f"{group}{i}" for i in range(6)]
        edges += [
            (x, y, float(rng.randint(1, 4))) for i, x in enumerate(names) for y in names[i + 1 :]
        ]
    edges.append(("a0", "b0", 1.0))
    ring = [f"r{i}" for i in range(7)]
    edges += [(ring[i], ring[(i + 1) % 7], float(rng.randint(1, 3))) for i in range(7)]
    edges.append(("p0", "p1", 2.5))
    return edges


def _components(edges):
    graph = ig.Graph.TupleList([(s, d) for s, d, _ in edges])
    return {graph.vs[v]["name"]: c for c, members in enumerate(graph.components()) for v in members}


def _quality(edges, membership, resolution):
    names = sorted({n for s, d, _ in edges for n in (s, d)})
    index = {n: i for i, n in enumerate(names)}
    graph = ig.Graph(n=len(names), edges=[(index[s], index[d]) for s, d, _ in edges])
    graph.es["weight"] = [w for _, _, w in edges]
    labels = {c: i for i, c in enumerate(sorted({membership[n] for n in names}))}
    partition = leidenalg.RBConfigurationVertexPartition(
        graph,
        initial_membership=[labels[membership[n]] for n in names],
        weights="weight",
        resolution_parameter=resolution,
    )
    return partition.quality()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scaled_component_qualities_add_up_to_the_whole_graphs(seed: int) -> None:
    edges = _graph(seed)
    rules = load_rules()
    total = sum(w for _, _, w in edges)
    component = _components(edges)
    # any partition within components: here the whole graph's Leiden partition
    membership = leiden_communities(edges, rules)
    whole = _quality(edges, membership, rules.resolution)
    parts = 0.0
    for c in set(component.values()):
        own = [e for e in edges if component[e[0]] == c]
        share = sum(w for _, _, w in own) / total
        parts += _quality(own, membership, rules.resolution * share)
    assert parts == pytest.approx(whole)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_leiden_per_component_finds_the_whole_graphs_communities(seed: int) -> None:
    edges = _graph(seed)
    rules = load_rules()
    total = sum(w for _, _, w in edges)
    component = _components(edges)
    frame = pd.DataFrame(edges, columns=["src", "dst", "weight"])
    frame["component"] = [str(component[s]) for s in frame["src"]]
    found = pd.concat(
        [component_communities(part, rules, total) for _, part in frame.groupby("component")]
    )
    per_component = {(r.component, r.community): set() for r in found.itertuples()}
    for r in found.itertuples():
        per_component[(r.component, r.community)].add(r.node_id)
    whole: dict[int, set[str]] = {}
    for node, community in leiden_communities(edges, rules).items():
        whole.setdefault(community, set()).add(node)
    # these groups are clear-cut: the same partition, whatever the path
    assert sorted(map(sorted, per_component.values())) == sorted(map(sorted, whole.values()))
