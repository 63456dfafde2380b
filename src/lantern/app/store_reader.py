"""Read-only queries over the pipeline's tables in the DuckDB analytical store.

The app reads only the tables `docs/pipeline.md` lists, and never writes to the store. One
read-only connection is opened at start-up; each call takes its own cursor, so requests on
different threads do not share a cursor. Tables a stage has not produced yet read as empty,
except the few without which the app has nothing to show (`REQUIRED`).

An `Analytics` reads one store generation (`lantern.store.generations`), which no process
writes once it is current: what a query returns cannot change while it is open, so per-person
results are memoised (bounded, least recently used first out). A run writes the next
generation beside it, and the app moves to that with a new `Analytics` (`app/live.py`).
Callers must not mutate what they get.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from lantern.app.display_names import best_name, name_similarity, name_words, proper_name
from lantern.errors import StoreError
from lantern.indicators.age_law import age_on
from lantern.resolve.normalise_phones import normalise_phone
from lantern.resolve.normalise_vehicles import normalise_registration
from lantern.settings import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS
from lantern.store.connection import connect
from lantern.store.generations import data_as_of, read_stamp

log = logging.getLogger(__name__)

# `score_persons`, not resolve's `persons`: the person ids in `assessments` are the score stage's
# clusters on its assessment date (they differ after `--as-of`), as review and exports read them.
REQUIRED = ("people", "score_persons", "events", "event_people", "assessments")
OPTIONAL = (
    "indicator_hits",
    "language_findings",
    "score_reasons",
    "score_history",
    "graph_nodes",
    "graph_edges",
    "networks",
    "network_assessments",
    "things",
    "thing_mentions",
)
BANDS = ("none", "low", "medium", "high")
# How the score's reasons name a linked person (score/replay.py): by one of their records.
RECORD_MENTION = re.compile(r"the person with record ([a-z][a-z0-9_]*:[^\s,;()]+)")
# The events the statutory clocks read (`app/clocks.py`).
CLOCK_EVENT_TYPES = (
    "referral",
    "missing_report",
    "missing_from_care",
    "found_report",
    "return_home_interview",
    "strategy_discussion",
    "assessment",
    "section47",
)


def _freshness(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What "data as of" says for this generation: the latest `recorded_at` it holds, when the
    run that wrote it finished, and its number (a store from before generations has none)."""
    stamp = read_stamp(con)
    if stamp is None:
        return {"generation": None, "finished_at": None, "data_as_of": data_as_of(con)}
    finished = stamp.get("finished_at")
    with contextlib.suppress(TypeError, ValueError):
        finished = datetime.fromisoformat(finished).replace(tzinfo=None)  # type: ignore[arg-type]
    return {
        "generation": stamp.get("generation"),
        "finished_at": finished,
        "data_as_of": stamp.get("data_as_of"),
    }


def _tell_apart(rows: list[dict[str, Any]], people: dict[str, Person]) -> None:
    """Two different persons under one name in a list of links read as one person twice
    ("Shannon Andrews" twice beside a child, the linker having left them apart): each gets
    their date of birth, or their id where that does not tell them apart either."""
    persons = {r["other"] for r in rows if r["other"] in people}
    by_name: dict[str, set[str]] = {}
    for person_id in persons:
        by_name.setdefault(people[person_id].name, set()).add(person_id)
    for row in rows:
        same_name = by_name.get(row["label"], set()) if row["other"] in persons else set()
        if len(same_name) < 2:
            continue
        person = people[row["other"]]
        births = [people[p].date_of_birth for p in same_name]
        born = person.date_of_birth
        if born is not None and births.count(born) == 1:
            row["label"] = f"{person.name} (born {born:%d %b %Y})"
        else:
            row["label"] = f"{person.name} ({person.person_id})"


def band_rank(band: str | None) -> int:
    return BANDS.index(band) if band in BANDS else -1


@dataclass
class Person:
    person_id: str
    name: str
    other_names: list[str]
    date_of_birth: date | None
    sex: str | None
    records: list[tuple[str, str]]  # (agency, record_id)
    kind: str | None = None
    score: float | None = None
    band: str | None = None
    first_flagged_at: date | None = None
    network_ids: list[str] = field(default_factory=list)
    top_reasons: str = ""
    as_of: date | None = None
    linked_children: int | None = None
    legal_floor: str | None = None  # children: the band the law on age sets at least (score)
    points_band: str | None = None  # children: the band the points alone give (score)
    birth_year_only: bool = False  # no record gives a full date: born is 1 July of the year
    dob_records: int = 0  # records giving the date of birth shown
    # other full dates recorded: {date_of_birth: date, agencies: [...], records: [...]}
    dob_disagreements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def agencies(self) -> list[str]:
        return sorted({agency for agency, _ in self.records})

    def age_on(self, day: date | None) -> int | None:
        if self.date_of_birth is None or day is None:
            return None
        return age_on(self.date_of_birth, day)

    @property
    def eighteenth_birthday(self) -> date | None:
        born = self.date_of_birth
        if born is None:
            return None
        try:
            return born.replace(year=born.year + 18)
        except ValueError:  # born on 29 February: 18 on 1 March (as `age_on` counts)
            return date(born.year + 18, 3, 1)

    def adult_on(self, day: date | None) -> bool:
        """Turned 18 by `day`: no longer in the child queue (still in the review)."""
        age = self.age_on(day)
        return age is not None and age >= 18


