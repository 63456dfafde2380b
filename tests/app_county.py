"""A small, believable county written by hand into the pipeline's contract tables.

The web app reads only the tables `docs/pipeline.md` lists. This module writes them directly
(no ingest, no scoring) so the app's tests do not depend on the analytical stages: five children,
three adults, a car, a phone, a takeaway, one network, and events from four agencies with
narratives whose indicator spans and victim-blaming phrases are located in the text.

`build_county(path)` writes the store and returns the `County` (its ids), so tests can name
children without repeating literals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from evidence_county import add_evidence_tables
from lantern.store.contract import stamp

AS_OF = date(2011, 6, 30)


@dataclass
class County:
    path: Path
    kayleigh: str = "P00000000a1"
    jade: str = "P00000000b2"
    liam: str = "P00000000c3"
    amy: str = "P00000000d4"
    chloe: str = "P00000000e5"
    darren: str = "P00000000f6"
    shaun: str = "P0000000107"
    mark: str = "P0000000118"
    network: str = "N000001"
    vehicle: str = "vehicle:YX09ABC"
    phone: str = "phone:+447700900123"
    children: list[str] = field(default_factory=list)
    days_moved: int = 0  # `make_live`: how far its dates were moved (0: as written, in 2011)

    def on(self, day: date) -> date:
        """Where a day of the county as written (2011) falls in this copy of it."""
        return day + timedelta(days=self.days_moved)


# person_id, kind, given, family, other_names, dob, sex, records [(agency, ref, postcode, phone)]
PEOPLE = [
    (
        "P00000000a1",
        "child",
        "Kayleigh",
        "Brookes",
        "Kay",
        date(1997, 6, 12),
        "F",
        [
            ("police", "P100", "BD1 3AB", ""),
            ("social_care", "SC200", "BD1 3AB", ""),
            ("health", "H300", "BD1 3AB", "07700 900456"),
            ("education", "E400", "BD1 3AB", ""),
        ],
    ),
    (
        "P00000000b2",
        "child",
        "Jade",
        "Whitfield",
        "",
        date(1996, 2, 3),
        "F",
        [
            ("police", "P101", "BD3 8QT", ""),
            ("social_care", "SC201", "BD3 8QT", ""),
            ("health", "H301", "BD3 8QT", ""),
        ],
    ),
    (
        "P00000000c3",
        "child",
        "Liam",
        "Carter",
        "",
        date(1998, 9, 20),
        "M",
        [("police", "P102", "BD5 0HJ", ""), ("education", "E402", "BD5 0HJ", "")],
    ),
    (
        "P00000000d4",
        "child",
        "Amy",
        "Nolan",
        "",
        date(1999, 1, 15),
        "F",
        [("education", "E403", "BD2 4LL", ""), ("health", "H303", "BD2 4LL", "")],
    ),
    (
        "P00000000e5",
        "child",
        "Chloe",
        "Masters",
        "Clo",
        date(1996, 11, 2),
        "F",
        [("social_care", "SC204", "BD7 1RS", ""), ("police", "P104", "BD7 1RS", "")],
    ),
    (
        "P00000000f6",
        "adult",
        "Darren",
        "Mills",
        "Daz",
        date(1979, 4, 8),
        "M",
        [("police", "P110", "BD1 2ZZ", "07700 900123")],
    ),
    (
        "P0000000107",
        "adult",
        "Shaun",
        "Kelly",
        "",
        date(1983, 12, 1),
        "M",
        [("police", "P111", "BD4 9XY", "")],
    ),
    (
        "P0000000118",
        "adult",
        "Mark",
        "Dunn",
        "",
        date(1975, 7, 30),
        "M",
        [("police", "P112", "BD6 5PP", "")],
    ),
]

# event_ref, agency, type, occurred, recorded, ended, place, narrative, outcome,
# people [(ref, role)], hits [(indicator, category, weight, phrase, record_ref)],
# language [(kind, phrase, suggestion, record_ref)]
EVENTS = [
    (
        "E1",
        "police",
        "missing_report",
        datetime(2011, 1, 8, 22, 0),
        datetime(2011, 1, 8, 23, 10),
        datetime(2011, 1, 9, 14, 0),
        "BD1 3AB",
        "Kayleigh reported missing by her mother. Found next day at a flat on Manor Row; "
        "she said she had been with friends and was given vodka.",
        "Returned",
        [("P100", "subject")],
        [
            ("missing_episode", "missing", 2.0, "reported missing", "P100"),
            ("given_alcohol", "substances", 2.0, "given vodka", "P100"),
        ],
        [],
    ),
    (
        "SC1",
        "social_care",
        "referral",
        datetime(2011, 1, 12, 9, 30),
        datetime(2011, 1, 12, 9, 45),
        None,
        "BD1 3AB",
        "Referral from school nurse: Kayleigh has a new phone and money she cannot explain, and talks "
        "about an older boyfriend called Daz who picks her up in a silver car.",
        "Assessment",
        [("SC200", "subject")],
        [
            (
                "unexplained_gifts",
                "gifts_money",
                2.0,
                "new phone and money she cannot explain",
                "SC200",
            ),
            ("older_boyfriend", "older_associate", 3.0, "older boyfriend", "SC200"),
            ("picked_up_in_car", "vehicle", 3.0, "picks her up in a silver car", "SC200"),
        ],
        [],
    ),
    (
        "H1",
        "health",
        "sexual_health_attendance",
        datetime(2011, 3, 4, 16, 0),
        datetime(2011, 3, 4, 17, 30),
        None,
        "BD1 1AA",
        "Attended clinic requesting emergency contraception. Relationship with a 31-year-old male "
        "recorded as consensual. Chlamydia test positive.",
        "Treated",
        [("H300", "subject")],
        [
            ("emergency_contraception", "sexual_health", 3.0, "emergency contraception", "H300"),
            ("sti_diagnosis", "sexual_health", 3.0, "Chlamydia test positive", "H300"),
            (
                "under_16_sexual_activity_with_adult",
                "sexual_abuse_disclosed",
                8.0,
                "Relationship with a 31-year-old male",
                "H300",
            ),
        ],
        [
            (
                "victim_blaming",
                "consensual",
                "a child of 13 cannot consent; record what happened",
                "H300",
            )
        ],
    ),
    (
        "E2",
        "police",
        "vehicle_stop",
        datetime(2011, 3, 19, 1, 20),
        datetime(2011, 3, 19, 3, 0),
        None,
        "BD1 2ZZ",
        "Vehicle YX09 ABC (silver Vauxhall Astra) stopped at 01:20. Driver Darren Mills, 31. "
        "Two girls in the back, Kayleigh Brookes and Jade Whitfield, both intoxicated.",
        "Words of advice",
        [("P110", "suspect"), ("P100", "subject"), ("P101", "subject")],
        [
            ("in_car_with_adult_at_night", "vehicle", 4.0, "Two girls in the back", "P100"),
            ("intoxicated", "substances", 2.0, "both intoxicated", "P100"),
            ("in_car_with_adult_at_night", "vehicle", 4.0, "Two girls in the back", "P101"),
            ("intoxicated", "substances", 2.0, "both intoxicated", "P101"),
        ],
        [],
    ),
    (
        "ED1",
        "education",
        "absence",
        datetime(2011, 4, 4, 9, 0),
        datetime(2011, 4, 8, 15, 0),
        datetime(2011, 4, 8, 15, 0),
        "BD1 5ED",
        "Kayleigh absent all week, no explanation from home. Attendance this term 62%.",
        "Letter home",
        [("E400", "subject")],
        [("persistent_absence", "education", 2.0, "absent all week", "E400")],
        [],
    ),
    (
        "SC2",
        "social_care",
        "missing_from_care",
        datetime(2011, 5, 20, 19, 0),
        datetime(2011, 5, 20, 21, 0),
        datetime(2011, 5, 22, 10, 0),
        "BD1 3AB",
        "Kayleigh missing from placement for two nights. Staff believe she is putting herself at risk "
        "and stayed above a takeaway on Manor Row.",
        "Returned",
        [("SC200", "subject")],
        [
            ("missing_episode", "missing", 2.0, "missing from placement for two nights", "SC200"),
            ("takeaway_address", "places", 3.0, "above a takeaway", "SC200"),
        ],
        [("victim_blaming", "putting herself at risk", "is being put at risk by adults", "SC200")],
    ),
    (
        "SC3",
        "social_care",
        "return_home_interview",
        datetime(2011, 5, 26, 14, 0),
        datetime(2011, 5, 26, 16, 0),
        None,
        "BD1 3AB",
        "Return home interview. Kayleigh would not say where she stayed; said Shaun lets her use his phone.",
        "Completed",
        [("SC200", "subject")],
        [("phone_from_adult", "online_contact", 2.0, "lets her use his phone", "SC200")],
        [],
    ),
    (
        "E3",
        "police",
        "intelligence",
        datetime(2011, 5, 28, 12, 0),
        datetime(2011, 5, 29, 9, 0),
        None,
        "BD1 3AB",
        "Intelligence: adult males Darren Mills and Shaun Kelly seen with girls under 16 at the "
        "takeaway on Manor Row late at night. Phone 07700 900123 used to arrange pick-ups.",
        "Graded B2",
        [("P110", "suspect"), ("P111", "suspect"), ("P100", "subject"), ("P101", "subject")],
        [
            (
                "adults_with_children_at_night",
                "older_associate",
                3.0,
                "seen with girls under 16",
                "P100",
            ),
            (
                "adults_with_children_at_night",
                "older_associate",
                3.0,
                "seen with girls under 16",
                "P101",
            ),
        ],
        [],
    ),
    (
        "E4",
        "police",
        "missing_report",
        datetime(2011, 6, 24, 23, 0),
        datetime(2011, 6, 25, 0, 30),
        datetime(2011, 6, 27, 8, 0),
        "BD3 8QT",
        "Jade missing overnight for the third time this month. Returned with a bruised arm, would not "
        "say how.",
        "Returned",
        [("P101", "subject")],
        [
            ("repeat_missing", "missing", 3.0, "missing overnight for the third time", "P101"),
            ("unexplained_injury", "physical_harm", 2.0, "bruised arm", "P101"),
        ],
        [],
    ),
    (
        "SC4",
        "social_care",
        "referral",
        datetime(2011, 6, 28, 10, 0),
        datetime(2011, 6, 28, 10, 30),
        None,
        "BD3 8QT",
        "Referral from police: Jade repeatedly missing, associating with older males at a takeaway.",
        "For decision",
        [("SC201", "subject")],
        [("older_associate", "older_associate", 3.0, "associating with older males", "SC201")],
        [],
    ),
    (
        "E5",
        "police",
        "missing_report",
        datetime(2011, 6, 10, 21, 0),
        datetime(2011, 6, 10, 22, 0),
        datetime(2011, 6, 11, 7, 0),
        "BD5 0HJ",
        "Liam missing overnight; found in a flat with an adult male he called Mark.",
        "Returned",
        [("P102", "subject"), ("P112", "associate")],
        [
            ("missing_episode", "missing", 2.0, "Liam missing overnight", "P102"),
            ("older_associate", "older_associate", 3.0, "flat with an adult male", "P102"),
        ],
        [],
    ),
    (
        "ED2",
        "education",
        "exclusion",
        datetime(2011, 6, 15, 11, 0),
        datetime(2011, 6, 15, 12, 0),
        None,
        "BD5 0HJ",
        "Fixed-term exclusion for three days after a fight. Has new trainers and cash.",
        "Excluded",
        [("E402", "subject")],
        [
            ("exclusion", "education", 1.0, "Fixed-term exclusion", "E402"),
            ("unexplained_gifts", "gifts_money", 2.0, "new trainers and cash", "E402"),
        ],
        [],
    ),
    (
        "ED3",
        "education",
        "absence",
        datetime(2011, 5, 9, 9, 0),
        datetime(2011, 5, 9, 12, 0),
        None,
        "BD2 4LL",
        "Amy absent one day; mother phoned in sick.",
        "Authorised",
        [("E403", "subject")],
        [],
        [],
    ),
    (
        "SC5",
        "social_care",
        "missing_from_care",
        datetime(2011, 6, 20, 18, 0),
        datetime(2011, 6, 20, 19, 0),
        datetime(2011, 6, 21, 9, 0),
        "BD7 1RS",
        "Chloe missing from her children's home overnight; returned drunk, says she was at a party at "
        "a hotel with men she met online.",
        "Returned",
        [("SC204", "subject")],
        [
            (
                "missing_episode",
                "missing",
                2.0,
                "missing from her children's home overnight",
                "SC204",
            ),
            ("hotel_party", "places", 4.0, "party at a hotel", "SC204"),
            ("online_contact_adults", "online_contact", 3.0, "men she met online", "SC204"),
            ("intoxicated", "substances", 2.0, "returned drunk", "SC204"),
        ],
        [],
    ),
]

ASSESSMENTS = {
    # person_id: (kind, score, band, first_flagged_at, networks, linked_children)
    "P00000000a1": ("child", 49.0, "high", date(2011, 3, 4), "N000001", None),
    "P00000000b2": ("child", 24.0, "medium", date(2011, 6, 25), "N000001", None),
    "P00000000c3": ("child", 10.0, "medium", date(2011, 6, 15), "", None),
    "P00000000d4": ("child", 0.0, "none", None, "", None),
    "P00000000e5": ("child", 11.0, "high", date(2011, 6, 20), "", None),
    "P00000000f6": ("adult", 18.0, "high", date(2011, 3, 19), "N000001", 2),
    "P0000000107": ("adult", 9.0, "medium", date(2011, 5, 29), "N000001", 2),
    "P0000000118": ("adult", 3.0, "low", date(2011, 6, 10), "", 1),
}

HISTORY = {
    "P00000000a1": [
        (date(2011, 1, 9), 4.0, "low"),
        (date(2011, 1, 12), 12.0, "medium"),
        (date(2011, 3, 4), 26.0, "high"),
        (date(2011, 5, 29), 49.0, "high"),
    ],
    "P00000000b2": [(date(2011, 3, 19), 6.0, "low"), (date(2011, 6, 25), 24.0, "medium")],
    "P00000000c3": [(date(2011, 6, 10), 5.0, "low"), (date(2011, 6, 15), 10.0, "medium")],
    "P00000000e5": [(date(2011, 6, 20), 11.0, "high")],
}

# src, dst, kind, weight, [event_refs]
EDGES = [
    ("P00000000a1", "P00000000f6", "co_event", 2.0, ["police:E2", "police:E3"]),
    ("P00000000b2", "P00000000f6", "co_event", 2.0, ["police:E2", "police:E3"]),
    ("P00000000a1", "P0000000107", "co_event", 1.0, ["police:E3"]),
    ("P00000000b2", "P0000000107", "co_event", 1.0, ["police:E3"]),
    ("P00000000f6", "vehicle:YX09ABC", "shared_thing", 1.0, ["police:E2"]),
    ("P00000000a1", "vehicle:YX09ABC", "shared_thing", 1.0, ["police:E2"]),
    ("P00000000f6", "phone:+447700900123", "shared_thing", 1.0, ["police:E3"]),
    (
        "P00000000a1",
        "place:Manor Row takeaway",
        "at_place",
        1.0,
        ["social_care:SC2", "police:E3"],
    ),
    ("P0000000107", "place:Manor Row takeaway", "at_place", 1.0, ["police:E3"]),
    ("P00000000c3", "P0000000118", "co_event", 1.0, ["police:E5"]),
]

NETWORK = [
    ("P00000000a1", "child"),
    ("P00000000b2", "child"),
    ("P00000000f6", "adult"),
    ("P0000000107", "adult"),
    ("vehicle:YX09ABC", "vehicle"),
    ("phone:+447700900123", "phone"),
    ("place:Manor Row takeaway", "place"),
]


def _ddl(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE TABLE people (record_id VARCHAR, agency VARCHAR, person_ref VARCHAR,
            given_name VARCHAR, family_name VARCHAR, other_names VARCHAR, date_of_birth DATE,
            birth_year INTEGER, sex VARCHAR, nhs_number VARCHAR, upn VARCHAR, postcode VARCHAR,
            address VARCHAR, phone VARCHAR, email VARCHAR, attributes JSON, load_id VARCHAR,
            dataset VARCHAR, source_file VARCHAR, source_line INTEGER);
        CREATE TABLE persons (record_id VARCHAR, person_id VARCHAR);
        CREATE TABLE score_persons (record_id VARCHAR, person_id VARCHAR);
        CREATE TABLE events (event_id VARCHAR, agency VARCHAR, event_ref VARCHAR,
            event_type VARCHAR, event_type_raw VARCHAR, occurred_at TIMESTAMP,
            recorded_at TIMESTAMP, ended_at TIMESTAMP, postcode VARCHAR, place_name VARCHAR,
            latitude DOUBLE, longitude DOUBLE, narrative VARCHAR, outcome VARCHAR, codes VARCHAR,
            attributes JSON, load_id VARCHAR, dataset VARCHAR, source_file VARCHAR,
            source_line INTEGER);
        CREATE TABLE event_people (event_id VARCHAR, record_id VARCHAR, agency VARCHAR,
            event_ref VARCHAR, person_ref VARCHAR, role VARCHAR, load_id VARCHAR, dataset VARCHAR,
            source_file VARCHAR, source_line INTEGER);
        CREATE TABLE things (thing_id VARCHAR, kind VARCHAR, value_norm VARCHAR, display VARCHAR);
        CREATE TABLE thing_mentions (thing_id VARCHAR, event_id VARCHAR, record_id VARCHAR,
            agency VARCHAR, source VARCHAR, role VARCHAR, description VARCHAR,
            occurred_at TIMESTAMP, recorded_at TIMESTAMP);
        CREATE TABLE indicator_hits (hit_id VARCHAR, indicator VARCHAR, category VARCHAR,
            weight DOUBLE, agency VARCHAR, event_id VARCHAR, record_id VARCHAR,
            occurred_at TIMESTAMP, recorded_at TIMESTAMP, source VARCHAR, evidence VARCHAR,
            span_start INTEGER, span_end INTEGER, span_text VARCHAR, legal_floor VARCHAR);
        CREATE TABLE language_findings (agency VARCHAR, event_id VARCHAR, record_id VARCHAR,
            kind VARCHAR, phrase VARCHAR, span_start INTEGER, span_end INTEGER,
            suggestion VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP,
            child_age_years INTEGER);
        CREATE TABLE graph_nodes (node_id VARCHAR, kind VARCHAR, label VARCHAR);
        CREATE TABLE graph_edges (src VARCHAR, dst VARCHAR, kind VARCHAR, weight DOUBLE,
            first_available_at TIMESTAMP, last_occurred_at TIMESTAMP, n_events INTEGER,
            evidence JSON);
        CREATE TABLE networks (network_id VARCHAR, node_id VARCHAR, role_in_network VARCHAR);
        CREATE TABLE assessments (person_id VARCHAR, kind VARCHAR, score DOUBLE, band VARCHAR,
            first_flagged_at DATE, network_ids VARCHAR, top_reasons VARCHAR, as_of DATE,
            linked_children INTEGER);
        CREATE TABLE network_assessments (network_id VARCHAR, child_count INTEGER,
            adult_count INTEGER, score DOUBLE, first_flagged_at DATE);
        CREATE TABLE score_reasons (person_id VARCHAR, points DOUBLE, category VARCHAR,
            indicator VARCHAR, agency VARCHAR, event_id VARCHAR, occurred_at TIMESTAMP,
            recorded_at TIMESTAMP, evidence VARCHAR);
        CREATE TABLE score_history (person_id VARCHAR, "at" DATE, score DOUBLE, band VARCHAR);
    """)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def build_county(path: Path) -> County:
    """Write the county's contract tables into a new DuckDB file at `path`."""
    con = duckdb.connect(str(path))
    stamp(con)  # a store of this Lantern's version (lantern.store.contract)
    _ddl(con)
    person_of: dict[str, str] = {}
    dob_of: dict[str, date] = {}
    for person_id, _kind, given, family, other, dob, sex, records in PEOPLE:
        dob_of[person_id] = dob
        for agency, ref, postcode, phone in records:
            record_id = f"{agency}:{ref}"
            person_of[ref] = person_id
            con.execute(
                "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL, ?, NULL,"
                " '{}', 'L1', 'county', ?, 2)",
                [
                    record_id,
                    agency,
                    ref,
                    given,
                    family,
                    other,
                    dob,
                    dob.year,
                    sex,
                    postcode,
                    phone or None,
                    f"{agency}/people.csv",
                ],
            )
            con.execute("INSERT INTO persons VALUES (?, ?)", [record_id, person_id])
            con.execute("INSERT INTO score_persons VALUES (?, ?)", [record_id, person_id])
    hit_number = 0
    reasons: dict[str, list[tuple[str, str, str, str]]] = {}
    for (
        ref,
        agency,
        etype,
        occurred,
        recorded,
        ended,
        postcode,
        narrative,
        outcome,
        people,
        hits,
        language,
    ) in EVENTS:
        event_id = f"{agency}:{ref}"
        con.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, NULL, '{}',"
            " 'L1', 'county', ?, 2)",
            [
                event_id,
                agency,
                ref,
                etype,
                etype,
                occurred,
                recorded,
                ended,
                postcode,
                "Manor Row" if "Manor Row" in narrative else None,
                narrative,
                outcome,
                f"{agency}/events.csv",
            ],
        )
        for person_ref, role in people:
            record_agency = agency
            con.execute(
                "INSERT INTO event_people VALUES (?, ?, ?, ?, ?, ?, 'L1', 'county', ?, 2)",
                [
                    event_id,
                    f"{record_agency}:{person_ref}",
                    agency,
                    ref,
                    person_ref,
                    role,
                    f"{agency}/event_people.csv",
                ],
            )
        for indicator, category, weight, phrase, record_ref in hits:
            hit_number += 1
            start = narrative.index(phrase)
            con.execute(
                "INSERT INTO indicator_hits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?)",
                [
                    f"H{hit_number:04d}",
                    indicator,
                    category,
                    weight,
                    agency,
                    event_id,
                    f"{agency}:{record_ref}",
                    occurred,
                    recorded,
                    narrative,
                    start,
                    start + len(phrase),
                    phrase,
                    "high" if category == "sexual_abuse_disclosed" else None,
                ],
            )
            reasons.setdefault(person_of[record_ref], []).append(
                (indicator, category, agency, event_id)
            )
            con.execute(
                "INSERT INTO score_reasons VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    person_of[record_ref],
                    weight,
                    category,
                    indicator,
                    agency,
                    event_id,
                    occurred,
                    recorded,
                    f"{indicator.replace('_', ' ')}: \u201c{phrase}\u201d",
                ],
            )
        for kind, phrase, suggestion, record_ref in language:
            start = narrative.index(phrase)
            con.execute(
                "INSERT INTO language_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    agency,
                    event_id,
                    f"{agency}:{record_ref}",
                    kind,
                    phrase,
                    start,
                    start + len(phrase),
                    suggestion,
                    occurred,
                    recorded,
                    _age(dob_of[person_of[record_ref]], occurred.date()),
                ],
            )
    con.executemany(
        "INSERT INTO things VALUES (?, ?, ?, ?)",
        [
            ["vehicle:YX09ABC", "vehicle", "YX09ABC", "YX09 ABC (silver Vauxhall Astra)"],
            ["phone:+447700900123", "phone", "+447700900123", "07700 900123"],
        ],
    )
    con.executemany(
        "INSERT INTO thing_mentions VALUES (?, ?, ?, 'police', ?, ?, ?, ?, ?)",
        [
            [
                "vehicle:YX09ABC",
                "police:E2",
                "police:P110",
                "event_things",
                "used_by_suspect",
                "silver Vauxhall Astra",
                datetime(2011, 3, 19, 1, 20),
                datetime(2011, 3, 19, 3, 0),
            ],
            ["phone:+447700900123", None, "police:P110", "people", "owned_by", None, None, None],
            [
                "phone:+447700900123",
                "police:E3",
                "police:P110",
                "event_things",
                "used_by_suspect",
                None,
                datetime(2011, 5, 28, 12, 0),
                datetime(2011, 5, 29, 9, 0),
            ],
        ],
    )
    names = {p[0]: f"{p[2]} {p[3]}" for p in PEOPLE}
    nodes = [(pid, "person", names[pid]) for pid in names]
    nodes += [
        ("vehicle:YX09ABC", "thing", "YX09 ABC (silver Vauxhall Astra)"),
        ("phone:+447700900123", "thing", "07700 900123"),
        ("place:Manor Row takeaway", "place", "Takeaway, Manor Row, BD1"),
    ]
    con.executemany("INSERT INTO graph_nodes VALUES (?, ?, ?)", [list(n) for n in nodes])
    event_at = {f"{e[1]}:{e[0]}": (e[3], e[4], e[1]) for e in EVENTS}
    for src, dst, kind, weight, event_ids in EDGES:
        evidence = [
            {
                "event_id": eid,
                "agency": event_at[eid][2],
                "occurred_at": event_at[eid][0].isoformat(),
                "recorded_at": event_at[eid][1].isoformat(),
                "role": "subject",
            }
            for eid in event_ids
        ]
        con.execute(
            "INSERT INTO graph_edges VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                src,
                dst,
                kind,
                weight,
                min(event_at[e][1] for e in event_ids),
                max(event_at[e][0] for e in event_ids),
                len(event_ids),
                json.dumps(evidence),
            ],
        )
    con.executemany("INSERT INTO networks VALUES ('N000001', ?, ?)", [list(m) for m in NETWORK])
    con.execute(
        "INSERT INTO network_assessments VALUES ('N000001', 2, 2, 100.0, DATE '2011-05-29')"
    )
    for person_id, (kind, score, band, flagged, nets, linked) in ASSESSMENTS.items():
        top = (
            "; ".join(
                dict.fromkeys(
                    f"{category} ({agency})"
                    for _, category, agency, _ in reasons.get(person_id, [])
                )
            )
            if kind == "child"
            else f"linked to {linked} flagged child(ren)"
        )
        con.execute(
            "INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [person_id, kind, score, band, flagged, nets, top[:200], AS_OF, linked],
        )
    for person_id, rows in HISTORY.items():
        con.executemany(
            "INSERT INTO score_history VALUES (?, ?, ?, ?)", [[person_id, *row] for row in rows]
        )
    add_evidence_tables(con)  # the graph stage's evidence tables (issue 22)
    con.close()
    county = County(path=path)
    county.children = [p[0] for p in PEOPLE if p[1] == "child"]
    return county


