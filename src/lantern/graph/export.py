"""Exports of a network or a person's neighbourhood for analysts' other tools (issue 9).

- GraphML (Gephi, NetworkX, igraph): nodes and edges with every attribute;
  evidence as a JSON string.
- CSV: `<stem>-nodes.csv` and `<stem>-edges.csv` beside the named file.
- ANX: i2 Analyst's Notebook's XML exchange format — a `Chart` whose
  `ChartItemCollection` holds one `ChartItem` per entity (`End/Entity`, icon
  by kind) and per link (`Link` with `End1Id`/`End2Id`, dated by the link's
  first available date), with Lantern's fields as `Attribute`s of declared
  `AttributeClass`es (`AttText`, `AttNumber`, `AttTime`).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from lantern.errors import UserError
from lantern.export_safety import csv_writer
from lantern.graph.paths import resolve_node

NODE_FIELDS = (
    "node_id",
    "kind",
    "subkind",
    "label",
    "is_child",
    "signal_child",
    "linked_signal_children",
    "routine",
    "first_available_at",
)
EDGE_FIELDS = (
    "src",
    "dst",
    "kind",
    "weight",
    "first_available_at",
    "last_occurred_at",
    "n_events",
    "agencies",
    "routine",
    "routine_reason",
    "evidence",
)
FORMATS = ("graphml", "csv", "anx")


@dataclass(frozen=True)
class Subgraph:
    title: str
    nodes: list[dict]
    edges: list[dict]


def network_subgraph(
    con: duckdb.DuckDBPyConnection, network_id: str, *, include_routine: bool = False
) -> Subgraph:
    ids = [
        n
        for (n,) in con.execute(
            "SELECT node_id FROM networks WHERE network_id = ? ORDER BY node_id", [network_id]
        ).fetchall()
    ]
    if not ids:
        raise UserError(f"{network_id}: no such network (see the `networks` table)")
    return _subgraph(con, f"Lantern network {network_id}", ids, include_routine)


def person_subgraph(
    con: duckdb.DuckDBPyConnection, person: str, *, hops: int = 1, include_routine: bool = False
) -> Subgraph:
    start = resolve_node(con, person)
    weight_rule = "" if include_routine else "WHERE weight > 0"
    frontier, seen = {start}, {start}
    for _ in range(hops):
        rows = con.execute(
            f"""
            WITH live AS (SELECT src, dst FROM graph_edges {weight_rule})
            SELECT dst FROM live WHERE list_contains($f, src)
            UNION SELECT src FROM live WHERE list_contains($f, dst)
            """,  # noqa: S608
            {"f": sorted(frontier)},
        ).fetchall()
        frontier = {n for (n,) in rows} - seen
        seen |= frontier
    return _subgraph(con, f"Lantern neighbourhood of {start}", sorted(seen), include_routine)


def _subgraph(
    con: duckdb.DuckDBPyConnection, title: str, ids: list[str], include_routine: bool
) -> Subgraph:
    weight_rule = "" if include_routine else "AND weight > 0"
    cols = ", ".join(NODE_FIELDS)
    cur = con.execute(
        f"SELECT {cols} FROM graph_nodes WHERE list_contains($ids, node_id) ORDER BY node_id",  # noqa: S608
        {"ids": ids},
    )
    nodes = [dict(zip(NODE_FIELDS, row, strict=True)) for row in cur.fetchall()]
    cols = ", ".join(EDGE_FIELDS)
    cur = con.execute(
        f"""SELECT {cols} FROM graph_edges
            WHERE list_contains($ids, src) AND list_contains($ids, dst) {weight_rule}
            ORDER BY src, dst, kind""",  # noqa: S608
        {"ids": ids},
    )
    edges = [dict(zip(EDGE_FIELDS, row, strict=True)) for row in cur.fetchall()]
    return Subgraph(title, nodes, edges)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(sub: Subgraph, out: Path) -> list[Path]:
    stem = out.with_suffix("")
    paths = [Path(f"{stem}-nodes.csv"), Path(f"{stem}-edges.csv")]
    for path, rows, fields in (
        (paths[0], sub.nodes, NODE_FIELDS),
        (paths[1], sub.edges, EDGE_FIELDS),
    ):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv_writer(handle)  # every cell escaped: a place may be called =HYPERLINK(
            writer.writerow(fields)
            for row in rows:
                writer.writerow([_text(row[f]) for f in fields])
    return paths


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_GRAPHML_TYPES = {
    "weight": "double",
    "linked_signal_children": "int",
    "n_events": "int",
    "is_child": "boolean",
    "signal_child": "boolean",
    "routine": "boolean",
}


def write_graphml(sub: Subgraph, out: Path) -> list[Path]:
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for scope, fields in (("node", NODE_FIELDS[1:]), ("edge", EDGE_FIELDS[2:])):
        for name in fields:
            ET.SubElement(
                root,
                f"{{{GRAPHML_NS}}}key",
                {
                    "id": f"{scope[0]}_{name}",
                    "for": scope,
                    "attr.name": name,
                    "attr.type": _GRAPHML_TYPES.get(name, "string"),
                },
            )
    graph = ET.SubElement(
        root, f"{{{GRAPHML_NS}}}graph", {"id": sub.title, "edgedefault": "undirected"}
    )
    for node in sub.nodes:
        el = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": node["node_id"]})
        for name in NODE_FIELDS[1:]:
            ET.SubElement(el, f"{{{GRAPHML_NS}}}data", {"key": f"n_{name}"}).text = _text(
                node[name]
            )
    for i, edge in enumerate(sub.edges):
        el = ET.SubElement(
            graph,
            f"{{{GRAPHML_NS}}}edge",
            {"id": f"e{i}", "source": edge["src"], "target": edge["dst"]},
        )
        for name in EDGE_FIELDS[2:]:
            ET.SubElement(el, f"{{{GRAPHML_NS}}}data", {"key": f"e_{name}"}).text = _text(
                edge[name]
            )
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return [out]


_ANX_ICONS = {
    "person": "Person",
    "vehicle": "Vehicle",
    "phone": "Phone",
    "email": "Email",
    "social_handle": "Internet",
    "place": "Place",
}
_ANX_ATTRIBUTES = (
    ("Lantern id", "AttText"),
    ("Kind", "AttText"),
    ("Child", "AttText"),
    ("Signal child", "AttText"),
    ("Linked signal children", "AttNumber"),
    ("First available", "AttTime"),
    ("Link kind", "AttText"),
    ("Weight", "AttNumber"),
    ("Events", "AttNumber"),
    ("Last occurred", "AttTime"),
    ("Agencies", "AttText"),
    ("Evidence", "AttText"),
)


def _anx_time(value: object) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S") if isinstance(value, datetime) else ""


def write_anx(sub: Subgraph, out: Path) -> list[Path]:
    chart = ET.Element("Chart", {"IdReferenceLinking": "false", "Rigorous": "true"})
    classes = ET.SubElement(chart, "AttributeClassCollection")
    for name, kind in _ANX_ATTRIBUTES:
        ET.SubElement(classes, "AttributeClass", {"Name": name, "Type": kind, "ShowValue": "true"})
    link_types = ET.SubElement(chart, "LinkTypeCollection")
    for kind in sorted({e["kind"] for e in sub.edges}):
        ET.SubElement(link_types, "LinkType", {"Name": kind, "Colour": "0"})
    entity_types = ET.SubElement(chart, "EntityTypeCollection")
    icons = {
        _ANX_ICONS.get(n["subkind"] if n["kind"] == "thing" else n["kind"], "Entity")
        for n in sub.nodes
    }
    for icon in sorted(icons):
        ET.SubElement(entity_types, "EntityType", {"Name": icon, "IconFile": icon})
    items = ET.SubElement(chart, "ChartItemCollection")
    for n, node in enumerate(sub.nodes):
        icon = _ANX_ICONS.get(
            node["subkind"] if node["kind"] == "thing" else node["kind"], "Entity"
        )
        when = _anx_time(node["first_available_at"])
        item = ET.SubElement(
            items,
            "ChartItem",
            {
                "Label": str(node["label"]),
                "DateSet": "true" if when else "false",
                **({"DateTime": when} if when else {}),
                "XPosition": str(200 * (n % 10)),
            },
        )
        end = ET.SubElement(item, "End", {"Y": str(200 * (n // 10))})
        entity = ET.SubElement(
            end,
            "Entity",
            {"EntityId": node["node_id"], "Identity": node["node_id"], "LabelIsIdentity": "false"},
        )
        ET.SubElement(ET.SubElement(entity, "Icon"), "IconStyle", {"Type": icon})
        _anx_attributes(
            item,
            [
                ("Lantern id", node["node_id"]),
                ("Kind", node["subkind"] or node["kind"]),
                ("Child", _text(node["is_child"])),
                ("Signal child", _text(node["signal_child"])),
                ("Linked signal children", node["linked_signal_children"]),
                ("First available", _anx_time(node["first_available_at"])),
            ],
        )
    for edge in sub.edges:
        when = _anx_time(edge["first_available_at"])
        item = ET.SubElement(
            items,
            "ChartItem",
            {
                "Label": edge["kind"],
                "DateSet": "true" if when else "false",
                **({"DateTime": when} if when else {}),
            },
        )
        link = ET.SubElement(item, "Link", {"End1Id": edge["src"], "End2Id": edge["dst"]})
        arrow = "ArrowOnHead" if edge["kind"] == "suspect_of" else "ArrowNone"
        ET.SubElement(
            link,
            "LinkStyle",
            {
                "Type": edge["kind"],
                "ArrowStyle": arrow,
                "Strength": "1",
                "MlStyle": "MultiplicityMultiple",
            },
        )
        evidence = edge["evidence"]
        _anx_attributes(
            item,
            [
                ("Link kind", edge["kind"]),
                ("Weight", edge["weight"]),
                ("Events", edge["n_events"]),
                ("First available", when),
                ("Last occurred", _anx_time(edge["last_occurred_at"])),
                ("Agencies", _text(edge["agencies"])),
                ("Evidence", evidence if isinstance(evidence, str) else json.dumps(evidence)),
            ],
        )
    ET.ElementTree(chart).write(out, encoding="utf-8", xml_declaration=True)
    return [out]


def _anx_attributes(item: ET.Element, values: list[tuple[str, object]]) -> None:
    collection = ET.SubElement(item, "AttributeCollection")
    for name, value in values:
        if value is None or value == "":
            continue
        ET.SubElement(collection, "Attribute", {"AttributeClass": name, "Value": _text(value)})


WRITERS = {"graphml": write_graphml, "csv": write_csv, "anx": write_anx}


def export(sub: Subgraph, fmt: str, out: Path) -> list[Path]:
    if fmt not in WRITERS:
        raise UserError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    return WRITERS[fmt](sub, out)
