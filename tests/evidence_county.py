"""The evidence tables of the hand-written county (issue 22), as the `evidence` stage writes them.

The graph stage's four tables the app reads for an adult's evidence picture and a disruption's
effect (TEAM.md's contract; `lantern.store.contract`): `adult_evidence`, `account_withdrawals`,
`disruptions` and `target_activity_months`. Written by hand, like the rest of `app_county`, so
the app's tests do not depend on the stage.

Darren's picture: 8 items about 3 children from 4 agencies. Two rest on Kayleigh's own account
(one of them later withdrawn), one on Jade's; the other five rest on nobody's account (a police
stop, a phone, a place, a third-party report, a school's sighting). One summary carries markup,
to show it is escaped everywhere.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

DARREN = "P00000000f6"
SHAUN = "P0000000107"
KAYLEIGH = "P00000000a1"
JADE = "P00000000b2"
CHLOE = "P00000000e5"
VEHICLE = "vehicle:YX09ABC"
PLACE = "place:Manor Row takeaway"
PHONE = "phone:+447700900123"
MARKUP = "<b>Daz</b> & <script>alert('x')</script>"

# item_id, adult, kind, child, account_of, agency, record, event, thing, occurred, recorded,
# recorded_by, summary, withdrawn
EVIDENCE = [
    ("AE01", DARREN, "vehicle", KAYLEIGH, None, "police", "police:P110", "police:E2", VEHICLE,
     datetime(2011, 3, 19, 1, 20), datetime(2011, 3, 19, 3, 0), "PC 4471 Hughes",
     "Vehicle YX09 ABC stopped at 01:20, driver Darren Mills, Kayleigh in the back", False),
    ("AE02", DARREN, "professional_sighting", JADE, None, "police", "police:P110", "police:E2",
     None, datetime(2011, 3, 19, 1, 20), datetime(2011, 3, 19, 3, 0), "PC 4471 Hughes",
     "Jade Whitfield in the same car, intoxicated", False),
    ("AE03", DARREN, "child_account", KAYLEIGH, KAYLEIGH, "social_care", "social_care:SC200",
     "social_care:SC1", None, datetime(2011, 1, 12, 9, 30), datetime(2011, 1, 12, 9, 45),
     "J. Okafor (social worker)", "talks about an older boyfriend called " + MARKUP, False),
    ("AE04", DARREN, "child_account", KAYLEIGH, KAYLEIGH, "police", "police:P100", "police:E6",
     None, datetime(2011, 4, 10, 15, 0), datetime(2011, 4, 10, 18, 0), "DC 220 Shah",
     "Kayleigh says Darren had sex with her at the flat on Manor Row", True),
    ("AE05", DARREN, "phone", KAYLEIGH, None, "police", "police:P110", "police:E3", PHONE,
     datetime(2011, 5, 28, 12, 0), datetime(2011, 5, 29, 9, 0), None,
     "Phone 07700 900123 used to arrange pick-ups; saved in Kayleigh's phone as 'D'", False),
    ("AE06", DARREN, "place", KAYLEIGH, None, "social_care", "social_care:SC200",
     "social_care:SC2", PLACE, datetime(2011, 5, 20, 19, 0), datetime(2011, 5, 20, 21, 0),
     "Night staff, Oak House", "stayed above a takeaway on Manor Row", False),
    ("AE07", DARREN, "third_party_report", CHLOE, None, "health", "health:H400", "health:H9",
     None, datetime(2011, 6, 2, 11, 0), datetime(2011, 6, 2, 12, 0), "School nurse",
     "Hotel manager reported a man matching Darren's description with Chloe", False),
    ("AE08", DARREN, "child_account", JADE, JADE, "education", "education:E401",
     "education:ED5", None, datetime(2011, 6, 8, 10, 0), datetime(2011, 6, 8, 16, 0),
     "Designated safeguarding lead", "Jade told a teacher 'Daz' buys her vodka", False),
    ("AE09", SHAUN, "professional_sighting", KAYLEIGH, None, "police", "police:P111", "police:E3",
     None, datetime(2011, 5, 28, 12, 0), datetime(2011, 5, 29, 9, 0), None,
     "Shaun Kelly seen with girls under 16 at the takeaway", False),
]  # fmt: skip

WITHDRAWALS = [
    (KAYLEIGH, DARREN, "police:E6", "police:P100", datetime(2011, 4, 10, 15, 0), "police:E7",
     "police:P100", datetime(2011, 5, 2, 11, 0), 22,
     "Kayleigh withdrew her statement and now says nothing happened", 1, 2),
]  # fmt: skip

DISRUPTIONS = [
    # disruption_id is the action's own interchange record; record_id the target's record
    ("police:DA1", "person", DARREN, "cawn", "police", "DS Patel", date(2011, 4, 1), None,
     "Served in person", "police:P110", datetime(2011, 4, 1, 17, 0)),
    ("licensing:DA7", "place", PLACE, "premises_visit", "licensing", "Licensing officer Grey",
     date(2011, 6, 1), date(2011, 6, 1), "Advice given to the manager", None,
     datetime(2011, 6, 2, 9, 0)),
]  # fmt: skip

# target_kind, target_id, month, sightings, children_seen, missing_episodes
ACTIVITY = [
    ("person", DARREN, date(2011, 1, 1), 1, 1, 1),
    ("person", DARREN, date(2011, 2, 1), 2, 2, 1),
    ("person", DARREN, date(2011, 3, 1), 4, 2, 2),
    ("person", DARREN, date(2011, 4, 1), 1, 1, 1),
    ("person", DARREN, date(2011, 5, 1), 0, 0, 0),
    ("person", DARREN, date(2011, 6, 1), 1, 1, 0),
    ("vehicle", VEHICLE, date(2011, 3, 1), 2, 2, 1),
    ("place", PLACE, date(2011, 5, 1), 3, 2, 2),
    ("place", PLACE, date(2011, 6, 1), 1, 1, 0),
]


def add_evidence_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE TABLE adult_evidence (item_id VARCHAR, adult_id VARCHAR, kind VARCHAR,
            child_id VARCHAR, account_of VARCHAR, agency VARCHAR, record_id VARCHAR,
            event_id VARCHAR, thing_id VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP,
            recorded_by VARCHAR, summary VARCHAR, withdrawn BOOLEAN);
        CREATE TABLE account_withdrawals (child_id VARCHAR, adult_id VARCHAR,
            disclosure_event_id VARCHAR, disclosure_record_id VARCHAR, disclosed_at TIMESTAMP,
            withdrawal_event_id VARCHAR, withdrawal_record_id VARCHAR, withdrawn_at TIMESTAMP,
            days_between INTEGER, withdrawal_words VARCHAR, missing_between INTEGER,
            adult_contacts_between INTEGER);
        CREATE TABLE disruptions (disruption_id VARCHAR, target_kind VARCHAR, target_id VARCHAR,
            action VARCHAR, agency VARCHAR, owner VARCHAR, started_on DATE, ended_on DATE,
            outcome VARCHAR, record_id VARCHAR, recorded_at TIMESTAMP);
        CREATE TABLE target_activity_months (target_kind VARCHAR, target_id VARCHAR,
            month DATE, sightings INTEGER, children_seen INTEGER, missing_episodes INTEGER);
    """)
    con.executemany(
        "INSERT INTO adult_evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [list(r) for r in EVIDENCE],
    )
    con.executemany(
        "INSERT INTO account_withdrawals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [list(r) for r in WITHDRAWALS],
    )
    con.executemany(
        "INSERT INTO disruptions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [list(r) for r in DISRUPTIONS],
    )
    con.executemany(
        "INSERT INTO target_activity_months VALUES (?, ?, ?, ?, ?, ?)", [list(r) for r in ACTIVITY]
    )


def drop_evidence_tables(path: object) -> None:
    """A store written before the evidence stage: the app must still serve every page."""
    con = duckdb.connect(str(path))
    for table in ("adult_evidence", "account_withdrawals", "disruptions", "target_activity_months"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.close()
