"""Centrality, paths and exports on small hand-built graphs whose answers are known."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import datetime

import igraph as ig
import pytest

from lantern.errors import UserError
from lantern.graph import centrality, export
from lantern.graph.paths import find_paths
from lantern.store.connection import connect


def write_graph(con, edges: list[tuple[str, str, str, float]]) -> None:
    """graph_nodes/graph_edges straight from (src, dst, kind, weight) rows."""
    con.execute(
        "CREATE TABLE graph_edges (src VARCHAR, dst VARCHAR, kind VARCHAR, weight DOUBLE, "
        "first_available_at TIMESTAMP, last_occurred_at TIMESTAMP, n_events INTEGER, evidence JSON, "
        "agencies VARCHAR[], routine BOOLEAN, routine_reason VARCHAR)"
    )
    for n, (src, dst, kind, weight) in enumerate(edges):
        at = datetime(2010, 1, 1 + n, 12, 0)
        evidence = json.dumps(
            [
                {
                    "event_id": f"police:e{n}",
                    "agency": "police",
                    "occurred_at": str(at),
                    "recorded_at": str(at),
                    "available_at": str(at),
                    "role": "associate/subject",
                }
            ]
        )
        con.execute(
            "INSERT INTO graph_edges VALUES (?, ?, ?, ?, ?, ?, 1, ?, ['police'], ?, NULL)",
            [src, dst, kind, weight, at, at, evidence, weight == 0],
        )
    con.execute(
        """CREATE TABLE graph_nodes AS
           SELECT node_id,
                  CASE WHEN node_id LIKE 'place:%' THEN 'place'
                       WHEN node_id LIKE 'vehicle:%' THEN 'thing' ELSE 'person' END AS kind,
                  CASE WHEN node_id LIKE 'vehicle:%' THEN 'vehicle' ELSE 'adult' END AS subkind,
                  upper(node_id) AS label, false AS is_child, false AS signal_child,
                  0 AS linked_signal_children, false AS routine,
                  min(first_available_at) AS first_available_at
           FROM (SELECT src AS node_id, first_available_at FROM graph_edges
                 UNION ALL SELECT dst, first_available_at FROM graph_edges)
           GROUP BY node_id"""
    )
    con.execute("CREATE TABLE persons (record_id VARCHAR, person_id VARCHAR)")


@pytest.fixture
def con(store_path):
    connection = connect(store_path)
    yield connection
    connection.close()


def stats(con) -> dict[str, dict]:
    centrality.build_stats(con)
    cur = con.execute("SELECT * FROM graph_stats")
    names = [d[0] for d in cur.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def test_centrality_on_a_path_a_b_c_d_e(con):
    write_graph(
        con,
        [
            ("a", "b", "co_event", 1),
            ("b", "c", "co_event", 1),
            ("c", "d", "co_event", 1),
            ("d", "e", "co_event", 1),
        ],
    )
    s = stats(con)
    assert [s[n]["betweenness"] for n in "abcde"] == [0, 3, 4, 3, 0]
    assert [s[n]["degree"] for n in "abcde"] == [1, 2, 2, 2, 1]
    # Harmonic closeness: each hop costs 1 + 1/(1 + 1) = 1.5; c is 1.5 from b, d and 3 from a, e.
    assert s["c"]["closeness"] == pytest.approx((2 / 1.5 + 2 / 3) / 4)
    assert s["c"]["closeness"] > s["b"]["closeness"] > s["a"]["closeness"]
    assert s["c"]["eigenvector"] == pytest.approx(1.0)
    assert s["a"]["eigenvector"] == pytest.approx(s["e"]["eigenvector"])


def test_centrality_on_a_weighted_star_and_a_routine_edge(con):
    write_graph(
        con,
        [
            ("hub", "x", "co_event", 2),
            ("hub", "y", "suspect_of", 3),
            ("hub", "z", "co_event", 1),
            ("z", "w", "co_event", 0),
        ],
    )
    s = stats(con)
    assert s["hub"]["weighted_degree"] == 6 and s["hub"]["degree"] == 3
    assert s["hub"]["betweenness"] == 3  # x-y, x-z, y-z all pass through the hub
    assert s["hub"]["eigenvector"] == pytest.approx(1.0)
    assert s["y"]["eigenvector"] > s["x"]["eigenvector"] > s["z"]["eigenvector"]
    # The weight-0 (routine) edge is not in the analysed graph: w stands alone.
    assert s["w"]["degree"] == 0 and s["w"]["component_size"] == 1
    assert s["hub"]["component_size"] == 4


def test_shortest_and_next_shortest_path_with_evidence(con):
    # man -(car)- girl is two hops through the car, and two hops through a friend (weaker);
    # the direct route through the place is three hops.
    write_graph(
        con,
        [
            ("man", "vehicle:AB12CDE", "with_thing", 3),
            ("vehicle:AB12CDE", "girl", "text_mention", 3),
            ("man", "friend", "co_event", 1),
            ("friend", "girl", "co_event", 1),
            ("man", "place:flat", "at_place", 1),
            ("place:flat", "pal", "at_place", 1),
            ("pal", "girl", "co_event", 1),
        ],
    )
    paths = find_paths(con, "man", "girl", k=3)
    assert [p.nodes for p in paths] == [
        ["man", "vehicle:AB12CDE", "girl"],
        ["man", "friend", "girl"],
        ["man", "place:flat", "pal", "girl"],
    ]
    hop = paths[0].hops[0]
    assert (hop.src, hop.dst, hop.src_label) == ("man", "vehicle:AB12CDE", "MAN")
    [link] = hop.links
    assert link.kind == "with_thing" and link.first_available_at.startswith("2010-01-01")
    assert link.evidence[0]["event_id"] == "police:e0"


def test_no_path_through_routine_links_unless_asked(con):
    write_graph(con, [("a", "social_worker", "co_event", 0), ("social_worker", "b", "co_event", 0)])
    assert find_paths(con, "a", "b") == []
    [path] = find_paths(con, "a", "b", include_routine=True)
    assert path.nodes == ["a", "social_worker", "b"]


def test_an_unknown_node_is_a_user_error(con):
    write_graph(con, [("a", "b", "co_event", 1)])
    with pytest.raises(UserError, match="nobody"):
        find_paths(con, "a", "nobody")


def _star_export(con, fmt, tmp_path):
    write_graph(
        con,
        [
            ("hub", "x", "co_event", 2),
            ("hub", "vehicle:AB12CDE", "with_thing", 3),
            ("x", "place:flat", "at_place", 1),
        ],
    )
    con.execute(
        "CREATE TABLE networks AS SELECT 'N000001' AS network_id, node_id, 'adult' AS "
        "role_in_network FROM graph_nodes"
    )
    sub = export.network_subgraph(con, "N000001")
    return sub, export.export(sub, fmt, tmp_path / f"net.{fmt}")


def test_graphml_export_reads_back_with_every_node_edge_and_date(con, tmp_path):
    sub, [path] = _star_export(con, "graphml", tmp_path)
    g = ig.Graph.Read_GraphML(str(path))
    assert sorted(g.vs["id"]) == sorted(n["node_id"] for n in sub.nodes)
    assert g.ecount() == 3
    got = {(g.vs[e.source]["id"], g.vs[e.target]["id"]): e for e in g.es}
    edge = got[("hub", "vehicle:AB12CDE")]
    assert edge["kind"] == "with_thing" and edge["weight"] == 3.0
    assert edge["first_available_at"] == "2010-01-02T12:00:00"
    assert json.loads(edge["evidence"])[0]["event_id"] == "police:e1"


def test_csv_export_writes_nodes_and_edges(con, tmp_path):
    sub, paths = _star_export(con, "csv", tmp_path)
    assert [p.name for p in paths] == ["net-nodes.csv", "net-edges.csv"]
    with paths[1].open() as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["src"], r["dst"], r["kind"], r["first_available_at"]) for r in rows} == {
        ("hub", "x", "co_event", "2010-01-01T12:00:00"),
        ("hub", "vehicle:AB12CDE", "with_thing", "2010-01-02T12:00:00"),
        ("x", "place:flat", "at_place", "2010-01-03T12:00:00"),
    }
    with paths[0].open() as handle:
        assert {r["node_id"] for r in csv.DictReader(handle)} == {n["node_id"] for n in sub.nodes}


def test_anx_export_parses_back_with_entities_links_dates_and_attributes(con, tmp_path):
    sub, [path] = _star_export(con, "anx", tmp_path)
    chart = ET.parse(path).getroot()
    assert chart.tag == "Chart"
    classes = {c.get("Name"): c.get("Type") for c in chart.iter("AttributeClass")}
    assert classes["First available"] == "AttTime" and classes["Weight"] == "AttNumber"
    entity_types = {t.get("Name") for t in chart.iter("EntityType")}
    items = chart.find("ChartItemCollection")
    entities, links = {}, []
    for item in items:
        attrs = {a.get("AttributeClass"): a.get("Value") for a in item.iter("Attribute")}
        for a in item.iter("Attribute"):
            assert a.get("AttributeClass") in classes
        entity = item.find("End/Entity")
        if entity is not None:
            icon = entity.find("Icon/IconStyle").get("Type")
            assert icon in entity_types
            entities[entity.get("EntityId")] = (item.get("DateTime"), attrs, icon)
        else:
            link = item.find("Link")
            links.append(
                (
                    link.get("End1Id"),
                    link.get("End2Id"),
                    item.get("Label"),
                    item.get("DateTime"),
                    attrs,
                )
            )
    assert set(entities) == {n["node_id"] for n in sub.nodes}
    assert entities["vehicle:AB12CDE"][2] == "Vehicle" and entities["place:flat"][2] == "Place"
    assert entities["hub"][0] == "2010-01-01T12:00:00"
    assert len(links) == len(sub.edges) == 3
    for end1, end2, label, when, attrs in links:
        assert end1 in entities and end2 in entities
        original = next(
            e for e in sub.edges if (e["src"], e["dst"], e["kind"]) == (end1, end2, label)
        )
        assert when == original["first_available_at"].strftime("%Y-%m-%dT%H:%M:%S")
        assert float(attrs["Weight"]) == original["weight"]
        assert json.loads(attrs["Evidence"])[0]["agency"] == "police"


def test_export_of_a_person_neighbourhood_by_hops(con, tmp_path):
    write_graph(
        con, [("a", "b", "co_event", 1), ("b", "c", "co_event", 1), ("c", "d", "co_event", 1)]
    )
    assert {n["node_id"] for n in export.person_subgraph(con, "a", hops=1).nodes} == {"a", "b"}
    assert {n["node_id"] for n in export.person_subgraph(con, "a", hops=2).nodes} == {"a", "b", "c"}
    with pytest.raises(UserError):
        export.export(export.person_subgraph(con, "a"), "pdf", tmp_path / "x.pdf")
