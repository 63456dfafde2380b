"""When things happen: hour of day × day of week (and month) of missing episodes and sightings.

For a child (their events), a network (its people's events) or a place (the events that put
someone there). Which event types are missing episodes and which are sightings is the graph
stage's rule (`lantern/graph/rules.yaml`: `missing_event_types`, `place_event_types`), so the
heat map and the graph agree. An event recorded at exactly midnight is counted as "time not
recorded": most agencies' systems store a date without a time that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lantern.app.store_reader import Analytics
from lantern.graph.rules import load_rules

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WHAT = {
    "all": "Missing episodes and sightings",
    "missing": "Missing episodes",
    "sightings": "Sightings",
}
SHADES = 5


@dataclass(frozen=True)
class HeatMap:
    subject: str
    title: str
    what: str
    cells: list[list[int]]  # [day][hour]
    shades: list[list[int]]  # 0 (none) … SHADES - 1 (most)
    by_month: list[tuple[str, int]]
    untimed: int
    total: int
    peak: tuple[str, int, int] | None  # (day, hour, count)


def event_types(what: str) -> list[str]:
    rules = load_rules()
    missing = list(rules.missing_event_types)
    sightings = [t for t in rules.place_event_types if t not in missing]
    return {"missing": missing, "sightings": sightings}.get(what, missing + sightings)


def subject_title(analytics: Analytics, subject: str) -> tuple[str, str] | None:
    """(kind, title) of a child or adult, a network or a place; None if there is no such."""
    if analytics.has("networks") and analytics.q(
        "SELECT 1 FROM networks WHERE network_id = ? LIMIT 1", [subject]
    ):
        return "network", f"Network {subject}"
    person = analytics.person(subject)
    if person is not None:
        return "person", person.name
    if analytics.has("graph_nodes"):
        found = analytics.q(
            "SELECT kind, label FROM graph_nodes WHERE node_id = ? AND kind = 'place'", [subject]
        )
        if found:
            return "place", str(found[0]["label"] or subject)
    return None


def _event_ids(analytics: Analytics, kind: str, subject: str) -> list[str]:
    if kind == "place":
        return sorted(
            {e["event_id"] for link in analytics.links(subject) for e in link["evidence"]
             if e.get("event_id")}
        )  # fmt: skip
    people = [subject]
    if kind == "network":
        members = analytics.network_members([subject]).get(subject, [])
        people = [m["node_id"] for m in members if m.get("kind")]
    rows = analytics.q(
        """
        SELECT DISTINCT ep.event_id FROM event_people ep
        JOIN score_persons ps ON ps.record_id = ep.record_id
        WHERE ps.person_id IN (SELECT unnest(?::VARCHAR[]))
        """,
        [people],
    )
    return [r["event_id"] for r in rows]


def heat_map(analytics: Analytics, subject: str, what: str = "all") -> HeatMap | None:
    found = subject_title(analytics, subject)
    if found is None:
        return None
    kind, title = found
    what = what if what in WHAT else "all"
    rows = analytics.q(
        """
        SELECT isodow(occurred_at) - 1 AS day, hour(occurred_at) AS hour,
               strftime(occurred_at, '%Y-%m') AS month,
               occurred_at::TIME = TIME '00:00:00' AS untimed, count(*) AS n
        FROM events
        WHERE event_id IN (SELECT unnest(?::VARCHAR[]))
          AND event_type IN (SELECT unnest(?::VARCHAR[])) AND occurred_at IS NOT NULL
        GROUP BY ALL
        """,
        [_event_ids(analytics, kind, subject), event_types(what)],
    )
    cells = [[0] * 24 for _ in DAYS]
    months: dict[str, int] = {}
    untimed = 0
    for row in rows:
        months[row["month"]] = months.get(row["month"], 0) + int(row["n"])
        if row["untimed"]:
            untimed += int(row["n"])
        else:
            cells[int(row["day"])][int(row["hour"])] += int(row["n"])
    top = max((n for day in cells for n in day), default=0)
    shades = [[_shade(n, top) for n in day] for day in cells]
    peak = None
    busiest = [(d, h) for d in range(7) for h in range(24) if top and cells[d][h] == top]
    if len(busiest) == 1:  # a tie names no hour: "the busiest hour" of six hours with one each
        day, hour = busiest[0]
        peak = (DAYS[day], hour, top)
    return HeatMap(
        subject=subject,
        title=title,
        what=what,
        cells=cells,
        shades=shades,
        by_month=sorted(months.items()),
        untimed=untimed,
        total=sum(months.values()),
        peak=peak,
    )


def _shade(n: int, top: int) -> int:
    if n == 0 or top == 0:
        return 0
    return max(1, min(SHADES - 1, round(n / top * (SHADES - 1))))


def as_context(heat: HeatMap) -> dict[str, Any]:
    return {"heat": heat, "days": DAYS, "hours": range(24), "what_options": WHAT}
