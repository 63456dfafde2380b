"""Centrality at county scale: time of `graph_stats` and its slices, and the sampled estimate's error.

Reads the graph of `--store` (read-only), times `lantern.graph.centrality` — the whole graph
(exact per small component, sampled sources on the giant one), then every link-kind and year
slice — and, with `--compare-old`, the method it replaced (whole-graph betweenness and harmonic
closeness cut off at path cost 4, eigenvector per component) on the same graph under the same
load. Then measures the sampled estimate against exact figures on a mid-sized connected piece
of the giant component (the first `--piece` nodes of a breadth-first search from its
best-linked node). Prints the figures and rewrites its own section of bench/RESULTS.md.

    python bench/centrality.py --store /tmp/appbench150/lantern.duckdb [--compare-old] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

import duckdb
import igraph as ig
import numpy as np
from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SECTION = "## Centrality estimation (`bench/centrality.py`)"


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x))
    # ties share their mean rank
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, ranks)
    return sums[inverse] / counts[inverse]


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(_ranks(x), _ranks(y))[0, 1])


def _old_method(g: ig.Graph) -> float:
    """The replaced method on the whole graph: cut-off betweenness and closeness, eigen per component."""
    started = time.perf_counter()
    g.betweenness(directed=False, weights="cost", cutoff=4.0)
    g.harmonic_centrality(weights="cost", cutoff=4.0, normalized=True)
    groups: dict[int, list[int]] = defaultdict(list)
    for v, c in enumerate(g.connected_components().membership):
        groups[c].append(v)
    for vs in groups.values():
        if len(vs) > 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                g.induced_subgraph(vs).eigenvector_centrality(weights="weight", scale=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--piece", type=int, default=5_000)
    parser.add_argument("--compare-old", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from lantern.graph import centrality

    con = duckdb.connect(str(args.store), read_only=True)
    children = con.execute("SELECT count(*) FROM assessments WHERE kind = 'child'").fetchone()[0]  # type: ignore[index]
    started = time.perf_counter()
    links = centrality.load_links(con)
    con.close()
    load = time.perf_counter() - started
    n = len(links.names)

    started = time.perf_counter()
    whole = centrality.measure(n, links.a, links.b, links.weight)
    whole_s = time.perf_counter() - started
    sizes = np.bincount(whole.component)
    giant = int(sizes.max()) if len(sizes) else 0
    small_max = int(np.sort(sizes)[-2]) if len(sizes) > 1 else 0

    started = time.perf_counter()
    parts = centrality.slices(links)
    rows = 0
    slowest = ("", "", 0.0)
    for kind, year, chosen in parts:
        t = time.perf_counter()
        rows += centrality._slice_table(links, kind, year, chosen).num_rows  # noqa: SLF001
        took = time.perf_counter() - t
        if took > slowest[2]:
            slowest = (kind or "every kind", year or "every year", took)
    slices_s = time.perf_counter() - started

    a, b, w = centrality._merge_parallel(n, links.a, links.b, links.weight)  # noqa: SLF001
    g = ig.Graph(n=n, edges=np.column_stack([a, b]).tolist())
    g.es["weight"] = w.tolist()
    g.es["cost"] = (1.0 + 1.0 / (1.0 + w)).tolist()
    old_s = _old_method(g) if args.compare_old else None

    # A mid-sized connected piece of the giant component, exact against estimated.
    members = np.flatnonzero(whole.component == np.argmax(sizes))
    big = g.induced_subgraph(members.tolist())
    order, _, _ = big.bfs(int(np.argmax(big.degree())))
    piece = big.induced_subgraph(order[: args.piece]).connected_components().giant()
    edges = np.array(piece.get_edgelist())
    weight = np.array(piece.es["weight"], dtype=float)
    started = time.perf_counter()
    exact = centrality.measure(piece.vcount(), edges[:, 0], edges[:, 1], weight, exact_limit=10**9)
    exact_s = time.perf_counter() - started
    started = time.perf_counter()
    estimate = centrality.measure(piece.vcount(), edges[:, 0], edges[:, 1], weight, exact_limit=1)
    estimate_s = time.perf_counter() - started
    quality = {}
    for name in ("betweenness", "closeness"):
        x, y = getattr(exact, name), getattr(estimate, name)
        top = np.argsort(-x)[:100]
        quality[name] = (
            spearman(x, y),
            len(set(np.argsort(-x)[:20]) & set(np.argsort(-y)[:20])),
            float(np.median(np.abs(y[top] - x[top]) / x[top])),
        )

    load_avg = os.getloadavg()[0]
    lines = [
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python "
        f"{platform.python_version()}, load average {load_avg:.1f} (the machine is shared: times "
        f"are upper bounds); store `{args.store}`: {children:,} children, {n:,} graph "
        f"nodes, {len(links.a):,} weighted links. `lantern.graph.centrality` (graph.md, "
        f'"Analysis"): exact per component up to {centrality.EXACT_LIMIT:,} nodes, '
        f"{centrality.SAMPLE_SOURCES} sampled sources on a larger one.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| load the links | {load:.1f} s |",
        f"| giant component / largest other component | {giant:,} / {small_max:,} nodes |",
        f"| `graph_stats`: every measure, whole graph | {whole_s:.1f} s |",
    ]
    if old_s is not None:
        lines.append(
            f"| the replaced method (cut-off 4) on the same graph, same load | {old_s:.1f} s |"
        )
    lines += [
        f"| `graph_stats_slices`: {len(parts)} slices, {rows:,} rows | {slices_s:.1f} s |",
        f"| — slowest slice ({slowest[0]}, {slowest[1]}) | {slowest[2]:.1f} s |",
        f"| centrality total (`graph_stats` + slices) | {whole_s + slices_s:.1f} s |",
        f"| error piece: BFS piece of the giant component | {piece.vcount():,} nodes, "
        f"{piece.ecount():,} links |",
        f"| — exact / estimated ({centrality.SAMPLE_SOURCES} sources) on it | {exact_s:.1f} s / "
        f"{estimate_s:.1f} s |",
    ]
    for name, (rho, overlap, error) in quality.items():
        lines.append(
            f"| — {name}: rank correlation, exact top 20 in estimate's top 20, median relative "
            f"error over the exact top 100 | {rho:.3f}, {overlap}/20, {error:.1%} |"
        )
    print("\n".join(lines))
    if args.no_write:
        return
    replace_section(SECTION, lines)


if __name__ == "__main__":
    main()
