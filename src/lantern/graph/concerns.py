"""What kind of exploitation each network's records point to: `graph_network_concerns`.

A network of adults around several children is not always sexual exploitation. When at
least half of a network's signal children have records that name criminal exploitation
(the indicators in the rules' `signal_child.not_signals`: a CIN 13A/24A code, "county
lines" named) and fewer than half show a sign of sexual harm (`network_concern`: a
disclosure or report of sexual abuse, a named CSE concern or code, or sexual activity the
law on age makes an offence; a 16-year-old's sexual health clinic visit is not one), the
network is reported with `concern = criminal_exploitation`: still shown, for the
partnership's response to criminal exploitation, but not put forward as a CSE network.
Otherwise its concern is `sexual_exploitation`. The words are the practitioners' own,
in the children's records; nothing here is about who the people are.
"""

from __future__ import annotations

import duckdb

from lantern.graph.rules import GraphRules
from lantern.sql import sql_list
from lantern.store.steps import create_table


def build_network_concerns(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    _write_signs(con, rules)
    criminal = sql_list(rules.signal_not_signals or ("",))
    sexual = sql_list(rules.sexual_categories or ("",))
    law = sql_list(rules.sexual_indicators or ("",))
    create_table(
        con,
        "graph_network_concerns",
        f"""
        WITH children AS (
            SELECT DISTINCT n.network_id, n.node_id AS person_id
            FROM networks n JOIN graph_signal_children s ON s.person_id = n.node_id
        ), signs AS (
            SELECT p.person_id,
                   bool_or(h.indicator IN {criminal}) AS names_criminal,
                   -- a hit the record attributes to another concern (abuse in the family,
                   -- by a peer) is not a sign of sexual exploitation
                   bool_or((h.category IN {sexual} OR h.indicator IN {law})
                           AND coalesce(h.concern, 'sexual_exploitation') = 'sexual_exploitation'
                   ) AS sexual_sign
            FROM graph_in_indicator_hits h JOIN persons p USING (record_id)
            GROUP BY p.person_id
        ), counted AS (
            SELECT c.network_id, count(*) AS signal_children,
                   count(*) FILTER (WHERE s.names_criminal) AS naming_criminal_exploitation,
                   count(*) FILTER (WHERE s.sexual_sign) AS with_sexual_signs
            FROM children c LEFT JOIN signs s USING (person_id)
            GROUP BY c.network_id
        )
        SELECT network_id, signal_children, naming_criminal_exploitation, with_sexual_signs,
               CASE WHEN 2 * naming_criminal_exploitation >= signal_children
                         AND 2 * with_sexual_signs < signal_children
                    THEN 'criminal_exploitation' ELSE 'sexual_exploitation' END AS concern
        FROM counted
        UNION ALL  -- a network with no signal child left in it (cannot happen today) is CSE
        SELECT DISTINCT network_id, 0, 0, 0, 'sexual_exploitation' FROM networks
        WHERE network_id NOT IN (SELECT network_id FROM children)
        """,  # noqa: S608
    )


def _write_signs(con: duckdb.DuckDBPyConnection, rules: GraphRules) -> None:
    """`graph_concern_signs`: the lists this run's test used, so the score stage replays the
    same test on each day whichever rules file the graph stage was given."""
    rows = (
        [("criminal_indicator", v) for v in rules.signal_not_signals]
        + [("sexual_category", v) for v in rules.sexual_categories]
        + [("sexual_indicator", v) for v in rules.sexual_indicators]
    )
    con.execute("CREATE OR REPLACE TABLE graph_concern_signs (sign VARCHAR, value VARCHAR)")
    if rows:
        con.executemany("INSERT INTO graph_concern_signs VALUES (?, ?)", rows)
