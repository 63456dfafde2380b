"""`lantern graph build|stats|path|export`: thin commands over the graph stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lantern.settings import StoreOption, command_settings

graph_app = typer.Typer(
    help="The association graph: build it, rank it, find paths, export it.", no_args_is_help=True
)


def _open(store: Path | None, *, read_only: bool):  # type: ignore[no-untyped-def]
    from lantern.errors import StoreError
    from lantern.store.connection import existing_tables, open_store

    settings = command_settings(store)
    store = settings.store
    con = open_store(settings, read_only=read_only)
    if read_only and "graph_edges" not in existing_tables(con):
        raise StoreError(f"{store}: no graph here; run `lantern graph build` first")
    return con


def build_command(
    store: StoreOption = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Graph rules YAML (default: Lantern's).")
    ] = None,
    no_stats: Annotated[
        bool, typer.Option("--no-stats", help="Skip the centrality precomputation.")
    ] = False,
) -> None:
    """Build the association graph, detect networks and precompute centrality."""
    from lantern.graph import stage
    from lantern.store.connection import writing_store

    with writing_store(command_settings(store), "lantern graph build") as con:
        summary = stage.run(con, rules_path=rules, stats=not no_stats)
    typer.echo(
        f"graph: {summary.nodes} nodes, {summary.edges} edges ({summary.weighted_edges} weighted), "
        f"{summary.signal_children} signal children, {summary.networks} networks, "
        f"{summary.hotspots} hotspots"
    )
    if summary.missing_inputs:
        typer.echo("not yet in the store (treated as empty): " + ", ".join(summary.missing_inputs))


def stats_command(
    store: StoreOption = None,
    kind: Annotated[str | None, typer.Option("--kind", help="person, thing or place.")] = None,
    top: Annotated[int, typer.Option("--top", help="How many to list.")] = 20,
    by: Annotated[
        str,
        typer.Option(
            "--by", help="weighted_degree, degree, betweenness, closeness or eigenvector."
        ),
    ] = "weighted_degree",
    link: Annotated[
        str | None, typer.Option("--link", help="Only links of this kind (e.g. with_thing).")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Only links active in this year.")
    ] = None,
) -> None:
    """The most connected people, things and places (≈: estimated from sampled paths)."""
    from lantern.errors import UserError
    from lantern.store.connection import existing_tables

    if kind not in (None, "person", "thing", "place"):
        raise UserError(f"--kind {kind}: choose person, thing or place")
    if by not in ("weighted_degree", "degree", "betweenness", "closeness", "eigenvector"):
        raise UserError(
            f"--by {by}: choose weighted_degree, degree, betweenness, closeness or eigenvector"
        )
    con = _open(store, read_only=True)
    if "graph_stats" not in existing_tables(con):
        raise UserError("no graph_stats in the store; run `lantern graph build` without --no-stats")
    source = "graph_stats"
    params: dict[str, object] = {"kind": kind, "top": top}
    if link or year:
        if "graph_stats_slices" not in existing_tables(con):
            raise UserError("no graph_stats_slices in the store; run `lantern graph build` again")
        source = """(SELECT n.node_id, n.kind, n.subkind, n.label, s.degree, s.weighted_degree,
                            s.betweenness, s.closeness, s.eigenvector, s.estimated
                     FROM graph_stats_slices s JOIN graph_nodes n USING (node_id)
                     WHERE s.link_kind = $link AND s.period = $period)"""
        params |= {"link": link or "", "period": str(year) if year else ""}
    columns = {r[0] for r in con.execute("SELECT * FROM graph_stats LIMIT 0").description or []}
    estimated = "estimated" if "estimated" in columns or source != "graph_stats" else "false"
    rows = con.execute(
        f"""SELECT node_id, kind, subkind, label, degree, weighted_degree, betweenness, closeness,
                   eigenvector, {estimated}
            FROM {source} WHERE $kind IS NULL OR kind = $kind
            ORDER BY {by} DESC, node_id LIMIT $top""",  # noqa: S608
        params,
    ).fetchall()
    typer.echo(
        f"{'node':<28} {'kind':<8} {'label':<20} {'deg':>4} {'w.deg':>7} {'betw':>9} {'close':>6} {'eigen':>6}"
    )
    for node, k, sub, label, deg, wdeg, betw, close, eig, approx in rows:
        mark = "≈" if approx else " "
        typer.echo(
            f"{node:<28} {(sub or k):<8} {str(label)[:20]:<20} {deg:>4} {wdeg:>7.2f} "
            f"{mark}{betw:>8.1f} {close:>6.3f} {eig:>6.3f}"
        )


def path_command(
    a: Annotated[
        str, typer.Argument(help="A person id, record id (agency:ref), thing id or place id.")
    ],
    b: Annotated[str, typer.Argument(help="Another.")],
    store: StoreOption = None,
    k: Annotated[int, typer.Option("--paths", help="How many paths (shortest first).")] = 2,
    all_links: Annotated[
        bool, typer.Option("--all-links", help="Include routine links (weight 0).")
    ] = False,
) -> None:
    """How are A and B connected? Shortest and next-shortest paths, each hop with its evidence."""
    from lantern.graph.paths import find_paths

    con = _open(store, read_only=True)
    paths = find_paths(con, a, b, k=k, include_routine=all_links)
    if not paths:
        typer.echo(f"no path between {a} and {b}" + ("" if all_links else " (try --all-links)"))
        return
    for n, path in enumerate(paths, 1):
        typer.echo(f"Path {n}: {len(path.hops)} hops, cost {path.cost}")
        for hop in path.hops:
            typer.echo(f"  {hop.src_label} ({hop.src}) — {hop.dst_label} ({hop.dst})")
            for link in hop.links:
                typer.echo(
                    f"    {link.kind}, weight {link.weight:g}, {link.n_events} events, "
                    f"known from {link.first_available_at[:10]}"
                )
                for ev in link.evidence[:10]:
                    typer.echo(
                        f"      {str(ev.get('occurred_at'))[:10]} {ev.get('event_id') or ev.get('src_record')} "
                        f"({ev.get('agency')}, recorded {str(ev.get('recorded_at'))[:10]}, {ev.get('role')})"
                    )
                if len(link.evidence) > 10:
                    typer.echo(f"      … and {len(link.evidence) - 10} more")


def export_command(
    out: Annotated[
        Path,
        typer.Option("--out", help="File to write (csv: <stem>-nodes.csv and <stem>-edges.csv)."),
    ],
    store: StoreOption = None,
    network: Annotated[
        str | None, typer.Option("--network", help="A network id (N000001).")
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="A person id or record id.")
    ] = None,
    hops: Annotated[int, typer.Option("--hops", help="Neighbourhood radius for --person.")] = 1,
    fmt: Annotated[str, typer.Option("--format", help="graphml, csv or anx.")] = "graphml",
    all_links: Annotated[
        bool, typer.Option("--all-links", help="Include routine links (weight 0).")
    ] = False,
) -> None:
    """Export a network or a person's neighbourhood as GraphML, CSV or i2 ANX."""
    from lantern.errors import UserError
    from lantern.graph import export

    if (network is None) == (person is None):
        raise UserError("give exactly one of --network ID or --person ID")
    con = _open(store, read_only=True)
    if network is not None:
        sub = export.network_subgraph(con, network, include_routine=all_links)
    else:
        sub = export.person_subgraph(con, str(person), hops=hops, include_routine=all_links)
    written = export.export(sub, fmt, out)
    typer.echo(
        f"{len(sub.nodes)} nodes, {len(sub.edges)} links → " + ", ".join(str(p) for p in written)
    )


def register(app: typer.Typer) -> None:
    graph_app.command("build")(build_command)
    graph_app.command("stats")(stats_command)
    graph_app.command("path")(path_command)
    graph_app.command("export")(export_command)
    app.add_typer(graph_app, name="graph")
