"""Networks replayed by `recorded_at`: who was tied to each network by a date, and when
it was first flagged.

The graph stage finds networks once, on the whole history: Leiden cannot be
run again for every day. What is replayed is membership. A network's own
evidence — the `graph_evidence` rows between two of its members, on
non-routine edges, outside a protective role — arrives on its `available_at`
date (the day the last record needed to show it was recorded). Its nodes are
*records* (and things), not final persons, and two records of one person
count as one only once the link between them is available (replay.md §2).

A member is **in the network on D** when a chain of the network's evidence
available by D ties one of its records to one of the network's connectors
(`connector`, `connector_thing`). The network is **flagged on D** when, on D,
at least `min_flagged_children` children in it, and — if any adult is in it
on D — at least `min_flagged_adults` adults in it, had been flagged by the
score replay (their first flag on or before D, on any as-of part of the
person). So no record recorded after D ties a member to the network, flags a
member, or joins two of its records, on D.

What is not replayed: the partition itself. Leiden on the graph of the
records recorded by D may cut a ring differently, or not find it yet; the
network's *identity* comes from the whole history, its *membership and dates*
only from what was recorded by each date (docs/replay.md).

**Concern, replayed.** The graph stage labels each network by what its children's
records point to (`graph_network_concerns`, on the whole history). The flag is held to
the same test on each day: a network whose flagged children, on D, mostly have records
naming criminal exploitation and mostly have no sign of sexual harm recorded by D is not
flagged as a CSE network on D — it is still listed, with its members, for the
partnership's criminal-exploitation response. The lists of signs are the graph rules'
(`signal_child.not_signals`, `network_concern`), as the graph stage used them
(`graph_concern_signs`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from lantern.score.replay import BandChange, RecordLink
from lantern.score.weights import BAND_RANK, NetworkWeights
from lantern.store.connection import table_exists

CONNECTOR_ROLES = ("connector", "connector_thing")
FLAG_RANK = BAND_RANK["medium"]


@dataclass(frozen=True, slots=True)
class Tie:
    """One piece of a network's own evidence: two of its nodes, available on `day`."""

    network_id: str
    day: date
    a: str  # a record_id, or a thing_id
    b: str


@dataclass(frozen=True, slots=True)
class Signs:
    """The first day a record named criminal exploitation, and showed a sign of sexual harm."""

    criminal: date | None
    sexual: date | None


@dataclass(slots=True)
class Network:
    network_id: str
    nodes: set[str] = field(default_factory=set)  # its records and things
    anchors: set[str] = field(default_factory=set)  # the records and things of its connectors
    ties: list[Tie] = field(default_factory=list)
    signs: dict[str, Signs] = field(default_factory=dict)  # by record, recorded by `until`


@dataclass(frozen=True, slots=True)
class NetworkState:
    network_id: str
    members: frozenset[str]  # records and things in the network on the assessment date
    flagged_at: date | None


