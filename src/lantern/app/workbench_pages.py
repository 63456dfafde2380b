"""The analyst's workbench: the most-connected list, the path finder and network exports."""

from __future__ import annotations

import io
import tempfile
import threading
import weakref
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from lantern.app import audit, graph_json, most_connected
from lantern.app.context import NotFound, current_user, state_of
from lantern.app.models import User
from lantern.app.policy import Policy
from lantern.app.store_reader import Analytics
from lantern.app.templating import render
from lantern.errors import StoreError, UserError

router = APIRouter()
NARRATIVE_EXCERPT = 240
# The igraph view of the store's graph, built once per app: the store cannot change while the
# app holds it open, and building it is the slow part of finding a path (~1.4 s at 30,000
# children; a path then takes ~30 ms).
_views: weakref.WeakKeyDictionary[Analytics, Any] = weakref.WeakKeyDictionary()
_views_lock = threading.Lock()


def _graph_view(analytics: Analytics) -> Any:
    from lantern.graph.igraph_view import load_view

    with _views_lock:
        if analytics not in _views:
            _views[analytics] = load_view(analytics.cursor())
        return _views[analytics]


def warm_graph_view(analytics: Analytics) -> None:
    """Build the path finder's graph now (the app's warm-up), not on the first request."""
    if analytics.has("graph_edges") and analytics.has("graph_nodes"):
        _graph_view(analytics)


