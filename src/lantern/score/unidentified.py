"""Persons of interest known only by a car, a phone, a handle or a street name: `assessments`
rows of kind `unidentified`.

Men who exploit children are often known to the agencies only as "the driver of a silver
Astra EL59 WDZ", "the number saved as 'Big Man'": no agency holds a person record of them, so
resolve makes no person and the adult track scores no one. The replay scores each car, phone,
e-mail address and social-media handle linked to children exactly as it scores an adult's
records (`Replay.thing_links`, `points.adult_score`, the adult weights and bands): it stands
for the man who used it. Its band is replayed by `recorded_at` like an adult's, so its
`first_flagged_at` is the first day, on what was recorded by then, it was tied to enough
flagged children.

A **street name** is read the same way. The text analysis finds a name given as an adult's
("a male known as 'Kez'", `text_mentions` kind `nickname`); from the day that was recorded,
every record about a child whose narrative names him ('Kez', Kez: the name as written, a
whole word) is a link from the child to `street_name:kez` (`read_street_name_facts`). A
street name that any person record carries as a given name or known-as name by the
assessment date is left out: it may be anyone of that name, or the man is identified. These
links count for the unidentified man only, never for a child's link points (`Replay`,
`replay.ADULT_ONLY_KINDS`): the children's scoring is unchanged by them.

A thing that a person record holds (`graph_thing_links`: a phone on anyone's people row, a
child's own too; the car or phone an event records an adult with), on what was recorded by
the assessment date, is not listed: the man is then identified, and his own row (or the child's)
carries that evidence. Nothing here is a finding about anyone: it is a reason to find out
who the car's driver or the phone's user is.
"""

from __future__ import annotations

import re
from datetime import date

import duckdb

from lantern.score.points import Reason, ranked_reasons, reason_line
from lantern.score.replay import THING_PREFIX, THING_TRACK, LinkFact, Replay, ReplayResult
from lantern.score.weights import BAND_RANK
from lantern.store.connection import table_exists

KIND = "unidentified"  # assessments.kind, score_reasons.track, score_history.track
ID_PREFIX = "unidentified:"  # person_id of the row: the prefix, then the thing's id
WHAT = {"vehicle": "vehicle", "phone": "phone", "email": "e-mail address",
        "social_handle": "online handle"}  # fmt: skip
STREET_NAME = "street_name"  # a LinkFact's target_kind (and the target's prefix)
# Words that name a relation or a role, not a man: never a street name to read (the text
# analysis's own list keeps most out; these are kinship and role words it may pass).
NOT_STREET_NAMES = frozenset(
    "uncle aunt auntie dad daddy mum mummy mother father brother sister cousin nan nana "
    "grandad grandma grandpa granddad stepdad boyfriend girlfriend partner friend mate "
    "police officer staff carer worker teacher doctor nurse".split()
)


def person_id(thing_id: str) -> str:
    return ID_PREFIX + thing_id


def thing_of(person: str) -> str | None:
    """The thing id of an unidentified person of interest's id; None for any other id."""
    return person[len(ID_PREFIX) :] if person.startswith(ID_PREFIX) else None


def held_by_records(con: duckdb.DuckDBPyConnection, until: date) -> set[str]:
    """Things a person record holds by `until` (the graph's `graph_thing_links`): a phone on
    anyone's people row (a child's own phone too), the car or phone an event records an
    adult with; not a child's narrative naming them, nor a car seen with a child."""
    if not table_exists(con, "graph_thing_links"):
        return set()
    rows = con.execute(
        "SELECT DISTINCT thing_id FROM graph_thing_links "
        "WHERE (source = 'people' OR (NOT coalesce(is_child, FALSE) AND source <> 'text')) "
        "AND available_at < CAST(? AS DATE) + INTERVAL 1 DAY",
        [until],
    ).fetchall()
    return {thing for (thing,) in rows}


def _displays(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    shown: dict[str, str] = {}
    if table_exists(con, "things"):
        shown.update(
            con.execute("SELECT thing_id, display FROM things WHERE display IS NOT NULL").fetchall()
        )
    if table_exists(con, "text_mentions"):
        shown.update(
            con.execute(
                "SELECT ? || lower(value), min(value) FROM text_mentions "
                "WHERE kind = 'nickname' GROUP BY 1",
                [STREET_NAME + ":"],
            ).fetchall()
        )
    return shown


def _has_columns(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...]) -> bool:
    """Whether `table` has every one of `columns` (a hand-built store may have fewer)."""
    found = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    }
    return set(columns) <= found


