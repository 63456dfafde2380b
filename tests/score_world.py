"""Hand-built contract tables for the score stage (importable as `score_world`).

A `World` holds people, events, hits, links and things as the upstream
stages would write them (docs/pipeline.md). `write(con, until=D)` writes the
tables *as a run on the data recorded by D would see them*: later events,
hits and links dropped, persons re-clustered from the links that remain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pyarrow as pa

from lantern.graph import stage as graph
from lantern.score.stage import person_id_for

GRAPH_TABLES = ("networks", "graph_edges", "graph_evidence", "graph_thing_links")


def _ts(value: str | date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 12)
    return datetime.fromisoformat(value if "T" in value else value + "T12:00:00")


@dataclass
class World:
    people: dict[str, dict] = field(default_factory=dict)
    events: dict[str, dict] = field(default_factory=dict)
    event_people: list[dict] = field(default_factory=list)
    hits: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    things: dict[str, str] = field(default_factory=dict)
    thing_mentions: list[dict] = field(default_factory=list)
    ethnicity: dict[str, str] = field(default_factory=dict)

    def person(
        self, record_id: str, dob: str | None = None, sex: str = "F", ethnicity: str = "W1"
    ) -> str:
        agency = record_id.split(":", 1)[0]
        self.people[record_id] = {
            "record_id": record_id,
            "agency": agency,
            "dob": date.fromisoformat(dob) if dob else None,
            "sex": sex,
        }
        self.ethnicity[record_id] = ethnicity
        return record_id

    def event(
        self,
        event_id: str,
        occurred: str,
        recorded: str | None = None,
        people: dict[str, str] | None = None,
        event_type: str = "incident",
    ) -> str:
        self.events[event_id] = {
            "event_id": event_id,
            "agency": event_id.split(":", 1)[0],
            "event_type": event_type,
            "occurred_at": _ts(occurred),
            "recorded_at": _ts(recorded or occurred),
            "ended_at": None,
            "postcode": None,
            "place_name": None,
        }
        for record_id, role in (people or {}).items():
            self.event_people.append({"event_id": event_id, "record_id": record_id, "role": role})
        return event_id

    def hit(
        self,
        event_id: str,
        record_id: str,
        indicator: str,
        category: str,
        weight: float = 2.0,
        legal_floor: str | None = None,
    ) -> None:
        event = self.events[event_id]
        self.hits.append(
            {
                "hit_id": f"h{len(self.hits) + 1}",
                "indicator": indicator,
                "category": category,
                "weight": weight,
                "agency": event["agency"],
                "event_id": event_id,
                "record_id": record_id,
                "occurred_at": event["occurred_at"],
                "recorded_at": event["recorded_at"],
                "source": "structured",
                "evidence": f"{indicator} in {event_id}",
                "legal_floor": legal_floor,
            }
        )

    def link(self, left: str, right: str, available: str) -> None:
        self.links.append(
            {
                "record_id_l": min(left, right),
                "record_id_r": max(left, right),
                "available_at": _ts(available),
            }
        )

    def thing(self, event_id: str, thing_id: str, role: str = "seen_with_subject") -> None:
        self.things[thing_id] = thing_id.split(":", 1)[0]
        event = self.events[event_id]
        self.thing_mentions.append(
            {
                "thing_id": thing_id,
                "event_id": event_id,
                "record_id": None,
                "agency": event["agency"],
                "source": "event_things",
                "role": role,
                "description": None,
                "occurred_at": event["occurred_at"],
                "recorded_at": event["recorded_at"],
            }
        )

    # writing -----------------------------------------------------------------

    def write(self, con: duckdb.DuckDBPyConnection, until: date | None = None) -> None:
        cutoff = (
            datetime.max
            if until is None
            else datetime(until.year, until.month, until.day, 23, 59, 59)
        )
        events = [e for e in self.events.values() if e["recorded_at"] <= cutoff]
        kept = {e["event_id"] for e in events}
        event_people = [p for p in self.event_people if p["event_id"] in kept]
        hits = [h for h in self.hits if h["recorded_at"] <= cutoff]
        links = [lk for lk in self.links if lk["available_at"] <= cutoff]
        mentions = [m for m in self.thing_mentions if m["event_id"] in kept]

        first_seen: dict[str, datetime] = {}
        for p in event_people:
            at = self.events[p["event_id"]]["recorded_at"]
            first_seen[p["record_id"]] = min(at, first_seen.get(p["record_id"], at))

        parent = {r: r for r in self.people}

        def find(r: str) -> str:
            while parent[r] != r:
                r = parent[r]
            return r

        for lk in links:
            a, b = find(lk["record_id_l"]), find(lk["record_id_r"])
            if a != b:
                parent[max(a, b)] = min(a, b)
        groups: dict[str, list[str]] = {}
        for r in self.people:
            groups.setdefault(find(r), []).append(r)
        persons = [
            {"record_id": r, "person_id": person_id_for(members)}
            for members in groups.values()
            for r in members
        ]

        def table(name: str, rows: list[dict], schema: dict[str, pa.DataType]) -> None:
            data = pa.table(
                {c: pa.array([row.get(c) for row in rows], type=t) for c, t in schema.items()}
            )
            con.register("world_rows", data)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM world_rows")  # noqa: S608
            con.unregister("world_rows")

        s, ts, d, f = pa.string(), pa.timestamp("us"), pa.date32(), pa.float64()
        table(
            "people",
            list(self.people.values()),
            {"record_id": s, "agency": s, "sex": s},
        )
        table(
            "person_records",
            [
                {
                    **p,
                    "birth_year": p["dob"].year if p["dob"] else None,
                    "first_recorded_at": first_seen.get(p["record_id"]),
                    "postcode_norm": p.get("postcode"),
                }
                for p in self.people.values()
            ],
            {
                "record_id": s,
                "agency": s,
                "dob": d,
                "birth_year": pa.int32(),
                "sex": s,
                "first_recorded_at": ts,
                "postcode_norm": s,
                "family_name_norm": s,
            },
        )
        table(
            "equality_monitoring",
            [{"record_id": r, "ethnicity": e} for r, e in self.ethnicity.items()],
            {"record_id": s, "ethnicity": s},
        )
        table(
            "events",
            events,
            {
                "event_id": s,
                "agency": s,
                "event_type": s,
                "occurred_at": ts,
                "recorded_at": ts,
                "ended_at": ts,
                "postcode": s,
                "place_name": s,
            },
        )
        table("event_people", event_people, {"event_id": s, "record_id": s, "role": s})
        table(
            "indicator_hits",
            hits,
            {
                "hit_id": s, "indicator": s, "category": s, "weight": f, "agency": s,
                "event_id": s, "record_id": s, "occurred_at": ts, "recorded_at": ts,
                "source": s, "evidence": s, "legal_floor": s, "concern": s, "text_layer": s,
                "relation": s,
            },
        )  # fmt: skip
        table("record_links", links, {"record_id_l": s, "record_id_r": s, "available_at": ts})
        table("persons", persons, {"record_id": s, "person_id": s})
        table(
            "things",
            # as the store contract has it (resolve writes `display`; the graph reads it)
            [{"thing_id": t, "kind": k, "display": None} for t, k in self.things.items()],
            {"thing_id": s, "kind": s, "display": s},
        )
        table(
            "thing_mentions",
            mentions,
            {
                "thing_id": s, "event_id": s, "record_id": s, "agency": s, "source": s,
                "role": s, "description": s, "occurred_at": ts, "recorded_at": ts,
            },
        )  # fmt: skip


def county() -> World:
    """A small county: a ring around two girls, a third drawn in, and a runaway who is not."""
    w = World()
    # Amy: police, health and social care records; health joins police only in Sept 2010.
    w.person("police:A1", "1996-02-01")
    w.person("health:A2", "1996-02-01")
    w.person("social_care:A3", "1996-02-01")
    w.link("police:A1", "social_care:A3", "2010-01-20")
    w.link("police:A1", "health:A2", "2010-09-01")
    # Bea, and the adult and car around both girls.
    w.person("police:B1", "1997-05-05")
    w.person("police:X1", "1975-03-03", sex="M")
    w.person("police:C1", "1996-11-11")
    w.person("police:D1", "1995-08-08", sex="M")
    w.person("health:D2", "1995-08-08", sex="M")
    w.link("police:D1", "health:D2", "2009-01-01")

    for i, month in enumerate(("01", "02", "03")):
        w.event(
            f"police:mA{i}",
            f"2010-{month}-10",
            people={"police:A1": "subject"},
            event_type="missing_report",
        )
        w.hit(f"police:mA{i}", "police:A1", "missing_episode", "missing", 3.0)
    w.event(
        "social_care:sA",
        "2010-04-02",
        people={"social_care:A3": "subject", "police:X1": "associate"},
    )
    w.hit("social_care:sA", "social_care:A3", "older_male_associate", "older_associate", 3.0)
    w.thing("social_care:sA", "vehicle:AB12CDE")
    w.event("health:hA", "2010-05-05", people={"health:A2": "subject"}, event_type="sti_diagnosis")
    w.hit("health:hA", "health:A2", "sti_under_16", "sexual_health", 4.0)
    w.event("police:cA", "2010-06-01", people={"police:A1": "subject", "police:X1": "suspect"})
    w.hit("police:cA", "police:A1", "car_with_adult", "vehicle", 4.0)
    w.thing("police:cA", "vehicle:AB12CDE", role="used_by_suspect")

    w.event(
        "police:dB",
        "2010-07-01",
        "2010-07-03",
        people={"police:B1": "victim", "police:X1": "suspect"},
    )
    w.hit(
        "police:dB",
        "police:B1",
        "sexual_activity_under_16_with_adult",
        "sexual_abuse_disclosed",
        5.0,
        "medium",
    )
    w.event("police:vB", "2010-07-20", people={"police:B1": "subject", "police:X1": "suspect"})
    w.hit("police:vB", "police:B1", "car_with_adult", "vehicle", 3.0)
    w.thing("police:vB", "vehicle:AB12CDE", role="used_by_suspect")

    # Cara: two missing episodes, each with the same adult; little on her own.
    w.event("police:mC1", "2010-10-01", people={"police:C1": "subject", "police:X1": "associate"})
    w.hit("police:mC1", "police:C1", "missing_episode", "missing", 2.0)
    w.event("police:mC2", "2010-11-01", people={"police:C1": "subject", "police:X1": "associate"})
    w.hit("police:mC2", "police:C1", "missing_episode", "missing", 2.0)

    # Dan: runs away a lot, from home, and nothing else.
    for i in range(10):
        day = date(2010, 1, 5).toordinal() + 20 * i
        w.event(f"police:mD{i}", date.fromordinal(day).isoformat(), people={"police:D1": "subject"})
        w.hit(f"police:mD{i}", "police:D1", "missing_episode", "missing", 2.0)
    w.event("health:eD", "2010-03-03", people={"health:D2": "subject"}, event_type="ed_attendance")
    w.hit("health:eD", "health:D2", "intoxicated", "substances", 2.0)
    return w


def graph_built(world: World, until: date | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    world.write(con, until=until)
    graph.run(con, stats=False)
    return con


def with_partition_of(full: duckdb.DuckDBPyConnection, world: World, cut: date):
    """The data recorded by `cut`, with the networks the whole history's graph found and
    only the graph evidence available by `cut`: the one thing not replayed is the partition.
    Its members are named by the truncated run's persons (the same records)."""
    con = duckdb.connect()
    world.write(con, until=cut)
    for table in (*GRAPH_TABLES, "persons"):
        where = (
            f"WHERE available_at < DATE '{cut}' + INTERVAL 1 DAY"
            if table in ("graph_evidence", "graph_thing_links")
            else ""
        )
        data = full.sql(f"SELECT * FROM {table} {where}").arrow()  # noqa: S608
        con.register("copied", data)
        con.execute(f"CREATE TABLE full_{table} AS SELECT * FROM copied")  # noqa: S608
        con.unregister("copied")
    con.execute("CREATE TABLE graph_edges AS SELECT * FROM full_graph_edges")
    con.execute("CREATE TABLE graph_evidence AS SELECT * FROM full_graph_evidence")
    # which things a person record holds by `cut` (lantern.score.unidentified)
    con.execute("CREATE TABLE graph_thing_links AS SELECT * FROM full_graph_thing_links")
    con.execute(
        """
        CREATE TABLE networks AS
        SELECT DISTINCT n.network_id, coalesce(p.person_id, n.node_id) AS node_id, n.role_in_network
        FROM full_networks n
        LEFT JOIN full_persons f ON f.person_id = n.node_id
        LEFT JOIN persons p ON p.record_id = f.record_id
        """
    )
    return con


SCORE_TABLES = (
    "assessments",
    "score_history",
    "score_reasons",
    "network_assessments",
    "score_persons",
)


def dump_score_tables(con):
    """Every row of the score stage's tables, in a fixed order: two stores compare equal."""
    return {
        t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()  # noqa: S608
        for t in SCORE_TABLES
    }