def read_networks(
    con: duckdb.DuckDBPyConnection,
    until: date,
    scored_text_layers: Sequence[str] | None = None,
) -> dict[str, Network]:
    """The graph's networks as records and things, with their evidence recorded by `until`;
    a text hit counts as a sign only when its layer is one of `scored_text_layers` (None:
    every layer), as in the child's score."""
    if not all(table_exists(con, t) for t in ("networks", "graph_evidence", "graph_edges")):
        return {}
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE score_network_nodes AS
        SELECT DISTINCT n.network_id, coalesce(p.record_id, n.node_id) AS node,
               bool_or(n.role_in_network IN ('connector', 'connector_thing')) AS anchor
        FROM networks AS n LEFT JOIN persons AS p ON p.person_id = n.node_id
        WHERE n.role_in_network <> 'place'
        GROUP BY ALL
        """
    )
    networks: dict[str, Network] = {}
    for network_id, node, anchor in con.execute(
        "SELECT network_id, node, anchor FROM score_network_nodes ORDER BY 1, 2"
    ).fetchall():
        network = networks.setdefault(network_id, Network(network_id))
        network.nodes.add(node)
        if anchor:
            network.anchors.add(node)
    # Evidence between two records (or things) of one network, on a non-routine edge.
    ties = con.execute(
        """
        WITH live AS (
            SELECT DISTINCT src, dst, kind FROM graph_edges WHERE weight > 0 AND kind <> 'at_place'
        ), evidence AS (
            SELECT CAST(e.available_at AS DATE) AS day,
                   coalesce(e.src_record, e.src) AS a, coalesce(e.dst_record, e.dst) AS b
            FROM graph_evidence AS e
            JOIN live AS l ON l.src = e.src AND l.dst = e.dst AND l.kind = e.kind
            WHERE e.available_at < ? AND e.points > 0 AND NOT coalesce(e.protective, FALSE)
        )
        SELECT DISTINCT na.network_id, e.day, e.a, e.b
        FROM evidence AS e
        JOIN score_network_nodes AS na ON na.node = e.a
        JOIN score_network_nodes AS nb ON nb.node = e.b AND nb.network_id = na.network_id
        ORDER BY 1, 2, 3, 4
        """,
        [until + timedelta(days=1)],
    ).fetchall()
    for network_id, day, a, b in ties:
        networks[network_id].ties.append(Tie(network_id, day, a, b))
    _read_signs(con, networks, until, scored_text_layers)
    return networks


def concern_signs(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The concern test's lists as the graph stage used them (`graph_concern_signs`); the
    default graph rules for a store whose graph stage predates that table."""
    lists: dict[str, list[str]] = {
        "criminal_indicator": [], "sexual_category": [], "sexual_indicator": [],
    }  # fmt: skip
    if table_exists(con, "graph_concern_signs"):
        for sign, value in con.execute(
            "SELECT sign, value FROM graph_concern_signs ORDER BY 1, 2"
        ).fetchall():
            lists.setdefault(sign, []).append(value)
        return lists
    from lantern.graph.rules import load_rules

    rules = load_rules()
    lists["criminal_indicator"] = list(rules.signal_not_signals)
    lists["sexual_category"] = list(rules.sexual_categories)
    lists["sexual_indicator"] = list(rules.sexual_indicators)
    return lists


def _read_signs(
    con: duckdb.DuckDBPyConnection,
    networks: dict[str, Network],
    until: date,
    scored_text_layers: Sequence[str] | None = None,
) -> None:
    """Each network record's first criminal-exploitation and sexual-harm signs, by `until`
    (a text hit of a layer the weights do not score is shown, never a sign here either)."""
    from lantern.sql import sql_list

    lists = concern_signs(con)
    criminal = lists["criminal_indicator"]
    if not criminal or not table_exists(con, "indicator_hits"):
        return
    # a hit the record attributes to another concern (abuse in the family, by a peer) is not
    # a sign of sexual exploitation: the same test as graph/concerns.py
    concern = "h.concern"
    layer = "NULL" if scored_text_layers is None else "h.text_layer"
    layers = None if scored_text_layers is None else list(scored_text_layers)
    rows = con.execute(
        f"""
        SELECT n.network_id, h.record_id,
               min(CAST(h.recorded_at AS DATE)) FILTER (
                   WHERE h.indicator IN {sql_list(criminal)}),
               min(CAST(h.recorded_at AS DATE)) FILTER (
                   WHERE (h.category IN {sql_list(lists["sexual_category"] or [""])}
                          OR h.indicator IN {sql_list(lists["sexual_indicator"] or [""])})
                     AND coalesce({concern}, 'sexual_exploitation') = 'sexual_exploitation')
        FROM indicator_hits AS h
        JOIN score_network_nodes AS n ON n.node = h.record_id
        WHERE h.recorded_at < ?
          AND (?::VARCHAR[] IS NULL OR {layer} IS NULL OR list_contains(?::VARCHAR[], {layer}))
        GROUP BY ALL
        """,  # noqa: S608 - the lists come from the validated graph rules file
        [until + timedelta(days=1), layers, layers],
    ).fetchall()
    for network_id, record, criminal, sexual in rows:
        if criminal is not None or sexual is not None:
            networks[network_id].signs[record] = Signs(criminal, sexual)


def first_flags(history: list[BandChange]) -> tuple[dict[str, date], dict[str, date]]:
    """Per as-of cluster label (a record), the first day its child and adult bands reached medium."""
    child: dict[str, date] = {}
    adult: dict[str, date] = {}
    for change in history:
        if BAND_RANK[change.band] >= FLAG_RANK:
            flags = child if change.track == "child" else adult
            if change.cluster not in flags or change.at < flags[change.cluster]:
                flags[change.cluster] = change.at
    return child, adult


class _Sets:
    """Union–find over a network's nodes."""

    def __init__(self, nodes: set[str]) -> None:
        self.parent = {n: n for n in nodes}

    def find(self, node: str) -> str:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
        return ra


