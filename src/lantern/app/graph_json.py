"""The graph views' data in Cytoscape.js's element format, one shape for every page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def node(node_id: str, label: str, kind: str, band: str, href: str) -> dict[str, Any]:
    return {"data": {"id": node_id, "label": label, "kind": kind, "band": band, "href": href}}


def edges(rows: Iterable[Mapping[str, Any]], keep: set[str] | None = None) -> list[dict]:
    """Links as Cytoscape edges labelled "kind (events)"; only between `keep` nodes if given."""
    return [
        {
            "data": {
                "id": f"e{i}",
                "source": e["src"],
                "target": e["dst"],
                "kind": e["kind"],
                "label": f"{str(e['kind']).replace('_', ' ')} ({e['n_events']})",
            }
        }
        for i, e in enumerate(rows)
        if keep is None or (e["src"] in keep and e["dst"] in keep)
    ]
