"""Child sexual abuse that is not exploitation, listed for child protection (issue 16).

A record the indicators attribute to the child's family, a peer of the child's age or a
stranger's exposure (`indicator_hits.concern = 'child_sexual_abuse'`, attribution.yaml) scores
no CSE points and sets no CSE band: a father or an uncle named in a girl's sexual-abuse report
is not an exploitation network, and on the hard tuning county (seed 12) such reports, at the
law's floor, were 12 of its 14 false CSE flags. But a person must still see it. So a child
whose records hold such abuse, of an age the law makes an offence (`legal_floor`), recorded by
the assessment date and still current (its category's recency windows: three years for a
disclosure or report of sexual abuse), is listed under `assessments.concern =
'child_sexual_abuse'` at the band the law sets, when the CSE score leaves them below
`medium`: on the list and in the alerts at that band, named for what it is, with a reason row
saying so. `lantern evaluate` counts such a row as listed for another response, not as a CSE
flag (docs/evaluation.md), as it does a child listed under criminal exploitation. A child the
CSE score puts at `medium` or above keeps that concern, and gets the same reason row.

Nothing here feeds the replay: the child's CSE band history, first flag date, links, the
adults' points and the networks' flags are what the CSE score made them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import duckdb

from lantern.score.weights import BAND_RANK, ChildWeights
from lantern.store.connection import table_exists

CONCERN = "child_sexual_abuse"
INDICATOR = "child_sexual_abuse_listed"


def write(
    con: duckdb.DuckDBPyConnection,
    until: date,
    weights: ChildWeights,
    scored_text_layers: Sequence[str] | None = None,
) -> int:
    """List children for child protection (module doc); returns how many were listed under
    that concern."""
    if not table_exists(con, "indicator_hits") or not table_exists(con, "assessments"):
        return 0
    found = _current_abuse(con, until, weights, scored_text_layers)
    if not found:
        return 0
    bands = dict(
        con.execute(
            "SELECT person_id, band FROM assessments WHERE kind = 'child' AND person_id IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [list(found)],
        ).fetchall()
    )
    listed, reasons = [], []
    for person_id, (floor, hit) in sorted(found.items()):
        band = bands.get(person_id)
        if band is None:
            continue
        below = BAND_RANK.get(band, 0) < BAND_RANK["medium"]
        text = (
            f"child sexual abuse the records do not attribute to exploitation (shown, not scored "
            f"for CSE); the law on age makes it an offence ({floor}): "
            + (f"listed for child protection at {floor}" if below else "shown beside the CSE band")
            + f": {hit[5]}"
        )
        reasons.append((person_id, 0.0, hit[0], INDICATOR, hit[1], hit[2], hit[3], hit[4], text))
        if below:
            listed.append((floor, text, person_id))
    if reasons:
        con.executemany(
            "INSERT INTO score_reasons (person_id, points, category, indicator, agency, event_id, "
            "occurred_at, recorded_at, evidence, track) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'child')",
            reasons,
        )
    if listed:
        con.executemany(
            f"UPDATE assessments SET band = ?, concern = '{CONCERN}', "  # noqa: S608 - a constant
            "top_reasons = ? || CASE WHEN coalesce(top_reasons, '') = '' THEN '' "
            "ELSE '; ' || top_reasons END WHERE person_id = ? AND kind = 'child'",
            listed,
        )
    return len(listed)


def _current_abuse(
    con: duckdb.DuckDBPyConnection,
    until: date,
    weights: ChildWeights,
    scored_text_layers: Sequence[str] | None,
) -> dict[str, tuple[str, tuple]]:
    """person_id -> (the highest floor, its hit: category, agency, event, occurred, recorded,
    evidence) for the child sexual abuse recorded by `until` and current on it."""
    layers = None if scored_text_layers is None else list(scored_text_layers)
    rows = con.execute(
        """
        SELECT m.person_id, h.legal_floor, h.category, h.agency, h.event_id,
               CAST(h.occurred_at AS DATE), CAST(h.recorded_at AS DATE), h.evidence
        FROM indicator_hits AS h JOIN score_persons AS m ON m.record_id = h.record_id
        WHERE h.concern = ? AND h.legal_floor IN ('medium', 'high')
          AND h.recorded_at < ?
          AND NOT list_contains(?::VARCHAR[], h.indicator)
          AND (?::VARCHAR[] IS NULL OR h.text_layer IS NULL
               OR list_contains(?::VARCHAR[], h.text_layer))
        ORDER BY m.person_id, h.recorded_at, h.event_id
        """,
        [
            CONCERN,
            until + timedelta(days=1),
            list(weights.legal_floors.not_applied) or [""],
            layers,
            layers,
        ],
    ).fetchall()
    found: dict[str, tuple[str, tuple]] = {}
    for person_id, floor, category, agency, event_id, occurred, recorded, evidence in rows:
        windows = weights.recency.windows(category)
        last = max((w.up_to_days for w in windows), default=0)
        if (until - occurred).days > last:
            continue  # no longer current: the child protection response has had its years
        hit = (category, agency, event_id, occurred, recorded, evidence)
        kept = found.get(person_id)
        if kept is None or BAND_RANK[floor] > BAND_RANK[kept[0]]:
            found[person_id] = (floor, hit)
    return found
