"""Networks over time: when each network first became visible, how it grew,
which places and vehicles recurred around it."""

from __future__ import annotations

from lantern.review.steps import Step

EDGES = Step(
    "review_edges",
    """
    SELECT src AS a, dst AS b, kind, n_events, CAST(first_available_at AS DATE) AS available_on,
           CAST(last_occurred_at AS DATE) AS last_on
    FROM review_graph_edges
    UNION ALL
    SELECT dst, src, kind, n_events, CAST(first_available_at AS DATE),
           CAST(last_occurred_at AS DATE)
    FROM review_graph_edges
    """,
    "graph edges from the evidence recorded by the period end (counts and last sighting "
    "as known then), in both directions",
)

NETWORK_MEMBERS = Step(
    "review_network_members",
    """
    SELECT n.network_id, n.node_id, any_value(n.role_in_network) AS role_in_network,
           CASE WHEN n.node_id LIKE 'place:%' THEN 'place'
                WHEN strpos(n.node_id, ':') > 0 THEN split_part(n.node_id, ':', 1)
                ELSE 'person' END AS node_kind,
           any_value(a.kind) AS person_kind,
           min(e.available_on) AS first_visible_at
    FROM networks n
    LEFT JOIN networks other ON other.network_id = n.network_id AND other.node_id <> n.node_id
    LEFT JOIN review_edges e ON e.a = n.node_id AND e.b = other.node_id
    LEFT JOIN assessments a ON a.person_id = n.node_id
    GROUP BY n.network_id, n.node_id
    """,
    "each network's members and the date each was first tied into it by a record",
)

NETWORK_SUMMARY = Step(
    "review_networks",
    """
    WITH visible AS (
        SELECT m.* FROM review_network_members m, review_period
        WHERE m.first_visible_at <= period_to
    )
    SELECT v.network_id,
           min(v.first_visible_at) AS first_visible_at,
           CASE WHEN any_value(na.first_flagged_at) <= any_value(pd.period_to)
                THEN any_value(na.first_flagged_at) END AS first_flagged_at,
           count(*) FILTER (WHERE v.node_kind = 'person') AS people,
           count(*) FILTER (WHERE v.person_kind = 'child') AS children,
           count(*) FILTER (WHERE v.person_kind = 'adult') AS adults,
           max(v.first_visible_at) AS last_joined_at
    FROM visible v
    CROSS JOIN review_period pd
    LEFT JOIN network_assessments na ON na.network_id = v.network_id
    GROUP BY v.network_id
    """,
    "one row per network visible by the period end",
)

NETWORK_GROWTH = Step(
    "review_network_growth",
    """
    WITH years AS (
        SELECT n.network_id, unnest(range(year(n.first_visible_at), year(pd.period_to) + 1)) AS year
        FROM review_networks n, review_period pd
    )
    SELECT y.network_id, y.year,
           count(m.node_id) FILTER (WHERE m.node_kind = 'person' AND year(m.first_visible_at) = y.year)
               AS people_joined,
           count(m.node_id) FILTER (WHERE m.node_kind = 'person') AS people_visible,
           count(m.node_id) FILTER (WHERE m.person_kind = 'child') AS children_visible,
           count(m.node_id) FILTER (WHERE m.person_kind = 'adult') AS adults_visible
    FROM years y
    LEFT JOIN review_network_members m
           ON m.network_id = y.network_id AND year(m.first_visible_at) <= y.year
    GROUP BY y.network_id, y.year
    """,
    "how many people each network's records tied together by the end of each year",
)

NETWORK_PLACES = Step(
    "review_network_places",
    """
    WITH members AS (
        SELECT m.network_id, m.node_id FROM review_network_members m, review_period
        WHERE m.node_kind = 'person' AND m.first_visible_at <= period_to
    )
    SELECT mb.network_id, e.b AS node_id,
           CASE WHEN e.b LIKE 'place:%' THEN 'place' ELSE 'vehicle' END AS kind,
           coalesce(any_value(g.label), substr(e.b, strpos(e.b, ':') + 1)) AS label,
           count(DISTINCT mb.node_id) AS people_linked,
           sum(coalesce(e.n_events, 1)) AS events,
           min(e.available_on) AS first_seen_at,
           max(e.last_on) AS last_seen_at
    FROM members mb
    JOIN review_edges e ON e.a = mb.node_id
    LEFT JOIN graph_nodes g ON g.node_id = e.b
    WHERE e.b LIKE 'place:%' OR e.b LIKE 'vehicle:%'
    GROUP BY mb.network_id, e.b
    HAVING sum(coalesce(e.n_events, 1)) >= 2 OR count(DISTINCT mb.node_id) >= 2
    """,
    "places and vehicles that recurred around a network's people (two or more events or people)",
)

STEPS = (EDGES, NETWORK_MEMBERS, NETWORK_SUMMARY, NETWORK_GROWTH, NETWORK_PLACES)