def learned_street_names(con: duckdb.DuckDBPyConnection, until: date) -> dict[str, date]:
    """Street names given as an adult's in any narrative recorded by `until` (the text
    analysis's `nickname` mentions), as written, with the day each was first recorded; less
    those any person record named by then carries as a given or known-as name, and relation
    words."""
    if not table_exists(con, "text_mentions"):
        return {}
    rows = con.execute(
        """
        SELECT value, min(CAST(recorded_at AS DATE)) FROM text_mentions
        WHERE kind = 'nickname' AND recorded_at < CAST(? AS DATE) + INTERVAL 1 DAY
        GROUP BY value
        """,
        [until],
    ).fetchall()
    carried: set[str] = set()
    if _has_columns(con, "people", ("given_name", "other_names")):
        for given, other in con.execute(
            """
            SELECT p.given_name, p.other_names FROM people AS p
            WHERE EXISTS (SELECT 1 FROM event_people AS ep JOIN events AS e USING (event_id)
                          WHERE ep.record_id = p.record_id
                            AND e.recorded_at < CAST(? AS DATE) + INTERVAL 1 DAY)
            """,
            [until],
        ).fetchall():
            for name in [given or "", *(other or "").split(";")]:
                if name.strip():
                    carried.add(name.strip().lower())
    learned: dict[str, date] = {}
    for value, day in rows:
        name = (value or "").strip()
        key = name.lower()
        if len(name) < 3 or key in carried or any(w in NOT_STREET_NAMES for w in key.split()):
            continue
        learned[name] = min(day, learned.get(name, day))
    return learned


def read_street_name_facts(con: duckdb.DuckDBPyConnection, until: date) -> list[LinkFact]:
    """A child's record whose narrative names a learned street name, as a link to the man
    known by it (`street_name:<name>`), from the later of the record's and the name's first
    recording. It qualifies, as a link to a car does (facts.read_link_facts), when the record
    holds a sign for the child that is not family context; read after `read_link_facts`,
    whose `score_hit_events` it reuses."""
    learned = learned_street_names(con, until)
    if not learned or not table_exists(con, "score_hit_events"):
        return []
    if not _has_columns(con, "events", ("narrative",)):
        return []
    names = sorted(learned, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
    rows = con.execute(
        """
        SELECT e.event_id, p.record_id, e.agency,
               CAST(COALESCE(e.occurred_at, e.recorded_at) AS DATE),
               CAST(e.recorded_at AS DATE), e.narrative,
               h.event_id IS NOT NULL AND NOT h.family AS concerning
        FROM events AS e
        JOIN event_people AS p ON p.event_id = e.event_id AND p.role IN ('subject', 'victim')
        LEFT JOIN score_hit_events AS h ON h.event_id = e.event_id AND h.record_id = p.record_id
        WHERE e.narrative IS NOT NULL AND e.recorded_at < CAST(? AS DATE) + INTERVAL 1 DAY
        ORDER BY e.event_id, p.record_id
        """,
        [until],
    ).fetchall()
    facts: list[LinkFact] = []
    for event_id, record, agency, occurred, recorded, narrative, concerning in rows:
        for name in sorted({m.group(1) for m in pattern.finditer(narrative)}):
            facts.append(
                LinkFact(
                    max(recorded, learned[name]), record, f"{STREET_NAME}:{name.lower()}",
                    STREET_NAME, event_id, agency, occurred, bool(concerning), False,
                )
            )  # fmt: skip
    return facts


def describe(thing_id: str, display: str | None = None) -> str:
    """`vehicle:EL59WDZ` -> "vehicle EL59WDZ" (with the records' own description if any)."""
    kind, _, value = thing_id.partition(":")
    if kind == STREET_NAME:
        return f"'{display or value}'"
    text = f"{WHAT.get(kind, kind)} {value}"
    return f"{text} ({display})" if display and display.strip() and display != value else text


def identity_reason(thing_id: str, display: str | None, children: int) -> Reason:
    """The row's first reason: who this is, in the words an investigator would use."""
    kind = thing_id.partition(":")[0]
    who = {"vehicle": "the driver of ", STREET_NAME: "a man known as "}.get(kind, "the user of ")
    return Reason(
        0.0, "identity", "known_only_by", None, None, None, None,
        f"no person record: {who}{describe(thing_id, display)}, "
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
    return "; ".join([head.evidence, *(reason_line(r) for r in ranked_reasons(rest)[: n - 1])])
