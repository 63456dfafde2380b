"""Place hotspots: places and postcode sectors where several at-risk children were seen.

Read from the graph: a place's links (`at_place`, `same_place`, with weight > 0) and their
evidence — from `graph_evidence`, one row per piece (the same rows as each edge's `evidence`
JSON, without parsing it: on the 150,000-child county the JSON took over a second), or from the
JSON where a store has no `graph_evidence`. A child is at risk when the graph marks them a signal child (`graph_nodes.signal_child`)
or, where the graph has no such column, when their assessment band is medium or high. For each
place: how many at-risk children, which, how many records put anyone there (by year), and the
vehicles named in those records.
"""

from __future__ import annotations

from typing import Any

from lantern.app.store_reader import Analytics

MIN_CHILDREN = 2
LIMIT = 50


def _at_risk(analytics: Analytics) -> str:
    if ("graph_nodes", "signal_child") in analytics.columns:
        return "SELECT node_id FROM graph_nodes WHERE signal_child"
    return "SELECT person_id FROM assessments WHERE kind = 'child' AND band IN ('medium', 'high')"


def _visits(analytics: Analytics) -> str:
    """(place_id, other, event_id, at) for every piece of evidence of a place's live links."""
    places = """
        SELECT CASE WHEN a.kind = 'place' THEN e.src ELSE e.dst END AS place_id,
               CASE WHEN a.kind = 'place' THEN e.dst ELSE e.src END AS other,
               e.src, e.dst, e.kind, e.evidence
        FROM graph_edges e
        JOIN graph_nodes a ON a.node_id = e.src JOIN graph_nodes b ON b.node_id = e.dst
        WHERE (a.kind = 'place') <> (b.kind = 'place') AND e.weight > 0
    """
    if analytics.has("graph_evidence"):
        return f"""
            SELECT pe.place_id, pe.other, ev.event_id, ev.occurred_at AS at
            FROM ({places}) pe JOIN graph_evidence ev USING (src, dst, kind)
        """  # noqa: S608 - fixed SQL fragments
    return f"""
        SELECT place_id, other, item ->> 'event_id' AS event_id,
               TRY_CAST(item ->> 'occurred_at' AS TIMESTAMP) AS at
        FROM (SELECT place_id, other, unnest(from_json(evidence::JSON, '["json"]')) AS item
              FROM ({places}))
    """  # noqa: S608 - fixed SQL fragments


def hotspots(analytics: Analytics, min_children: int = MIN_CHILDREN) -> list[dict[str, Any]]:
    if not (analytics.has("graph_edges") and analytics.has("graph_nodes")):
        return []
    rows = analytics.q(
        f"""
        WITH visits AS ({_visits(analytics)}),
        risk AS ({_at_risk(analytics)})
        SELECT v.place_id, n.label,
               count(DISTINCT v.other) FILTER (WHERE v.other IN (SELECT * FROM risk)) AS children_n,
               list(DISTINCT v.other) FILTER (WHERE v.other IN (SELECT * FROM risk)) AS children,
               count(DISTINCT v.event_id) AS visits, min(v.at) AS first_at, max(v.at) AS last_at,
               list(DISTINCT v.event_id) AS event_ids
        FROM visits v JOIN graph_nodes n ON n.node_id = v.place_id
        GROUP BY ALL
        HAVING children_n >= ?
        ORDER BY children_n DESC, visits DESC, v.place_id
        LIMIT {LIMIT}
        """,  # noqa: S608 - fixed SQL fragments; values are bound
        [min_children],
    )
    if not rows:
        return []
    event_ids = sorted({e for r in rows for e in r["event_ids"] if e})
    years: dict[str, int] = {
        r["event_id"]: r["year"]
        for r in analytics.q(
            "SELECT event_id, year(occurred_at) AS year FROM events "
            "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
            [event_ids],
        )
    }
    vehicles: dict[str, set[str]] = {}
    if analytics.has("thing_mentions"):
        for r in analytics.q(
            "SELECT DISTINCT event_id, thing_id FROM thing_mentions "
            "WHERE thing_id LIKE 'vehicle:%' AND event_id IN (SELECT unnest(?::VARCHAR[]))",
            [event_ids],
        ):
            vehicles.setdefault(r["event_id"], set()).add(r["thing_id"])
    people = analytics.people(sorted({c for r in rows for c in r["children"]}))
    out = []
    for r in rows:
        by_year: dict[int, int] = {}
        seen: set[str] = set()
        for event_id in r["event_ids"]:
            if event_id in years and years[event_id] is not None:
                by_year[years[event_id]] = by_year.get(years[event_id], 0) + 1
            seen |= vehicles.get(event_id, set())
        out.append(
            {
                "place_id": r["place_id"],
                "label": r["label"] or r["place_id"],
                "children": sorted(
                    (
                        {"id": c, "name": people[c].name if c in people else c}
                        for c in r["children"]
                    ),
                    key=lambda c: c["name"],
                ),
                "visits": int(r["visits"]),
                "first_at": r["first_at"],
                "last_at": r["last_at"],
                "by_year": sorted(by_year.items()),
                "vehicles": sorted(seen),
            }
        )
    return out