def raise_score(path: Path, person_id: str, score: float, band: str) -> None:
    """New evidence arrives: the child's assessment rises (as a re-run of `lantern score` would)."""
    con = duckdb.connect(str(path))
    con.execute(
        "UPDATE assessments SET score = ?, band = ? WHERE person_id = ?", [score, band, person_id]
    )
    con.execute(
        "INSERT INTO score_history VALUES (?, DATE '2011-07-01', ?, ?)", [person_id, score, band]
    )
    con.close()


def make_live(path: Path, today: date | None = None) -> int:
    """Move the county in time so its records end in the week before `today`, as `make demo`
    moves its synthetic county (`lantern synth --ends-on`, `lantern.synth.shift`): whole weeks,
    so weekdays stay as written. Every date and timestamp in the store moves; the monthly
    activity counts move by whole months (so each stays on the 1st); a year of birth and the
    ISO dates inside an edge's evidence move with the rest. Returns the days moved.

    The browser suite runs on this live county, so its pages (and docs/screenshots) read as a
    partnership would today: real clocks, children who are children now.
    """
    from lantern.synth.shift import weeks_to

    days = weeks_to(AS_OF, today or date.today())
    moved_as_of = AS_OF + timedelta(days=days)
    months = (moved_as_of.year - AS_OF.year) * 12 + moved_as_of.month - AS_OF.month
    con = duckdb.connect(str(path))
    try:
        columns = con.execute("""
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c JOIN information_schema.tables t
              ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE t.table_type = 'BASE TABLE'
              AND c.data_type IN ('DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE')
        """).fetchall()
        for table, column in columns:
            if table == "target_activity_months" and column == "month":
                moved = f"{column} + to_months({months})"
            else:
                moved = f'"{column}" + to_days({days})'
            con.execute(f'UPDATE {table} SET "{column}" = {moved}')  # noqa: S608 - our own names
        con.execute(
            "UPDATE people SET birth_year = year(date_of_birth) WHERE date_of_birth IS NOT NULL"
        )
        for src, dst, kind, evidence in con.execute(
            "SELECT src, dst, kind, evidence FROM graph_edges"
        ).fetchall():
            items = json.loads(evidence)
            for item in items:
                for key in ("occurred_at", "recorded_at"):
                    if item.get(key):
                        at = datetime.fromisoformat(item[key]) + timedelta(days=days)
                        item[key] = at.isoformat()
            con.execute(
                "UPDATE graph_edges SET evidence = ? WHERE src = ? AND dst = ? AND kind = ?",
                [json.dumps(items), src, dst, kind],
            )
    finally:
        con.close()
    return days