class Memo:
    """A bounded, thread-safe least-recently-used memo."""

    def __init__(self, size: int = 20000) -> None:
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        with self._lock:
            self._data[key] = value
            if len(self._data) > self._size:
                self._data.popitem(last=False)
        return value

    def get_many(
        self, kind: str, ids: list[str], compute: Callable[[list[str]], dict[str, Any]]
    ) -> dict[str, Any]:
        """Values for `ids`, computing only the missing ones in one call."""
        found: dict[str, Any] = {}
        missing = []
        with self._lock:
            for i in ids:
                if (kind, i) in self._data:
                    self._data.move_to_end((kind, i))
                    found[i] = self._data[(kind, i)]
                else:
                    missing.append(i)
        if missing:
            computed = compute(missing)
            with self._lock:
                for i in missing:
                    value = computed.get(i)
                    self._data[(kind, i)] = value
                    found[i] = value
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        return {i: v for i, v in found.items() if v is not None}


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class Analytics:
    def __init__(
        self,
        path: Path | str,
        *,
        threads: int = DEFAULT_THREADS,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
    ) -> None:
        self.path = Path(path)
        self._con = connect(self.path, read_only=True, threads=threads, memory_limit=memory_limit)
        self._local = threading.local()
        tables = {
            r[0]
            for r in self._con.execute(
                "SELECT table_name FROM information_schema.tables"
            ).fetchall()
        }
        missing = [t for t in REQUIRED if t not in tables]
        if missing:
            self._con.close()
            raise StoreError(
                f"{self.path}: the store has no {', '.join(missing)} table(s) yet; "
                "run the pipeline (`lantern run`) before serving the app"
            )
        self.tables = tables
        self._memo = Memo()
        # Rendered parts of pages that come only from this generation (see child_page).
        self.pages = Memo(size=1000)
        self.freshness = _freshness(self._con)
        self.columns = {
            (t, c)
            for t, c in self._con.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
            ).fetchall()
        }

    def close(self) -> None:
        try:
            self._con.close()
        except duckdb.Error:  # a warm-up query still running as the app stops: the exit frees it
            log.info("the store was still busy when the app stopped")

    def has(self, table: str) -> bool:
        return table in self.tables

    def has_column(self, table: str, column: str) -> bool:
        return (table, column) in self.columns

    def memoised(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """`compute()`, once per `key` while the app holds the store (which cannot change)."""
        return self._memo.get(key, compute)

    def memoised_many(
        self, kind: str, ids: list[str], compute: Callable[[list[str]], dict[str, Any]]
    ) -> dict[str, Any]:
        """`compute(missing)` for the ids not yet memoised under `kind`, in one call."""
        return self._memo.get_many(kind, ids, compute)

    def q(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._con.cursor()
        return _rows(cursor.execute(sql, params or []))

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's read-only cursor, for the graph and review stages' own readers."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._con.cursor()
        return cursor

    # people -----------------------------------------------------------------------------
    def people(self, person_ids: list[str]) -> dict[str, Person]:
        """Names, dates of birth, records and assessment of each person."""
        if not person_ids:
            return {}
        return self._memo.get_many("person", list(dict.fromkeys(person_ids)), self._people)

    def _people(self, person_ids: list[str]) -> dict[str, Person]:
        rows = self.q(
            """
            SELECT ps.person_id, p.record_id, p.agency, p.given_name, p.family_name,
                   p.other_names, p.date_of_birth, p.sex
            FROM score_persons ps JOIN people p USING (record_id)
            WHERE ps.person_id IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY ps.person_id, p.record_id
            """,
            [person_ids],
        )
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            grouped.setdefault(row["person_id"], []).append(row)
        identity = self._identity(list(grouped))
        commonness = self._name_commonness(
            sorted(
                {word for records in grouped.values() for r in records for word in name_words(r)}
            )
        )
        people = {}
        for pid, records in grouped.items():
            dobs = Counter(r["date_of_birth"] for r in records if r["date_of_birth"])
            sexes = Counter(r["sex"] for r in records if r["sex"])
            name, others = best_name(records, commonness)
            best = identity.get(pid)
            people[pid] = Person(
                person_id=pid,
                name=name,
                other_names=others,
                date_of_birth=(
                    best["born"]
                    if best
                    else (min(dobs, key=lambda d: (-dobs[d], d)) if dobs else None)
                ),
                sex=sexes.most_common(1)[0][0] if sexes else None,
                records=[(r["agency"], r["record_id"]) for r in records],
                birth_year_only=bool(best and best["date_of_birth"] is None and best["born"]),
                dob_records=int(best["dob_records"])
                if best
                else dobs.most_common(1)[0][1]
                if dobs
                else 0,
                dob_disagreements=_disagreements(best["dob_disagreements"] if best else None),
            )
        for row in self.q(
            "SELECT * FROM assessments WHERE person_id IN (SELECT unnest(?::VARCHAR[]))",
            [person_ids],
        ):
            person = people.get(row["person_id"])
            if person is None:
                continue
            person.kind = row["kind"]
            person.score = row["score"]
            person.band = row["band"]
            person.first_flagged_at = row["first_flagged_at"]
            person.network_ids = [n for n in str(row.get("network_ids") or "").split(";") if n]
            person.top_reasons = row.get("top_reasons") or ""
            person.as_of = row.get("as_of")
            person.linked_children = row.get("linked_children")
            person.legal_floor = row.get("legal_floor")
            person.points_band = row.get("points_band")
        return people

    def _name_commonness(self, words: list[str]) -> dict[str, int]:
        """How many records of the store carry each of `words` in a given or family name: what
        settles a tie between two spellings of one person (display_names.best_name)."""
        if not words:
            return {}
        rows = self.q(
            """
            SELECT word, count(*) AS n
            FROM (
                SELECT unnest(string_split(lower(coalesce(given_name, '') || ' '
                                                 || coalesce(family_name, '')), ' ')) AS word
                FROM people
            )
            WHERE word IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY word
            """,
            [words],
        )
        return {row["word"]: int(row["n"]) for row in rows}

    def _identity(self, person_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Each person's best-supported date of birth (resolve's `person_identity`)."""
        if not self.has("person_identity") or not person_ids:
            return {}
        return {
            r["person_id"]: r
            for r in self.q(
                "SELECT person_id, date_of_birth, born, dob_records, dob_disagreements "
                "FROM person_identity WHERE person_id IN (SELECT unnest(?::VARCHAR[]))",
                [person_ids],
            )
        }

    def named(self, text: str) -> str:
        """The score's "the person with record police:P1" written with the person's name as
        their page shows it: "Jamie Hussain (record police:P1)"."""
        records = sorted(set(RECORD_MENTION.findall(text or "")))
        if not records:
            return text

        def compute() -> dict[str, str]:
            rows = self.q(
                "SELECT record_id, person_id FROM score_persons "
                "WHERE record_id IN (SELECT unnest(?::VARCHAR[]))",
                [records],
            )
            people = self.people([r["person_id"] for r in rows])
            return {
                r["record_id"]: people[r["person_id"]].name
                for r in rows
                if r["person_id"] in people
            }

        names: dict[str, str] = self._memo.get(("named", tuple(records)), compute)
        return RECORD_MENTION.sub(
            lambda m: (
                f"{names[m.group(1)]} (record {m.group(1)})" if m.group(1) in names else m.group(0)
            ),
            text,
        )

    def person(self, person_id: str) -> Person | None:
        return self.people([person_id]).get(person_id)

    def records_of(self, person_ids: list[str]) -> dict[str, list[str]]:
        """Each person's record ids (score's `score_persons`), for alerts to follow."""
        out: dict[str, list[str]] = {}
        for row in self.q(
            "SELECT person_id, record_id FROM score_persons "
            "WHERE person_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY record_id",
            [list(dict.fromkeys(person_ids))],
        ):
            out.setdefault(row["person_id"], []).append(row["record_id"])
        return out

    def persons_of_records(self, record_ids: list[str]) -> dict[str, str]:
        """The person each record belongs to now."""
        rows = self.q(
            "SELECT record_id, person_id FROM score_persons "
            "WHERE record_id IN (SELECT unnest(?::VARCHAR[]))",
            [list(dict.fromkeys(record_ids))],
        )
        return {row["record_id"]: row["person_id"] for row in rows}

    def identity_changes(self, person_id: str) -> list[dict[str, Any]]:
        """What runs changed about this person's identity (resolve's `person_changes`): records
        joined with theirs, an earlier id, records that went to another person; oldest first."""
        if not self.has("person_changes"):
            return []
        return self.memoised(  # type: ignore[no-any-return]
            ("identity_changes", person_id),
            lambda: self.q(
                """
                SELECT changed_at, change, person_id, previous_person_id, records
                FROM person_changes
                WHERE (person_id = ? AND previous_person_id <> ?)
                   OR (previous_person_id = ? AND person_id <> ?)
                ORDER BY changed_at, person_id, previous_person_id
                """,
                [person_id] * 4,
            ),
        )

    def now_known_as(self, person_id: str) -> str | None:
        """The person an id no longer in use became: the one holding most of the records the
        id last held (`person_changes`); None when the id was never changed away."""
        if not self.has("person_changes"):
            return None
        rows = self.q(
            """
            SELECT person_id, len(records) AS n FROM person_changes
            WHERE previous_person_id = ? AND person_id <> ?
              AND changed_at = (SELECT max(changed_at) FROM person_changes
                                WHERE previous_person_id = ?)
            ORDER BY n DESC, person_id LIMIT 1
            """,
            [person_id] * 3,
        )
        return rows[0]["person_id"] if rows else None

    def possible_duplicates(self, person: Person) -> list[dict[str, Any]]:
        """Other persons the linker left apart who may be this one, for a person to check:
        the same name in another record (no date of birth in conflict: one missing, or within
        a year), or a pair the linker scored as likely but below its threshold."""
        return self._memo.get(  # type: ignore[no-any-return]
            ("duplicates", person.person_id), lambda: self._possible_duplicates(person)
        )

    def _possible_duplicates(self, person: Person) -> list[dict[str, Any]]:
        pairs = (
            """
            UNION ALL
            SELECT CASE WHEN a.person_id = ? THEN b.person_id ELSE a.person_id END,
                   'scored as likely the same' AS why, rp.match_probability AS probability
            FROM resolve_pairs rp
            JOIN score_persons a ON a.record_id = rp.record_id_l
            JOIN score_persons b ON b.record_id = rp.record_id_r
            WHERE (a.person_id = ? OR b.person_id = ?) AND a.person_id <> b.person_id
              AND rp.match_probability >= 0.3
            """
            if self.has("resolve_pairs")
            else ""
        )
        pid = person.person_id
        rows = self.q(
            f"""
            WITH names AS (
                SELECT DISTINCT lower(trim(p.given_name)) AS g, lower(trim(p.family_name)) AS f
                FROM people p JOIN score_persons ps USING (record_id)
                WHERE ps.person_id = ? AND p.given_name IS NOT NULL AND p.family_name IS NOT NULL
            ), found AS (
                SELECT ps.person_id AS other, 'the same name' AS why, NULL::DOUBLE AS probability
                FROM people p JOIN score_persons ps USING (record_id)
                JOIN names n ON lower(trim(p.given_name)) = n.g AND lower(trim(p.family_name)) = n.f
                WHERE ps.person_id <> ?
                {pairs}
            )
            SELECT other, min(why) AS why, max(probability) AS probability
            FROM found GROUP BY other ORDER BY max(probability) DESC NULLS LAST, other LIMIT 10
            """,  # noqa: S608 - `pairs` is a fixed SQL fragment
            [pid, pid] + ([pid, pid, pid] if pairs else []),
        )
        others = self.people([r["other"] for r in rows])
        out = []
        for row in rows:
            other = others.get(row["other"])
            if other is None:
                continue
            a, b = person.date_of_birth, other.date_of_birth
            if a and b and abs((a - b).days) > 366:
                continue  # a parent and child of one name: not one person
            out.append({"person": other, "why": row["why"], "probability": row["probability"]})
        return out

    def as_of(self) -> date | None:
        def compute() -> date | None:
            row = self.q("SELECT max(as_of) AS d FROM assessments")
            return row[0]["d"] if row else None

        return self._memo.get(("as_of",), compute)  # type: ignore[no-any-return]

    # alerts -----------------------------------------------------------------------------
    def flagged_children(self) -> list[dict[str, Any]]:
        """Children at medium or high who are still children on the as-of date: someone who has
        turned 18 leaves the child queue (their page says so; the review still counts them)."""
        if not self.has("person_identity"):
            return self.q(
                "SELECT person_id AS subject_id, score, band FROM assessments "
                "WHERE kind = 'child' AND band IN ('medium', 'high')"
            )
        return self.q(
            """
            SELECT a.person_id AS subject_id, a.score, a.band
            FROM assessments a LEFT JOIN person_identity i USING (person_id)
            WHERE a.kind = 'child' AND a.band IN ('medium', 'high')
              AND (i.born IS NULL OR a.as_of IS NULL
                   OR year(a.as_of) - year(i.born)
                      - CASE WHEN strftime(a.as_of, '%m%d') < strftime(i.born, '%m%d')
                             THEN 1 ELSE 0 END < 18)
            """
        )

    def turned_18(self) -> dict[str, date]:
        """Children (scored as such) who have turned 18 by the as-of date, on their
        best-supported date of birth: person id -> their 18th birthday (29 February: 1 March,
        as ages are counted)."""
        if not self.has("person_identity"):
            return {}
        rows = self.q(
            """
            SELECT a.person_id,
                   CASE WHEN month(i.born) = 2 AND day(i.born) = 29
                        THEN make_date(year(i.born) + 18, 3, 1)
                        ELSE CAST(i.born + INTERVAL 18 YEAR AS DATE) END AS eighteen
            FROM assessments a JOIN person_identity i USING (person_id)
            WHERE a.kind = 'child' AND i.born IS NOT NULL AND a.as_of IS NOT NULL
              AND year(a.as_of) - year(i.born)
                  - CASE WHEN strftime(a.as_of, '%m%d') < strftime(i.born, '%m%d')
                         THEN 1 ELSE 0 END >= 18
            """
        )
        return {r["person_id"]: r["eighteen"] for r in rows}

    def network_children(self) -> dict[str, list[str]]:
        """Each network's members scored as children: network id -> person ids."""
        if not self.has("networks"):
            return {}
        out: dict[str, list[str]] = {}
        for r in self.q(
            "SELECT n.network_id, n.node_id FROM networks n "
            "JOIN assessments a ON a.person_id = n.node_id AND a.kind = 'child' "
            "ORDER BY n.network_id, n.node_id"
        ):
            out.setdefault(r["network_id"], []).append(r["node_id"])
        return out

    def adults_of_interest(self) -> list[dict[str, Any]]:
        """Adults the score stage banded, highest first (the app shows medium and up)."""
        return self.q(
            "SELECT person_id, score, band, linked_children, first_flagged_at, network_ids "
            "FROM assessments WHERE kind = 'adult' AND band IN ('low', 'medium', 'high') "
            "ORDER BY CASE band WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, "
            "score DESC, person_id"
        )

    def unidentified_of_interest(self) -> list[dict[str, Any]]:
        """Men with no person record, known only by a car, phone, handle or street name, at
        medium or high (score/unidentified.py), highest first; none in an older store."""
        return self.q(
            "SELECT person_id, score, band, linked_children, first_flagged_at, top_reasons "
            "FROM assessments WHERE kind = 'unidentified' AND band IN ('medium', 'high') "
            "ORDER BY CASE band WHEN 'high' THEN 0 ELSE 1 END, score DESC, person_id"
        )

    def flagged_networks(self) -> list[dict[str, Any]]:
        """Networks put forward as CSE concerns: the score stage's network `band` (`none`
        until the network was flagged, docs/scoring.md), less those the graph reports as
        criminal exploitation. A store scored before networks had a band: flagged ones
        (a `first_flagged_at`), banded by their highest child."""
        if not (self.has("networks") and self.has("network_assessments")):
            return []
        concern = (
            "LEFT JOIN graph_network_concerns c USING (network_id) "
            "WHERE coalesce(c.concern, 'sexual_exploitation') = 'sexual_exploitation'"
            if self.has("graph_network_concerns")
            else "WHERE TRUE"
        )
        if self.has_column("network_assessments", "band"):
            return self.q(
                "SELECT na.network_id AS subject_id, na.score, na.band "  # noqa: S608
                f"FROM network_assessments na {concern} "  # noqa: S608 - fixed fragments
                "AND na.band IN ('medium', 'high')"
            )
        return self.q(
            f"""
            SELECT na.network_id AS subject_id, na.score,
                   CASE max(CASE a.band WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 0 END)
                        WHEN 3 THEN 'high' ELSE 'medium' END AS band
            FROM network_assessments na
            JOIN networks n USING (network_id)
            JOIN assessments a ON a.person_id = n.node_id AND a.kind = 'child'
            {concern} AND a.band IN ('medium', 'high') AND na.first_flagged_at IS NOT NULL
            GROUP BY na.network_id, na.score
            """  # noqa: S608 - fixed fragments
        )

    def network_members(self, network_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        if not self.has("networks") or not network_ids:
            return {}
        return self._memo.get_many(
            "members", list(dict.fromkeys(network_ids)), self._network_members
        )

    def _network_members(self, network_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for row in self.q(
            """
            SELECT n.network_id, n.node_id, n.role_in_network, a.kind, a.band, a.score,
                   gn.kind AS node_kind, gn.label
            FROM networks n
            LEFT JOIN assessments a ON a.person_id = n.node_id
            LEFT JOIN graph_nodes gn ON gn.node_id = n.node_id
            WHERE n.network_id IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY n.network_id, a.score DESC NULLS LAST, n.node_id
            """
            if self.has("graph_nodes")
            else """
            SELECT n.network_id, n.node_id, n.role_in_network, a.kind, a.band, a.score,
                   NULL AS node_kind, NULL AS label
            FROM networks n LEFT JOIN assessments a ON a.person_id = n.node_id
            WHERE n.network_id IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY n.network_id, a.score DESC NULLS LAST, n.node_id
            """,
            [network_ids],
        ):
            out.setdefault(row["network_id"], []).append(row)
        return out

    def network_member_things(self, network_id: str) -> list[dict[str, Any]]:
        """Vehicles, phones and handles recorded with a network's people that are not members
        themselves (no record ties them to the network's children): an adult's own phone.
        Shown beside the members, so an analyst sees them without the graph calling them part
        of the network."""
        if not (self.has("networks") and self.has("graph_edges") and self.has("graph_nodes")):
            return []

        def compute() -> list[dict[str, Any]]:
            return self.q(
                """
                WITH m AS (SELECT node_id FROM networks WHERE network_id = ?)
                SELECT t.node_id AS thing, t.label, t.kind, e.kind AS edge_kind, e.n_events,
                       CASE WHEN e.src IN (SELECT node_id FROM m) THEN e.src ELSE e.dst END
                           AS member
                FROM graph_edges e
                JOIN graph_nodes t ON t.node_id = CASE WHEN e.src IN (SELECT node_id FROM m)
                                                       THEN e.dst ELSE e.src END
                WHERE (e.src IN (SELECT node_id FROM m)) <> (e.dst IN (SELECT node_id FROM m))
                  AND t.kind = 'thing' AND e.kind = 'with_thing'
                ORDER BY t.node_id, member
                """,
                [network_id],
            )

        return self._memo.get(("member_things", network_id), compute)  # type: ignore[no-any-return]

    def network_agencies(self, network_id: str) -> list[str]:
        """The agencies holding records of a network's assessed members."""

        def compute() -> list[str]:
            members = self.network_members([network_id]).get(network_id, [])
            people = self.people([m["node_id"] for m in members if m.get("kind")])
            return sorted({a for p in people.values() for a in p.agencies})

        return self._memo.get(("network_agencies", network_id), compute)  # type: ignore[no-any-return]

    def network_assessment(self, network_id: str) -> dict[str, Any] | None:
        if not self.has("network_assessments"):
            return None

        def compute() -> dict[str, Any] | None:
            rows = self.q("SELECT * FROM network_assessments WHERE network_id = ?", [network_id])
            return rows[0] if rows else None

        return self._memo.get(("network_assessment", network_id), compute)  # type: ignore[no-any-return]

    # a child's records ------------------------------------------------------------------
    def chronology(self, person: Person) -> list[dict[str, Any]]:
        """Every event any of the person's records appears in, oldest first, with its hits."""
        return self._memo.get(("chronology", person.person_id), lambda: self._chronology(person))  # type: ignore[no-any-return]

    def _chronology(self, person: Person) -> list[dict[str, Any]]:
        record_ids = [r for _, r in person.records]
        events = self.q(
            """
            SELECT e.event_id, e.agency, e.event_ref, e.event_type, e.occurred_at, e.recorded_at,
                   e.ended_at, e.postcode, e.place_name, e.narrative, e.outcome,
                   string_agg(DISTINCT ep.role, ', ' ORDER BY ep.role) AS roles
            FROM event_people ep JOIN events e USING (event_id)
            WHERE ep.record_id IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY ALL
            ORDER BY e.occurred_at, e.event_id
            """,
            [record_ids],
        )
        by_event = {e["event_id"]: {**e, "hits": [], "language": []} for e in events}
        if self.has("indicator_hits") and by_event:
            # a hit's own concern (criminal exploitation, child sexual abuse: shown, not CSE)
            concern = "concern" if ("indicator_hits", "concern") in self.columns else "NULL"
            # the reader of the narrative that found a text hit; one the weights do not
            # score (the concept layer by default) is shown, marked, with no points
            layer = "text_layer" if ("indicator_hits", "text_layer") in self.columns else "NULL"
            scored_layers = _scored_text_layers()
            for hit in self.q(
                f"""
                SELECT event_id, indicator, category, weight, source, evidence, span_start,
                       span_end, span_text, legal_floor, record_id, {concern} AS concern,
                       {layer} AS text_layer
                FROM indicator_hits
                WHERE record_id IN (SELECT unnest(?::VARCHAR[]))
                ORDER BY event_id, span_start NULLS LAST
                """,  # noqa: S608 - `concern` and `layer` are column names or NULL
                [record_ids],
            ):
                hit["layer_unscored"] = bool(
                    hit["text_layer"] and hit["text_layer"] not in scored_layers
                )
                if hit["event_id"] in by_event:
                    by_event[hit["event_id"]]["hits"].append(hit)
        if self.has("language_findings") and by_event:
            for finding in self.language_findings(person):
                if finding["event_id"] in by_event:
                    by_event[finding["event_id"]]["language"].append(finding)
        return list(by_event.values())

    def language_findings(self, person: Person) -> list[dict[str, Any]]:
        if not self.has("language_findings"):
            return []
        return self._memo.get(("language", person.person_id), lambda: self._language(person))  # type: ignore[no-any-return]

    def _language(self, person: Person) -> list[dict[str, Any]]:
        return self.q(
            """
            SELECT agency, event_id, record_id, kind, phrase, span_start, span_end, suggestion,
                   occurred_at, recorded_at, child_age_years
            FROM language_findings WHERE record_id IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY occurred_at
            """,
            [[r for _, r in person.records]],
        )

    def _track(self, table: str) -> str:
        """The score keeps a child track and an adult track; show the one matching the kind."""
        if (table, "track") in self.columns:
            return (
                " AND (track IS NULL OR track = coalesce((SELECT kind FROM assessments"
                " WHERE person_id = ? LIMIT 1), track))"
            )
        return ""

    def score_history(self, person_id: str) -> list[dict[str, Any]]:
        if not self.has("score_history"):
            return []
        return self._memo.get(("history", person_id), lambda: self._score_history(person_id))  # type: ignore[no-any-return]

    def _score_history(self, person_id: str) -> list[dict[str, Any]]:
        track = self._track("score_history")
        return self.q(
            f'SELECT "at", score, band FROM score_history WHERE person_id = ?{track} ORDER BY "at"',  # noqa: S608
            [person_id] * (2 if track else 1),
        )

    def score_reasons(self, person_id: str) -> list[dict[str, Any]]:
        if not self.has("score_reasons"):
            return []
        return self._memo.get(("reasons", person_id), lambda: self._score_reasons(person_id))  # type: ignore[no-any-return]

    def _score_reasons(self, person_id: str) -> list[dict[str, Any]]:
        track = self._track("score_reasons")
        return self.q(
            f"""
            SELECT points, category, indicator, agency, event_id, occurred_at, recorded_at, evidence
            FROM score_reasons WHERE person_id = ?{track} ORDER BY points DESC, occurred_at
            """,  # noqa: S608 - a fixed SQL fragment
            [person_id] * (2 if track else 1),
        )

    def thing(self, node_id: str) -> dict[str, Any] | None:
        """A vehicle, phone or place of the graph: its kind (`vehicle`, `phone`, `place`, or
        another thing's), label and when first known; None if the graph has no such node."""
        if not self.has("graph_nodes"):
            return None
        subkind = "subkind" if ("graph_nodes", "subkind") in self.columns else "NULL"
        rows = self.q(
            f"""
            SELECT node_id, label, kind AS node_kind, {subkind} AS subkind
            FROM graph_nodes WHERE node_id = ? AND kind IN ('thing', 'place')
            """,  # noqa: S608 - `subkind` is a column name or NULL
            [node_id],
        )
        if not rows:
            return None
        row = rows[0]
        row["kind"] = "place" if row["node_kind"] == "place" else node_id.split(":", 1)[0]
        row["label"] = row["label"] or node_id.split(":", 1)[-1]
        return row

    def links(self, node_id: str) -> list[dict[str, Any]]:
        """Edges touching `node_id`: the other end, what it is, and the evidence."""
        if not self.has("graph_edges"):
            return []
        return self._memo.get(("links", node_id), lambda: self._links(node_id))  # type: ignore[no-any-return]

    def _links(self, node_id: str) -> list[dict[str, Any]]:
        label = "gn.label" if self.has("graph_nodes") else "NULL"
        kind = "gn.kind" if self.has("graph_nodes") else "NULL"
        subkind = "gn.subkind" if ("graph_nodes", "subkind") in self.columns else "NULL"
        join = "LEFT JOIN graph_nodes gn ON gn.node_id = x.other" if self.has("graph_nodes") else ""
        rows = self.q(
            f"""
            WITH x AS (
                SELECT CASE WHEN src = ? THEN dst ELSE src END AS other, kind AS edge_kind, weight,
                       first_available_at, last_occurred_at, n_events, evidence
                FROM graph_edges WHERE src = ? OR dst = ?
            )
            SELECT x.*, {label} AS label, {kind} AS node_kind, {subkind} AS node_subkind,
                   a.kind AS person_kind, a.band,
                   a.score
            FROM x {join} LEFT JOIN assessments a ON a.person_id = x.other
            ORDER BY a.score DESC NULLS LAST, x.other
            """,  # noqa: S608 - the interpolated parts are fixed SQL fragments, not input
            [node_id, node_id, node_id],
        )
        for row in rows:
            row["evidence"] = _evidence(row["evidence"])
            row["group"] = _link_group(row)
            row["first_occurred_at"] = _first_occurred(row)
        # people by the name their own page shows (the graph's label is one record's spelling)
        people = self.people([r["other"] for r in rows if r["group"] in ("children", "adults")])
        for row in rows:
            if row["other"] in people:
                row["label"] = people[row["other"]].name
        _tell_apart(rows, people)
        return rows

    def network_edges(self, network_id: str) -> list[dict[str, Any]]:
        if not (self.has("graph_edges") and self.has("networks")):
            return []
        rows = self.q(
            """
            WITH m AS (SELECT node_id FROM networks WHERE network_id = ?)
            SELECT src, dst, kind, weight, first_available_at, last_occurred_at, n_events, evidence
            FROM graph_edges
            WHERE src IN (SELECT node_id FROM m) AND dst IN (SELECT node_id FROM m)
            ORDER BY first_available_at
            """,
            [network_id],
        )
        for row in rows:
            row["evidence"] = _evidence(row["evidence"])
            row["first_occurred_at"] = _first_occurred(row)
        return rows

    def event_types(self, event_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not event_ids:
            return {}
        return {
            r["event_id"]: r
            for r in self.q(
                "SELECT event_id, agency, event_type, occurred_at, recorded_at FROM events "
                "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
                [event_ids],
            )
        }

    # statutory clocks ------------------------------------------------------------------
    def clock_events(self, person_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Referrals, missing episodes and return home interviews of each person."""
        if not person_ids:
            return {}
        return self._memo.get_many("clock", list(dict.fromkeys(person_ids)), self._clock_events)

    def clock_events_of(self, person: Person) -> list[dict[str, Any]]:
        """`clock_events` for one person, from their chronology (no second pass over the store):
        the same events, those where one of their records is the subject or the victim."""
        roles = {"subject", "victim"}
        return [
            e
            for e in self.chronology(person)
            if e["event_type"] in CLOCK_EVENT_TYPES and roles & set((e["roles"] or "").split(", "))
        ]

    def _clock_events(self, person_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {pid: [] for pid in person_ids}
        for row in self.q(
            """
            SELECT DISTINCT ps.person_id, e.event_id, e.agency, e.event_type, e.occurred_at,
                   e.recorded_at, e.ended_at, e.outcome
            FROM score_persons ps
            JOIN event_people ep ON ep.record_id = ps.record_id
            JOIN events e ON e.event_id = ep.event_id
            WHERE ps.person_id IN (SELECT unnest(?::VARCHAR[]))
              AND ep.role IN ('subject', 'victim')
              AND e.event_type IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY e.occurred_at
            """,
            [person_ids, list(CLOCK_EVENT_TYPES)],
        ):
            out.setdefault(row["person_id"], []).append(row)
        return out

    # search -----------------------------------------------------------------------------
    def search(
        self,
        name: str = "",
        date_of_birth: date | None = None,
        vehicle: str = "",
        phone: str = "",
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """People by fuzzy name, exact date of birth, vehicle or phone; best matches first."""
        clauses = []
        params: list[Any] = []
        score = "1.0::DOUBLE"
        if name.strip():
            q = name.strip().lower()
            score = (
                "list_max(list_transform(list_concat([lower(concat_ws(' ', p.given_name, p.family_name)),"
                " lower(coalesce(p.given_name, '')), lower(coalesce(p.family_name, ''))],"
                " string_split(lower(coalesce(p.other_names, '')), ';')),"
                " lambda x: jaro_winkler_similarity(trim(x), ?)))"
            )
            clauses.append(f"{score} >= 0.85")
            params.append(q)
        if date_of_birth is not None:
            clauses.append("p.date_of_birth = ?")
            params.append(date_of_birth)
        thing_ids = []
        if vehicle.strip():
            # Resolve's normalisers made the thing ids, so a search must use the same ones;
            # what they cannot read is searched as typed, compacted.
            compact = "".join(ch for ch in vehicle.upper() if ch.isalnum())
            thing_ids.append("vehicle:" + (normalise_registration(vehicle) or compact))
        if phone.strip():
            digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
            thing_ids.append("phone:" + (normalise_phone(phone) or digits))
        if thing_ids:
            if not self.has("thing_mentions"):
                return []
            clauses.append(
                "ps.person_id IN (SELECT ps2.person_id FROM thing_mentions tm "
                "JOIN score_persons ps2 ON ps2.record_id = tm.record_id "
                "WHERE tm.thing_id IN (SELECT unnest(?::VARCHAR[])))"
            )
            params.append(thing_ids)
        if not clauses:
            return []
        where = " AND ".join(clauses)
        rows = self.q(
            f"""
            SELECT ps.person_id, max({score}) AS similarity,
                   arg_max(concat_ws(' ', p.given_name, p.family_name), {score}) AS matched
            FROM people p JOIN score_persons ps USING (record_id)
            WHERE {where}
            GROUP BY ps.person_id ORDER BY similarity DESC, ps.person_id LIMIT {int(limit)}
            """,  # noqa: S608 - fixed SQL fragments; every value is a bound parameter
            ([name.strip().lower()] * 2 if name.strip() else []) + params,
        )
        people = self.people([r["person_id"] for r in rows])
        found: list[dict[str, Any]] = []
        for r in rows:
            person = people.get(r["person_id"])
            if person is None:
                continue
            if not name.strip():
                # found by date of birth, vehicle or phone: an exact match, said as such
                what = "date of birth" if date_of_birth else "vehicle or phone"
                found.append({"person": person, "similarity": None, "matched": f"same {what}"})
                continue
            # The match shown is the name the page shows; a closer spelling in another record
            # is named beside it, so "Daisy Simth" is not shown as a 100% match for "Smith".
            shown = name_similarity(name, person.name)
            found.append(
                {
                    "person": person,
                    "similarity": shown,
                    "best": float(r["similarity"] or 0),
                    "matched": proper_name(r["matched"] or "")
                    if float(r["similarity"] or 0) > shown + 0.005
                    else "",
                }
            )
        found.sort(key=lambda f: (-(f.get("best") or 1.0), -(f["similarity"] or 1.0)))
        return found


def _disagreements(raw: Any) -> list[dict[str, Any]]:
    if not raw:
        return []
    items = json.loads(raw) if isinstance(raw, str) else raw
    return [
        {**item, "date_of_birth": date.fromisoformat(item["date_of_birth"])}
        for item in items
        if item.get("date_of_birth")
    ]


def _evidence(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    items = json.loads(raw) if isinstance(raw, str) else raw
    out = []
    for item in items if isinstance(items, list) else []:
        item = dict(item)
        for key in ("occurred_at", "recorded_at"):
            if isinstance(item.get(key), str):
                try:
                    item[key] = datetime.fromisoformat(item[key])
                except ValueError:
                    pass
        out.append(item)
    return out


def _first_occurred(row: dict[str, Any]) -> Any:
    """The earliest day a link's records happened (or were recorded, for a person record)."""
    days = [e.get("occurred_at") or e.get("recorded_at") for e in row["evidence"]]
    days = [d for d in days if isinstance(d, datetime | date)]
    return min(days) if days else row.get("first_available_at")


def _link_group(row: dict[str, Any]) -> str:
    other = str(row["other"])
    if other.startswith("vehicle:"):
        return "vehicles"
    if other.startswith("phone:"):
        return "phones"
    if other.startswith("place:") or row.get("node_kind") == "place":
        return "places"
    if ":" in other:
        return "other things"
    if row.get("person_kind") == "child" or row.get("node_subkind") == "child":
        return "children"
    return "adults"


@cache
def _scored_text_layers() -> frozenset[str]:
    """The text layers the shipped weights score (`child.scored_text_layers`): a hit from
    another layer is shown marked "not scored"."""
    from lantern.score.weights import load_weights

    return frozenset(load_weights().child.scored_text_layers)
