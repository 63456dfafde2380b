"""Place hotspots: the places the graph stage reports (`place_hotspots`), with their records.

Which places are hotspots, and which children at risk were recorded there, is the graph's
decision (`hotspot_min_signal_children` signal children, `graph/rules.yaml`): the page reads it
and can only raise the bar (`?min=`). Beside each place it shows the records that put anyone
there — the evidence of the place's live `at_place` links in `graph_evidence` — by year, the
first and last dates, and the vehicles named in those records.
"""

from __future__ import annotations

from typing import Any

from lantern.app.store_reader import Analytics

LIMIT = 50


def hotspots(analytics: Analytics, min_children: int = 0) -> list[dict[str, Any]]:
    if not analytics.has("place_hotspots"):
        return []
    rows = analytics.q(
        f"""
        WITH places AS (
            SELECT h.place_id, h.children, h.signal_children
            FROM place_hotspots h
            WHERE h.signal_children >= ?
            ORDER BY h.signal_children DESC, h.place_id
            LIMIT {LIMIT}
        ), visits AS (
            SELECT ev.dst AS place_id, ev.event_id, ev.occurred_at AS at
            FROM graph_evidence ev
            JOIN graph_edges e USING (src, dst, kind)
            WHERE ev.kind = 'at_place' AND e.weight > 0
              AND ev.dst IN (SELECT place_id FROM places)
        )
        SELECT p.place_id, n.label, p.children, p.signal_children,
               count(DISTINCT v.event_id) AS visits, min(v.at) AS first_at, max(v.at) AS last_at,
               list(DISTINCT v.event_id) FILTER (WHERE v.event_id IS NOT NULL) AS event_ids
        FROM places p
        LEFT JOIN visits v USING (place_id)
        LEFT JOIN graph_nodes n ON n.node_id = p.place_id
        GROUP BY ALL
        ORDER BY p.signal_children DESC, visits DESC, p.place_id
        """,  # noqa: S608 - a fixed limit; values are bound
        [min_children],
    )
    if not rows:
        return []
    event_ids = sorted({e for r in rows for e in (r["event_ids"] or []) if e})
    years: dict[str, int] = {
        r["event_id"]: r["year"]
        for r in analytics.q(
            "SELECT event_id, year(occurred_at) AS year FROM events "
            "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
            [event_ids],
        )
    }
    vehicles: dict[str, set[str]] = {}
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
        for event_id in r["event_ids"] or []:
            if years.get(event_id) is not None:
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
