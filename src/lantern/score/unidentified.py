"""Persons of interest known only by a car, a phone or a handle: `assessments` rows of kind
`unidentified`.

Men who exploit children are often known to the agencies only as "the driver of a silver
Astra EL59 WDZ", "the number saved as 'Big Man'": no agency holds a person record of them, so
resolve makes no person and the adult track scores no one. The replay scores each car, phone,
e-mail address and social-media handle linked to children exactly as it scores an adult's
records (`Replay.thing_links`, `points.adult_score`, the adult weights and bands): it stands
for the man who used it. Its band is replayed by `recorded_at` like an adult's, so its
`first_flagged_at` is the first day, on what was recorded by then, it was tied to enough
flagged children.

A thing that any person record holds (`graph_thing_links`: a phone on a people row, the
driver recorded at a vehicle stop, a child's own phone), on what was recorded by the
assessment date, is not listed: the man is then identified, and his own row (or the child's)
carries that evidence. Nothing here is a finding about anyone: it is a reason to find out
who the car's driver or the phone's user is.
"""

from __future__ import annotations

from datetime import date

import duckdb

from lantern.score.points import Reason
from lantern.score.replay import THING_PREFIX, THING_TRACK, Replay, ReplayResult
from lantern.score.weights import BAND_RANK
from lantern.store.connection import table_exists

KIND = "unidentified"  # assessments.kind, score_reasons.track, score_history.track
ID_PREFIX = "unidentified:"  # person_id of the row: the prefix, then the thing's id
WHAT = {"vehicle": "vehicle", "phone": "phone", "email": "e-mail address",
        "social_handle": "online handle"}  # fmt: skip


def person_id(thing_id: str) -> str:
    return ID_PREFIX + thing_id


def thing_of(person: str) -> str | None:
    """The thing id of an unidentified person of interest's id; None for any other id."""
    return person[len(ID_PREFIX) :] if person.startswith(ID_PREFIX) else None


def held_by_records(con: duckdb.DuckDBPyConnection, until: date) -> set[str]:
    """Things an adult's person record holds by `until` (the graph's `graph_thing_links`: a
    phone on his people row, the car an event records him with), not a child's narrative
    naming them."""
    if not table_exists(con, "graph_thing_links"):
        return set()
    rows = con.execute(
        "SELECT DISTINCT thing_id FROM graph_thing_links "
        "WHERE NOT coalesce(is_child, FALSE) AND source <> 'text' "
        "AND available_at < CAST(? AS DATE) + INTERVAL 1 DAY",
        [until],
    ).fetchall()
    return {thing for (thing,) in rows}


def _displays(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not table_exists(con, "things"):
        return {}
    return dict(
        con.execute("SELECT thing_id, display FROM things WHERE display IS NOT NULL").fetchall()
    )


def describe(thing_id: str, display: str | None = None) -> str:
    """`vehicle:EL59WDZ` -> "vehicle EL59WDZ" (with the records' own description if any)."""
    kind, _, value = thing_id.partition(":")
    text = f"{WHAT.get(kind, kind)} {value}"
    return f"{text} ({display})" if display and display.strip() and display != value else text


def identity_reason(thing_id: str, display: str | None, children: int) -> Reason:
    """The row's first reason: who this is, in the words an investigator would use."""
    kind = thing_id.partition(":")[0]
    user = "driver" if kind == "vehicle" else "user"
    return Reason(
        0.0, "identity", "known_only_by", None, None, None, None,
        f"no person record: the {user} of {describe(thing_id, display)}, "
        f"linked to {children} child{'ren' if children != 1 else ''} in the records",
    )  # fmt: skip


def rows(
    con: duckdb.DuckDBPyConnection, until: date, replay: Replay, result: ReplayResult
) -> tuple[list[tuple], list[tuple], list[tuple], dict[str, set[str]]]:
    """(assessments rows, score_reasons rows, score_history rows, flagged children's labels by
    row) for every thing at band `low` or above that no person record holds. The assessments
    rows have the stage's columns (`stage._write`), with no records."""
    held = held_by_records(con, until)
    displays = _displays(con)
    first_flag: dict[str, date] = {}
    history: list[tuple] = []
    for change in result.history:
        if change.track != THING_TRACK:
            continue
        thing = change.cluster[len(THING_PREFIX) :]
        if thing in held:
            continue
        history.append(
            (person_id(thing), change.at, change.score, change.band, KIND, change.cluster)
        )
        if BAND_RANK[change.band] >= BAND_RANK["medium"] and (
            thing not in first_flag or change.at < first_flag[thing]
        ):
            first_flag[thing] = change.at
    assessments: list[tuple] = []
    reasons: list[tuple] = []
    flagged: dict[str, set[str]] = {}
    for thing, score in sorted(result.thing_scores.items()):
        if thing in held or BAND_RANK[score.band] < BAND_RANK["low"]:
            continue
        links = replay.thing_links(thing)
        children = {link.child_label for link in links}
        flagged_labels = {link.child_label for link in links if link.flagged}
        pid = person_id(thing)
        flagged[pid] = flagged_labels
        ranked: list[Reason] = [identity_reason(thing, displays.get(thing), len(children))]
        ranked += score.reasons
        assessments.append(
            (pid, KIND, score.score, score.band, first_flag.get(thing), "",
             _top(ranked), until, len(flagged_labels), "", None, None)
        )  # fmt: skip
        reasons += [
            (pid, r.points, r.category, r.indicator, r.agency, r.event_id, r.occurred,
             r.recorded, r.evidence, KIND)
            for r in ranked
        ]  # fmt: skip
    return assessments, reasons, history, flagged


def _top(reasons: list[Reason], n: int = 3) -> str:
    """The identity first, then the reasons by points (as `stage._top_reasons` orders them)."""
    head, rest = reasons[0], reasons[1:]
    ranked = sorted(
        rest, key=lambda r: (-r.points, -(r.recorded or date.min).toordinal(), r.evidence)
    )
    texts = [head.evidence]
    for reason in ranked[: n - 1]:
        where = (
            f" ({reason.agency}, {reason.occurred.isoformat()})"
            if reason.agency and reason.occurred
            else ""
        )
        texts.append(f"{reason.evidence}{where}")
    return "; ".join(texts)
