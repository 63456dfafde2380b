"""The graph stage: `run(con)` builds the association graph and detects networks.

Reads the store, resolve and indicators tables (docs/pipeline.md) and writes
`graph_nodes`, `graph_edges`, `networks`, plus `graph_evidence` (one row per
piece of evidence, for replay), `graph_networks`, `adult_child_links`,
`place_hotspots`, the adults' evidence picture (`adult_evidence`, `account_withdrawals`,
`disruptions`, `target_activity_months`; `lantern.graph.adult_evidence`) and the intermediate
`graph_*` step tables.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from lantern.graph import adult_evidence, concerns, edges, evidence, networks
from lantern.graph.inputs import count, prepare_inputs
from lantern.graph.rules import GraphRules, load_rules
from lantern.indicators.text.layers import SCORED_BY_DEFAULT


@dataclass(frozen=True)
class GraphSummary:
    nodes: int
    edges: int
    weighted_edges: int
    evidence_rows: int
    signal_children: int
    networks: int
    hotspots: int
    missing_inputs: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)


def run(
    con: duckdb.DuckDBPyConnection,
    *,
    rules: GraphRules | None = None,
    rules_path: Path | str | None = None,
    as_of: datetime | None = None,
    stats: bool = True,
    scored_text_layers: Sequence[str] | None = SCORED_BY_DEFAULT,
    communities: networks.CommunityFinder | None = None,
    carry: bool = False,
    dates_of_birth_from_indicators: bool = False,
) -> GraphSummary:
    """Build the graph (as of `as_of`, default: everything) and its networks on `con`.

    Text hits count only from `scored_text_layers` (default: the layers the shipped weights
    score; None: every layer), as in the score (`inputs.prepare_inputs`). `communities`: what
    finds the communities (None: Leiden in this process). `carry` (an incremental run): the
    centrality of components the last run measured, unchanged, is carried forward
    (`centrality.Carry`). `dates_of_birth_from_indicators`: the indicators stage has just run on
    this store, and its dates of birth as known at each moment are copied, not computed again
    (`evidence.build_dates_of_birth`)."""
    rules = rules or load_rules(rules_path)
    missing = prepare_inputs(con, scored_text_layers)
    seconds: dict[str, float] = {}

    def timed(name: str, step) -> None:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        step()
        seconds[name] = round(time.perf_counter() - started, 3)

    evidence_steps: dict[str, float] = {}
    timed(
        "evidence",
        lambda: evidence_steps.update(
            evidence.build_all(
                con, rules, dates_of_birth_from_indicators=dates_of_birth_from_indicators
            )
        ),
    )
    timed("edges", lambda: edges.build_edges(con, rules, as_of=as_of))
    timed("signal_children", lambda: edges.build_signal_children(con, rules, as_of=as_of))
    timed("nodes", lambda: edges.build_nodes(con))
    timed("network_edges", lambda: networks.build_network_edges(con))
    timed("leiden", lambda: networks.build_communities(con, rules, communities))
    timed("networks", lambda: networks.build_networks(con, rules))
    timed("concerns", lambda: concerns.build_network_concerns(con, rules))
    timed("adult_child_links", lambda: networks.build_adult_child_links(con))
    timed("hotspots", lambda: networks.build_hotspots(con, rules))
    adult_steps: dict[str, float] = {}
    timed("adult_evidence", lambda: adult_steps.update(adult_evidence.build_all(con, rules)))
    if stats:
        from lantern.graph import centrality

        timed("stats", lambda: centrality.build_stats(con, carry=carry))
    seconds.update({f"evidence: {name}": t for name, t in evidence_steps.items()})
    seconds.update({f"adult evidence: {name}": t for name, t in adult_steps.items()})
    return GraphSummary(
        nodes=count(con, "graph_nodes"),
        edges=count(con, "graph_edges"),
        weighted_edges=int(
            con.execute("SELECT count(*) FROM graph_edges WHERE weight > 0").fetchall()[0][0]
        ),  # type: ignore[index]
        evidence_rows=count(con, "graph_evidence"),
        signal_children=count(con, "graph_signal_children"),
        networks=count(con, "graph_networks"),
        hotspots=count(con, "place_hotspots"),
        missing_inputs=tuple(missing),
        seconds=seconds,
    )