# most connected ---------------------------------------------------------------------------
@router.get("/workbench/connected")
def connected_page(
    request: Request,
    kind: str = "",
    link: str = "",
    year: str = "",
    sort: str = "weighted_degree",
    order: str = "desc",
    page: int = 1,
) -> Response:
    state = state_of(request)
    analytics = state.analytics
    errors: dict[str, str] = {}
    filters = most_connected.Filters(
        kind=kind if kind in most_connected.KINDS else "",
        link=link,
        year=year if year.isdigit() else "",
        sort=sort if sort in most_connected.MEASURES else "weighted_degree",
        descending=order != "asc",
    )
    with state.session() as db:
        user = current_user(request, db, "most_connected")
        result = most_connected.ranking(analytics, filters, page)
        audit.record(
            db,
            user.username,
            "view_most_connected",
            "",
            kind=kind,
            link=link,
            year=filters.year,
            sort=filters.sort,
            shown=len(result.rows),
        )
    query = {"kind": filters.kind, "link": link, "year": filters.year}

    def sort_url(measure: str) -> str:
        flip = filters.sort == measure and filters.descending
        params = {**query, "sort": measure, "order": "asc" if flip else "desc"}
        return "/workbench/connected?" + urlencode({k: v for k, v in params.items() if v})

    def page_url(number: int) -> str:
        params = {**query, "sort": filters.sort, "order": order, "page": number}
        return "/workbench/connected?" + urlencode({k: v for k, v in params.items() if v})

    return render(
        request,
        "workbench_connected.html",
        result=result,
        filters=filters,
        query=query,
        errors=errors,
        measures=most_connected.MEASURES,
        kinds=most_connected.KINDS,
        link_kinds=most_connected.link_kinds(analytics),
        years=most_connected.years(analytics),
        sort_url=sort_url,
        page_url=page_url,
        page=page,
        pages=max(1, -(-result.total // most_connected.PAGE_SIZE)),
        offset=(max(1, page) - 1) * most_connected.PAGE_SIZE,
    )


# find the path ----------------------------------------------------------------------------
def _resolve(analytics: Analytics, text: str) -> tuple[str | None, list[dict[str, Any]]]:
    """A graph node for what the user typed (an id, or a name), or the people it might mean."""
    text = text.strip()
    if not text:
        return None, []
    found = analytics.q("SELECT node_id FROM graph_nodes WHERE node_id = ?", [text])
    if found:
        return text, []
    record = analytics.q("SELECT person_id FROM score_persons WHERE record_id = ?", [text])
    if record:
        return str(record[0]["person_id"]), []
    results = analytics.search(name=text, limit=10)
    exact = [r for r in results if r["person"].name.lower() == text.lower()]
    if len(exact) == 1 or len(results) == 1:
        return (exact or results)[0]["person"].person_id, []
    return None, results


def _disclosed_hops(
    analytics: Analytics, policy: Policy, user: User, hops: list[Any]
) -> list[dict[str, Any]]:
    """Each hop's links and evidence, with a narrative excerpt only where the role may read it."""
    event_ids = sorted(
        {
            e["event_id"]
            for hop in hops
            for link in hop.links
            for e in link.evidence
            if e.get("event_id")
        }
    )
    events = {
        r["event_id"]: r
        for r in analytics.q(
            "SELECT event_id, agency, event_type, narrative FROM events "
            "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
            [event_ids],
        )
    }
    out = []
    for hop in hops:
        links = []
        for link in hop.links:
            evidence = []
            for item in link.evidence:
                event = events.get(item.get("event_id"), {})
                agency = item.get("agency") or event.get("agency") or ""
                readable = bool(agency) and policy.reads_narrative(user.role, user.agency, agency)
                narrative = str(event.get("narrative") or "") if readable else ""
                if len(narrative) > NARRATIVE_EXCERPT:
                    narrative = narrative[: NARRATIVE_EXCERPT - 1].rstrip() + "…"
                evidence.append(
                    {
                        **item,
                        "agency": agency,
                        "event_type": event.get("event_type"),
                        "readable": readable,
                        "excerpt": narrative,
                    }
                )
            links.append({"link": link, "evidence": evidence})
        out.append({"hop": hop, "links": links})
    return out


@router.get("/workbench/path")
def path_page(request: Request, a: str = "", b: str = "") -> Response:
    from lantern.graph.paths import find_paths

    state = state_of(request)
    analytics = state.analytics
    errors: dict[str, str] = {}
    paths: list[dict[str, Any]] = []
    choices: dict[str, list[dict[str, Any]]] = {}
    searched = bool(a.strip() and b.strip())
    with state.session() as db:
        user = current_user(request, db, "find_path")
        ends: dict[str, str | None] = {}
        for field, text in (("a", a), ("b", b)):
            node, options = _resolve(analytics, text) if text.strip() else (None, [])
            ends[field] = node
            if text.strip() and node is None:
                if options:
                    choices[field] = options
                    errors[field] = "More than one person matches: choose one below"
                else:
                    errors[field] = "No person, vehicle, phone or place matches that"
        if searched and not errors and analytics.has("graph_edges"):
            try:
                found = find_paths(
                    analytics.cursor(),
                    str(ends["a"]),
                    str(ends["b"]),
                    k=2,
                    view=_graph_view(analytics),
                )
            except UserError as error:
                errors["a"] = str(error)
                found = []
            paths = [
                {
                    "nodes": p.nodes,
                    "cost": p.cost,
                    "hops": _disclosed_hops(analytics, state.policy, user, p.hops),
                }
                for p in found
            ]
        if searched:
            audit.record(
                db,
                user.username,
                "find_path",
                "",
                a=a,
                b=b,
                a_node=ends.get("a"),
                b_node=ends.get("b"),
                paths=len(paths),
            )
    people = analytics.people([n for p in paths for n in p["nodes"]])
    return render(
        request,
        "workbench_path.html",
        a=a,
        b=b,
        searched=searched,
        errors=errors,
        choices=choices,
        paths=paths,
        people=people,
    )


# exports ----------------------------------------------------------------------------------
EXPORT_TYPES = {
    "graphml": ("application/graphml+xml", "graphml"),
    "anx": ("application/xml", "anx"),
    "csv": ("application/zip", "zip"),
}


def _download(sub: Any, fmt: str, stem: str) -> Response:
    from lantern.graph.export import export

    media_type, suffix = EXPORT_TYPES[fmt]
    with tempfile.TemporaryDirectory(prefix="lantern-export-") as tmp:
        files = export(sub, fmt, Path(tmp) / f"{stem}.{fmt}")
        if fmt == "csv":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in files:
                    archive.write(path, path.name)
            body = buffer.getvalue()
        else:
            body = files[0].read_bytes()
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{suffix}"'},
    )


def _subgraph_or_error(build: Any, what: str) -> Any:
    try:
        return build()
    except UserError as error:
        raise NotFound(what) from error
    except duckdb.Error as error:  # a store written before the graph stage's full tables
        raise StoreError(
            "This store's graph has not been built by `lantern graph build`; "
            f"it cannot be exported ({type(error).__name__})."
        ) from error


@router.get("/networks/{network_id}/export/{fmt}")
def network_export(request: Request, network_id: str, fmt: str) -> Response:
    from lantern.graph.export import network_subgraph

    if fmt not in EXPORT_TYPES:
        raise NotFound("export in that format")
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "network_export")
        sub = _subgraph_or_error(
            lambda: network_subgraph(state.analytics.cursor(), network_id),
            "network with that id",
        )
        audit.record(
            db,
            user.username,
            "export_network",
            network_id,
            format=fmt,
            nodes=len(sub.nodes),
            edges=len(sub.edges),
        )
    return _download(sub, fmt, f"lantern-{network_id}")


