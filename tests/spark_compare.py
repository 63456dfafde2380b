"""Compare two stores written by the DuckDB and the Spark engines (tests and bench/spark.py).

What `--engine spark` promises (docs/spark.md): the same persons, text findings, graph and
scores, except where Leiden, run per component, took another path to a partition of the same
quality; then only the members of the communities that differ may differ downstream.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# (what, SQL) — each row set must be equal between the two stores
SAME = {
    "persons": "SELECT record_id, person_id FROM score_persons",
    "text findings": "SELECT * FROM text_findings",
    "indicator hits": "SELECT hit_id, indicator, event_id, record_id, evidence FROM indicator_hits",
    "graph edges": "SELECT src, dst, kind, weight FROM graph_edges",
}
CHILDREN = "SELECT person_id, band, first_flagged_at FROM assessments WHERE kind = 'child'"
ADULTS = (
    "SELECT person_id, band, first_flagged_at, linked_children, score FROM assessments "
    "WHERE kind = 'adult'"
)
NETWORKS = "SELECT network_id, members, band, first_flagged_at FROM network_assessments"
COMMUNITIES = "SELECT node_id, community FROM graph_communities"


def _rows(store: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _partition(rows: list[tuple]) -> set[frozenset[str]]:
    groups: dict[object, set[str]] = {}
    for node, community in rows:
        groups.setdefault(community, set()).add(node)
    return {frozenset(g) for g in groups.values()}


@dataclass
class Comparison:
    unequal: dict[str, int] = field(default_factory=dict)  # SAME tables: rows on one side only
    communities: int = 0  # communities of one partition not in the other
    nodes_in_other_communities: set[str] = field(default_factory=set)
    children: set[str] = field(default_factory=set)  # persons whose band or date differs
    adults: set[str] = field(default_factory=set)
    networks: int = 0  # network rows on one side only
    network_members: set[str] = field(default_factory=set)  # members of those rows
    flagged_children: int = 0
    n_networks: int = 0

    @property
    def explained(self) -> bool:
        """Every person whose assessment differs is in a community that differs or a member
        of a network that does: what Leiden's path can change, and nothing else."""
        moved = self.nodes_in_other_communities | self.network_members
        return not any(self.unequal.values()) and (self.children | self.adults) <= moved

    @property
    def identical(self) -> bool:
        return not (
            any(self.unequal.values()) or self.communities or self.children or self.adults
            or self.networks
        )  # fmt: skip

    def summary(self) -> str:
        if self.identical:
            return "identical"
        return (
            f"tables {self.unequal}; communities differing {self.communities} "
            f"({len(self.nodes_in_other_communities)} nodes); children differing "
            f"{len(self.children)} of {self.flagged_children} flagged; adults differing "
            f"{len(self.adults)}; network rows differing {self.networks} of {self.n_networks}"
        )


def _one_side(a: list[tuple], b: list[tuple]) -> set[tuple]:
    return set(a) ^ set(b)


def _multiset_difference(a: list[tuple], b: list[tuple]) -> int:
    """Rows on one side only, counting repeats."""
    ca, cb = Counter(a), Counter(b)
    return sum((ca - cb).values()) + sum((cb - ca).values())


def compare(duckdb_store: Path, spark_store: Path) -> Comparison:
    found = Comparison()
    for name, sql in SAME.items():
        found.unequal[name] = _multiset_difference(
            _rows(duckdb_store, sql), _rows(spark_store, sql)
        )
    pa, pb = (
        _partition(_rows(duckdb_store, COMMUNITIES)),
        _partition(_rows(spark_store, COMMUNITIES)),
    )
    differing = pa ^ pb
    found.communities = len(differing)
    found.nodes_in_other_communities = {n for group in differing for n in group}
    found.children = {
        r[0] for r in _one_side(_rows(duckdb_store, CHILDREN), _rows(spark_store, CHILDREN))
    }
    found.adults = {
        r[0] for r in _one_side(_rows(duckdb_store, ADULTS), _rows(spark_store, ADULTS))
    }
    nets_a, nets_b = _rows(duckdb_store, NETWORKS), _rows(spark_store, NETWORKS)
    changed = _one_side(nets_a, nets_b)
    found.networks = len(changed)
    found.network_members = {m for row in changed for m in (row[1] or "").split(";") if m}
    found.n_networks = len(nets_a)
    found.flagged_children = len(
        [r for r in _rows(duckdb_store, CHILDREN) if r[1] in ("medium", "high")]
    )
    return found
