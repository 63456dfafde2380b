"""Networks: Leiden communities around signal children, and the links beside them.

Steps:

1. `graph_network_edges` — the part of the graph that touches signal children:
   non-routine person and thing edges (weight > 0) of signal children, and of
   the things beside them (so the adult who drives the car is in). Places are
   left out of the communities (a busy place would join unrelated children);
   they are reported as hotspots.
2. Leiden (`leidenalg`, modularity, fixed seed, vertices in sorted order) →
   `graph_communities`. The same input gives the same partition on every run.
3. `networks` — communities that hold at least `min_signal_children` signal
   children *and* have a connector: an adult or thing with non-routine links to
   signal children of at least `min_connector_children` households (children
   who share a home postcode are one household: an uncle of two sisters is
   family, not a network). Links from person records alone (a phone number on
   two children's records — the family landline) never make a connector: a
   connector is seen with the children in events, and its link with each
   child is backed by an event around a signal, by a record naming it a
   suspect (or its car or phone as used by a suspect), or by the child naming
   it (a nickname in the child's narrative): a taxi seen with three children
   on three ordinary school runs is not a connector, even if the children are
   signal children for other reasons. Children who merely know each
   other are not a network; nor is a professional or carer (their edges weigh
   0). A network's connectors join it even if Leiden placed them elsewhere,
   and so do the signal children they link to that are in no network (one
   step, no chaining), so a ring Leiden cut in two is reported whole; so do
   the things a connector uses that are tied to one of the network's signal
   children (the car he drives that she named).
4. `adult_child_links` — every non-routine adult–child link, summed over kinds.
5. `place_hotspots` — places where `hotspot_min_signal_children` signal
   children were recorded.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import igraph as ig
import leidenalg
import pyarrow as pa

from lantern.graph.rules import GraphRules
from lantern.store.steps import create_table

# A weighted undirected edge list and the rules in, node → community number out: by default
# `leiden_communities` in this process; another engine may find them elsewhere
# (`lantern.spark.communities`, Leiden per connected component on Spark's executors).
CommunityFinder = Callable[[list[tuple[str, str, float]], GraphRules], dict[str, int]]

NETWORK_KINDS = (
    "suspect_of",
    "co_event",
    "shared_thing",
    "text_mention",
    "with_thing",
    "same_place",
)


def build_network_edges(con: duckdb.DuckDBPyConnection, *, edges: str = "graph_edges") -> None:
    kinds = "(" + ", ".join(f"'{k}'" for k in NETWORK_KINDS) + ")"
    create_table(
        con,
        "graph_network_edges",
        f"""
        WITH live AS (
            SELECT src, dst, weight FROM {edges} WHERE weight > 0 AND kind IN {kinds}
        ), pairs AS (
            SELECT src, dst, sum(weight) AS weight FROM (
                SELECT least(src, dst) AS src, greatest(src, dst) AS dst, weight FROM live
            ) GROUP BY src, dst
        ), seed AS (SELECT person_id AS node_id FROM graph_signal_children),
        first_ring AS (
            SELECT dst AS node_id FROM pairs JOIN seed ON seed.node_id = pairs.src
            UNION SELECT src FROM pairs JOIN seed ON seed.node_id = pairs.dst
        ), things AS (
            SELECT node_id FROM first_ring
            WHERE node_id NOT IN (SELECT DISTINCT person_id FROM persons)
        ), second_ring AS (
            SELECT dst AS node_id FROM pairs JOIN things ON things.node_id = pairs.src
            UNION SELECT src FROM pairs JOIN things ON things.node_id = pairs.dst
        ), inside AS (
            SELECT node_id FROM seed UNION SELECT node_id FROM first_ring
            UNION SELECT node_id FROM second_ring
        )
        SELECT p.src, p.dst, p.weight FROM pairs p
        WHERE p.src IN (SELECT node_id FROM inside) AND p.dst IN (SELECT node_id FROM inside)
        ORDER BY p.src, p.dst
        """,  # noqa: S608
    )


def leiden_communities(edges: list[tuple[str, str, float]], rules: GraphRules) -> dict[str, int]:
    """Leiden partition of a weighted undirected edge list: node → community number.

    Vertices are numbered in sorted order and the seed is fixed, so the result
    depends only on the edges.
    """
    names = sorted({n for src, dst, _ in edges for n in (src, dst)})
    if not names:
        return {}
    index = {name: i for i, name in enumerate(names)}
    graph = ig.Graph(n=len(names), edges=[(index[s], index[d]) for s, d, _ in edges])
    graph.es["weight"] = [w for _, _, w in edges]
    partition = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=rules.resolution,
        n_iterations=rules.iterations,
        seed=rules.seed,
    )
    return {names[v]: community for v, community in enumerate(partition.membership)}


def build_communities(
    con: duckdb.DuckDBPyConnection, rules: GraphRules, finder: CommunityFinder | None = None
) -> int:
    rows = con.execute(
        "SELECT src, dst, weight FROM graph_network_edges ORDER BY src, dst"
    ).fetchall()
    membership = (finder or leiden_communities)([(s, d, float(w)) for s, d, w in rows], rules)
    table = pa.table(
        {
            "node_id": pa.array(list(membership.keys()), pa.string()),
            "community": pa.array(list(membership.values()), pa.int64()),
        }
    )
    con.register("graph_membership_arrow", table)
    try:
        create_table(
            con, "graph_communities", "SELECT * FROM graph_membership_arrow ORDER BY node_id"
        )
    finally:
        con.unregister("graph_membership_arrow")
    return len(set(membership.values()))


def build_networks(
    con: duckdb.DuckDBPyConnection,
    rules: GraphRules,
    *,
    edges: str = "graph_edges",
    nodes: str = "graph_nodes",
) -> None:
    k = rules.min_connector_children
    # Non-routine links between an adult or thing and a signal child, graph-wide.
    # Family: a contact who shares a family name or a home with the child is the child's
    # family (a grandparent, an aunt, an older brother, a step-parent). Family ties are context
    # on the chart, not a link that makes a connector, unless a record names them a suspect.
    create_table(
        con,
        "graph_family_names",
        """
        SELECT DISTINCT p.person_id, r.family_name_norm AS family_name
        FROM persons p JOIN person_records r USING (record_id)
        WHERE coalesce(r.family_name_norm, '') <> ''
        """,
    )
    create_table(
        con,
        "graph_contact_links",
        f"""
        WITH live AS (
            SELECT src, dst, min(first_available_at) AS first_available_at,
                   bool_or(suspect_evidence) AS suspect
            FROM {edges}
            WHERE weight > 0 AND kind <> 'at_place' AND NOT record_only
              AND (n_signal_events > 0 OR suspect_evidence
                   OR (kind = 'text_mention' AND dst = child_id))  -- named by the child
            GROUP BY src, dst
        ), both_ways AS (
            SELECT src AS node_id, dst AS child_id, first_available_at, suspect FROM live
            UNION ALL SELECT dst, src, first_available_at, suspect FROM live
        ), linked AS (
            SELECT b.node_id, b.child_id, coalesce(h.home, b.child_id) AS household,
                   min(b.first_available_at) AS first_available_at, bool_or(b.suspect) AS suspect
            FROM both_ways b
            JOIN graph_signal_children s ON s.person_id = b.child_id
            LEFT JOIN graph_person_status h ON h.person_id = b.child_id
            JOIN {nodes} n ON n.node_id = b.node_id AND NOT n.is_child AND n.kind IN ('person', 'thing')
            GROUP BY ALL
        ), owners AS (   -- who a thing is recorded with: the person and the adults using it
            SELECT src AS thing_id, dst AS person_id FROM {edges} WHERE kind = 'with_thing'
            UNION SELECT dst, src FROM {edges} WHERE kind = 'with_thing'
        ), family AS (    -- (contact, child) pairs that are family: the contact itself, or a
                          -- car or phone recorded with an adult of the child's family
            SELECT l.node_id, l.child_id
            FROM linked l JOIN graph_person_status ch ON ch.person_id = l.node_id
            WHERE ch.home = l.household
            UNION
            SELECT l.node_id, l.child_id
            FROM linked l JOIN graph_family_names a ON a.person_id = l.node_id
            JOIN graph_family_names c ON c.family_name = a.family_name AND c.person_id = l.child_id
            UNION
            SELECT l.node_id, l.child_id
            FROM linked l JOIN owners o ON o.thing_id = l.node_id
            JOIN {nodes} n ON n.node_id = o.person_id AND n.kind = 'person' AND NOT n.is_child
            JOIN graph_family_names a ON a.person_id = o.person_id
            JOIN graph_family_names c ON c.family_name = a.family_name AND c.person_id = l.child_id
        )
        SELECT l.node_id, l.child_id, l.household, l.first_available_at
        FROM linked l
        WHERE l.suspect OR NOT EXISTS (
            SELECT 1 FROM family f WHERE f.node_id = l.node_id AND f.child_id = l.child_id)
        """,  # noqa: S608
    )
    # Connectors of each community: adults/things linked to signal children of >= k households
    # (an uncle of two sisters, or the family landline, connects one family, not a network).
    create_table(
        con,
        "graph_connectors",
        f"""
        SELECT m.community, l.node_id, count(*) AS n_children,
               count(DISTINCT l.household) AS n_households,
               list_sort(list(l.first_available_at))[{k}] AS connected_at
        FROM graph_contact_links l
        JOIN graph_communities m ON m.node_id = l.child_id
        GROUP BY m.community, l.node_id HAVING count(DISTINCT l.household) >= {k}
        """,  # noqa: S608
    )
    create_table(
        con,
        "graph_networks",
        f"""
        WITH sizes AS (
            SELECT m.community,
                   count(*) FILTER (WHERE s.person_id IS NOT NULL) AS signal_children,
                   min(m.node_id) FILTER (WHERE s.person_id IS NOT NULL) AS anchor
            FROM graph_communities m LEFT JOIN graph_signal_children s ON s.person_id = m.node_id
            GROUP BY m.community
        ), kept AS (
            SELECT z.community, z.anchor, z.signal_children, min(c.connected_at) AS first_available_at
            FROM sizes z JOIN graph_connectors c USING (community)
            WHERE z.signal_children >= {rules.min_signal_children}
            GROUP BY ALL
        )
        SELECT 'N' || lpad(CAST(row_number() OVER (ORDER BY anchor) AS VARCHAR), 6, '0') AS network_id,
               community, signal_children, first_available_at
        FROM kept
        """,  # noqa: S608
    )
    # Members: what an analyst would sign as the network, not everyone Leiden put beside it.
    # The connectors; the signal children a connector is linked to by evidence of concern;
    # the things a connector uses that are tied to one of those children (the car he drives
    # that she named); the adults tied to a connector as co-suspects or associates, or using
    # a connector's car or phone; and the places where two of its children were seen. A
    # mother, a boyfriend, a relative or a classmate in the same community is context on the
    # chart (`lantern graph export --all-links`), not a member.
    create_table(
        con,
        "networks",
        f"""
        WITH connectors AS (
            SELECT g.network_id, g.community, c.node_id
            FROM graph_networks g JOIN graph_connectors c USING (community)
        ), linked_children AS ( -- the signal children a connector is linked to by concern
            SELECT DISTINCT c.network_id, l.child_id AS node_id
            FROM connectors c JOIN graph_contact_links l ON l.node_id = c.node_id
        ), core AS (
            SELECT network_id, node_id FROM connectors UNION SELECT * FROM linked_children
        ), live AS (
            SELECT src AS a, dst AS b FROM {edges} WHERE weight > 0 AND kind <> 'at_place'
            UNION SELECT dst, src FROM {edges} WHERE weight > 0 AND kind <> 'at_place'
        ), connector_things AS ( -- things a connector uses that are tied to a member child too
            SELECT DISTINCT c.network_id, t.b AS node_id
            FROM connectors c
            JOIN live t ON t.a = c.node_id
            JOIN {nodes} tn ON tn.node_id = t.b AND tn.kind = 'thing'
            JOIN live k ON k.a = t.b
            JOIN core m ON m.network_id = c.network_id AND m.node_id = k.b
            JOIN graph_signal_children s ON s.person_id = k.b
        ), beside AS (SELECT * FROM core UNION SELECT * FROM connector_things
        ), associates AS ( -- adults tied to a connector person or thing, in its community
            SELECT DISTINCT c.network_id, t.b AS node_id
            FROM beside c
            JOIN {nodes} cn ON cn.node_id = c.node_id AND NOT cn.is_child
            JOIN live t ON t.a = c.node_id
            JOIN {nodes} an ON an.node_id = t.b AND an.kind = 'person' AND NOT an.is_child
              AND NOT an.routine
            JOIN graph_networks g ON g.network_id = c.network_id
            JOIN graph_communities m ON m.node_id = t.b AND m.community = g.community
        ), all_members AS (
            SELECT * FROM beside UNION SELECT * FROM associates
        ), members AS (
            SELECT a.network_id, a.node_id,
                   CASE WHEN s.person_id IS NOT NULL THEN 'child'
                        WHEN n.is_child THEN 'linked_child'
                        WHEN c.node_id IS NOT NULL AND n.kind = 'person' THEN 'connector'
                        WHEN c.node_id IS NOT NULL THEN 'connector_thing'
                        WHEN n.kind = 'person' THEN 'adult'
                        ELSE 'thing' END AS role_in_network
            FROM all_members a
            JOIN {nodes} n ON n.node_id = a.node_id
            LEFT JOIN graph_signal_children s ON s.person_id = a.node_id
            LEFT JOIN connectors c ON c.network_id = a.network_id AND c.node_id = a.node_id
        ), places AS (   -- places where two or more of the network's children were seen
            SELECT mb.network_id, e.dst AS node_id, 'place' AS role_in_network
            FROM members mb JOIN {edges} e ON e.src = mb.node_id AND e.kind = 'at_place' AND e.weight > 0
            WHERE mb.role_in_network IN ('child', 'linked_child')
            GROUP BY mb.network_id, e.dst HAVING count(DISTINCT mb.node_id) >= 2
        )
        SELECT * FROM members UNION ALL SELECT * FROM places
        ORDER BY network_id, node_id
        """,  # noqa: S608
    )


def build_adult_child_links(
    con: duckdb.DuckDBPyConnection, *, edges: str = "graph_edges", nodes: str = "graph_nodes"
) -> None:
    create_table(
        con,
        "adult_child_links",
        f"""
        WITH both_ways AS (
            SELECT src AS adult_id, dst AS child_id, * EXCLUDE (src, dst) FROM {edges}
            UNION ALL SELECT dst, src, * EXCLUDE (src, dst) FROM {edges}
        )
        SELECT b.adult_id, b.child_id, s.person_id IS NOT NULL AS signal_child,
               sum(b.weight) AS weight, list_sort(list(DISTINCT b.kind)) AS kinds,
               sum(b.n_events) AS n_events, min(b.first_available_at) AS first_available_at,
               max(b.last_occurred_at) AS last_occurred_at
        FROM both_ways b
        JOIN {nodes} a ON a.node_id = b.adult_id AND a.kind = 'person' AND NOT a.is_child
        JOIN {nodes} c ON c.node_id = b.child_id AND c.kind = 'person' AND c.is_child
        LEFT JOIN graph_signal_children s ON s.person_id = b.child_id
        WHERE b.weight > 0
        GROUP BY ALL
        ORDER BY b.adult_id, b.child_id
        """,  # noqa: S608
    )


def build_hotspots(
    con: duckdb.DuckDBPyConnection, rules: GraphRules, *, edges: str = "graph_edges"
) -> None:
    k = rules.hotspot_min_signal_children
    create_table(
        con,
        "place_hotspots",
        f"""
        WITH visits AS (
            SELECT e.dst AS place_id, e.src AS child_id, e.first_available_at, e.last_occurred_at,
                   e.n_events
            FROM {edges} e JOIN graph_signal_children s ON s.person_id = e.src
            WHERE e.kind = 'at_place' AND e.weight > 0
        )
        SELECT v.place_id, count(*) AS signal_children, sum(v.n_events) AS visits,
               list_sort(list(v.child_id)) AS children,
               list_sort(list(v.first_available_at))[{k}] AS first_available_at,
               max(v.last_occurred_at) AS last_occurred_at
        FROM visits v
        GROUP BY v.place_id HAVING count(*) >= {k}
        ORDER BY signal_children DESC, v.place_id
        """,  # noqa: S608
    )