@router.get("/people/{person_id}/export/{fmt}")
def person_export(request: Request, person_id: str, fmt: str) -> Response:
    """A person's neighbourhood: everyone and everything one link away, and the links among them."""
    from lantern.graph.export import person_subgraph

    if fmt not in EXPORT_TYPES:
        raise NotFound("export in that format")
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "person_export")
        sub = _subgraph_or_error(
            lambda: person_subgraph(state.analytics.cursor(), person_id, hops=1),
            "person with links in the graph",
        )
        audit.record(
            db,
            user.username,
            "export_neighbourhood",
            person_id,
            format=fmt,
            nodes=len(sub.nodes),
            edges=len(sub.edges),
        )
    return _download(sub, fmt, f"lantern-{person_id}")


NEIGHBOURHOOD_LIMIT = 200  # nodes drawn on a person's page; the export has them all


@router.get("/people/{person_id}/graph.json")
def person_graph(request: Request, person_id: str) -> Response:
    """A person's neighbourhood (one link away) as Cytoscape.js elements, for their page."""
    from lantern.graph.export import person_subgraph

    state = state_of(request)
    analytics = state.analytics
    with state.session() as db:
        user = current_user(request, db, "person_graph")
        sub = _subgraph_or_error(
            lambda: person_subgraph(analytics.cursor(), person_id, hops=1),
            "person with links in the graph",
        )
        audit.record(db, user.username, "view_neighbourhood_graph", person_id, nodes=len(sub.nodes))
    shown = sorted(
        sub.nodes, key=lambda n: (n["node_id"] != person_id, n["kind"] != "person", n["node_id"])
    )[:NEIGHBOURHOOD_LIMIT]
    ids = {n["node_id"] for n in shown}
    people = analytics.people([n["node_id"] for n in shown if n["kind"] == "person"])
    nodes = []
    for n in shown:
        person = people.get(n["node_id"])
        kind = n.get("subkind") or n["kind"]
        if n["kind"] == "person":
            kind = "child" if n.get("is_child") else "adult"
        page = "children" if kind == "child" else "adults"
        nodes.append(
            graph_json.node(
                n["node_id"],
                person.name if person else (n.get("label") or n["node_id"]),
                kind,
                (person.band if person else None) or "none",
                f"/{page}/{n['node_id']}" if person and n["node_id"] != person_id else "",
            )
        )
    edges = graph_json.edges(sub.edges, keep=ids)
    return JSONResponse({"nodes": nodes, "edges": edges, "total_nodes": len(sub.nodes)})


# time patterns ----------------------------------------------------------------------------
@router.get("/workbench/time")
def time_page(request: Request, subject: str = "", what: str = "all") -> Response:
    from lantern.app import time_patterns

    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "time_patterns")
        heat = time_patterns.heat_map(state.analytics, subject.strip(), what) if subject else None
        if subject and heat is None:
            raise NotFound("child, network or place with that id")
        if heat is not None:
            audit.record(db, user.username, "view_time_pattern", heat.subject, what=heat.what)
    context = time_patterns.as_context(heat) if heat else {"heat": None}
    return render(request, "workbench_time.html", subject=subject, **context)


@router.get("/workbench/places")
def places_page(request: Request, at_least: int = Query(0, alias="min")) -> Response:
    from lantern.app import hotspots

    least = at_least if 1 <= at_least <= 20 else 0  # 0: every hotspot the graph reports
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "hotspots")
        places = hotspots.hotspots(state.analytics, least)
        audit.record(db, user.username, "view_hotspots", "", least=least, shown=len(places))
    return render(request, "workbench_places.html", places=places, min_children=least)
