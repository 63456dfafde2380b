"""Clustering with cannot-link constraints, and the spanning forest written as `record_links`.

Pass 1 (`constrained_clusters`) takes candidate links strongest first and
joins two clusters unless that would put together two records that must stay
apart: a reviewer said "different", the pair is a guarded hard case (twins,
parent and child), or the clusters hold different NHS numbers or UPNs.

Pass 2 (`spanning_forest`) keeps, within each final cluster, the links that
connect it as early as possible (Kruskal by `available_at`), so that the
connected components of the kept links are exactly the clusters and a
union–find over them in time order replays the clustering as of any date.
"""

from __future__ import annotations

from collections.abc import Sequence


class DisjointSets:
    """Union–find with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        """Join the sets of roots `a` and `b`; returns the new root."""
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        return a


def constrained_clusters(
    n: int,
    edges: Sequence[tuple[int, int]],
    cannot_link: Sequence[tuple[int, int]],
    keys: dict[int, frozenset[str]],
    unconditional: int = 0,
) -> tuple[list[int], list[bool]]:
    """Greedy merging of `edges` (best first) under cannot-link constraints.

    `keys` maps a record to its identifier keys (e.g. "nhs:943…"); two clusters whose
    keys of one kind differ are not joined through records that do not both hold that
    kind of key (a direct link between two holders was scored with the disagreement). The first `unconditional` edges
    (reviewers' "same" decisions) ignore key conflicts but never a cannot-link.
    Returns each record's cluster root and, per edge, whether it joined two clusters.
    """
    sets = DisjointSets(n)
    forbidden: dict[int, set[int]] = {}
    for a, b in cannot_link:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)
    # cluster root -> {kind: value}
    cluster_keys: dict[int, dict[str, set[str]]] = {}
    for record, record_keys in keys.items():
        kinds: dict[str, set[str]] = {}
        for key in record_keys:
            kind, _, value = key.partition(":")
            kinds.setdefault(kind, set()).add(value)
        cluster_keys[record] = kinds
    accepted = [False] * len(edges)
    for i, (a, b) in enumerate(edges):
        ra, rb = sets.find(a), sets.find(b)
        if ra == rb:
            continue
        fa, fb = forbidden.get(ra), forbidden.get(rb)
        if fa or fb:  # the relation is symmetric, so checking the smaller side is enough
            small, other = (fa, rb) if fa and (not fb or len(fa) <= len(fb)) else (fb, ra)
            if any(sets.find(x) == other for x in small or ()):
                continue
        ka, kb = cluster_keys.get(ra), cluster_keys.get(rb)
        if i >= unconditional and ka and kb:
            # A direct link between two records that both hold the identifier has already
            # weighed their disagreement; the constraint stops conflicts joined through others.
            direct = {k.partition(":")[0] for k in keys.get(a, ())} & {
                k.partition(":")[0] for k in keys.get(b, ())
            }
            if any(
                kind in kb and kind not in direct and not (values & kb[kind])
                for kind, values in ka.items()
            ):
                continue
        root = sets.union(ra, rb)
        accepted[i] = True
        if fa or fb:
            merged = (fa or set()) | (fb or set())
            forbidden.pop(ra, None)
            forbidden.pop(rb, None)
            forbidden[root] = merged
        if ka or kb:
            merged_keys: dict[str, set[str]] = {}
            for source in (ka, kb):
                for kind, values in (source or {}).items():
                    merged_keys.setdefault(kind, set()).update(values)
            cluster_keys.pop(ra, None)
            cluster_keys.pop(rb, None)
            cluster_keys[root] = merged_keys
    return [sets.find(x) for x in range(n)], accepted


def spanning_forest(n: int, edges: Sequence[tuple[int, int]], roots: Sequence[int]) -> list[bool]:
    """Kruskal over `edges` (in the order given) restricted to edges inside one final cluster."""
    sets = DisjointSets(n)
    kept = [False] * len(edges)
    for i, (a, b) in enumerate(edges):
        if roots[a] != roots[b]:
            continue
        ra, rb = sets.find(a), sets.find(b)
        if ra != rb:
            sets.union(ra, rb)
            kept[i] = True
    return kept