def replay_network(
    network: Network,
    identity: list[RecordLink],
    child_flags: dict[str, date],
    adult_flags: dict[str, date],
    kind_of: dict[str, str],
    rules: NetworkWeights,
    until: date,
) -> NetworkState:
    """One network's members on `until`, and the first day it was flagged (docs/scoring.md)."""
    records = {n for n in network.nodes if n in kind_of}
    events: dict[date, list[tuple[str, str, bool]]] = defaultdict(list)
    for tie in network.ties:
        events[tie.day].append((tie.a, tie.b, True))
    for link in identity:
        if link.record_l in records and link.record_r in records:
            events[link.available].append((link.record_l, link.record_r, False))
    flags = {
        "child": {r: d for r, d in child_flags.items() if r in records},
        "adult": {r: d for r, d in adult_flags.items() if r in records},
    }
    flag_days = {d for by_record in flags.values() for d in by_record.values()}
    sign_days = {d for sign in network.signs.values() for d in (sign.criminal, sign.sexual) if d}
    days = sorted(d for d in set(events) | flag_days | sign_days if d <= until)

    tied = _Sets(network.nodes)  # joined by evidence or identity
    same = _Sets(records)  # joined by identity alone: the persons as of the day
    evidenced: set[str] = set()  # roots of `tied` holding at least one piece of evidence
    flagged_at = None
    members: set[str] = set()
    for day in days:
        for a, b, is_evidence in events.get(day, ()):
            was = {tied.find(a), tied.find(b)} & evidenced
            root = tied.union(a, b)
            if is_evidence or was:
                evidenced.add(root)
            if not is_evidence:
                same.union(a, b)
        anchored = {tied.find(a) for a in network.anchors} & evidenced
        members = {n for n in network.nodes if tied.find(n) in anchored}
        if (
            flagged_at is None
            and _flagged(members, same, flags, kind_of, rules, day)
            and not _criminal_concern(members, same, flags["child"], network.signs, day)
        ):
            flagged_at = day
    return NetworkState(network.network_id, frozenset(members), flagged_at)


def _flagged(
    members: set[str],
    same: _Sets,
    flags: dict[str, dict[str, date]],
    kind_of: dict[str, str],
    rules: NetworkWeights,
    day: date,
) -> bool:
    """Enough of the network's children (and an adult, if it has one on `day`) flagged by `day`."""
    persons: dict[str, set[str]] = {"child": set(), "adult": set()}
    for record in members:
        kind = kind_of.get(record)
        if kind is not None:  # not a thing
            persons[kind].add(same.find(record))
    # A person is flagged when any of their records' as-of parts was.
    flagged = {
        kind: {same.find(r) for r, at in flags[kind].items() if at <= day} & persons[kind]
        for kind in persons
    }
    if len(flagged["child"]) < rules.min_flagged_children:
        return False
    if rules.min_flagged_adults and persons["adult"]:
        return len(flagged["adult"]) >= rules.min_flagged_adults
    return True


def _criminal_concern(
    members: set[str],
    same: _Sets,
    child_flags: dict[str, date],
    signs: dict[str, Signs],
    day: date,
) -> bool:
    """On `day`, do the network's flagged children point to criminal, not sexual, exploitation?

    The graph stage's test (graph/concerns.py) on what was recorded by `day`: at least half
    the flagged children name criminal exploitation and fewer than half show sexual harm.
    """
    if not signs:
        return False
    children = {same.find(r) for r, at in child_flags.items() if at <= day and r in members}
    criminal: set[str] = set()
    sexual: set[str] = set()
    for record, sign in signs.items():
        if record not in members:
            continue
        person = same.find(record)
        if person not in children:
            continue
        if sign.criminal is not None and sign.criminal <= day:
            criminal.add(person)
        if sign.sexual is not None and sign.sexual <= day:
            sexual.add(person)
    return 2 * len(criminal) >= len(children) > 2 * len(sexual)


def replay_networks(
    networks: dict[str, Network],
    identity: list[RecordLink],
    history: list[BandChange],
    kind_of: dict[str, str],
    rules: NetworkWeights,
    until: date,
) -> list[NetworkState]:
    child_flags, adult_flags = first_flags(history)
    return [
        replay_network(networks[n], identity, child_flags, adult_flags, kind_of, rules, until)
        for n in sorted(networks)
    ]
