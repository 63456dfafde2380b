"""A hand-built history for review tests: each test writes the few rows it needs."""

from __future__ import annotations

import pytest

from lantern.review import upstream
from lantern.store.connection import connect


class History:
    """Writes rows with the contract's columns (docs/pipeline.md); keyword defaults everywhere."""

    def __init__(self, con) -> None:
        self.con = con
        upstream.create_contract_tables(con)
        self._people: set[str] = set()
        self._hits = 0

    def child(
        self,
        person_id: str,
        *records: str,
        kind: str = "child",
        sex: str | None = "F",
        dob: str | None = "1996-06-15",
        band: str = "none",
        first_flagged_at: str | None = None,
        network_ids: str | None = None,
        as_of: str = "2012-12-31",
        names: tuple[str, str] = ("Amy", "Smith"),
    ) -> str:
        for record_id in records or (f"social_care:{person_id}",):
            agency, ref = record_id.split(":", 1)
            self.con.execute(
                "INSERT INTO people (record_id, agency, person_ref, given_name, family_name, "
                "date_of_birth, sex) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [record_id, agency, ref, names[0], names[1], dob, sex],
            )
            self.con.execute("INSERT INTO persons VALUES (?, ?)", [record_id, person_id])
        if person_id not in self._people:
            self._people.add(person_id)
            self.con.execute(
                "INSERT INTO assessments (person_id, kind, band, first_flagged_at, network_ids, as_of) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [person_id, kind, band, first_flagged_at, network_ids, as_of],
            )
        return person_id

    def adult(self, person_id: str, record_id: str) -> str:
        return self.child(person_id, record_id, kind="adult", sex="M", dob="1975-01-01")

    def event(
        self,
        event_id: str,
        record_id: str,
        event_type: str,
        occurred: str,
        recorded: str | None = None,
        *,
        role: str = "subject",
        outcome: str | None = None,
        codes: str | None = None,
        narrative: str | None = None,
    ) -> str:
        agency, ref = event_id.split(":", 1)
        self.con.execute(
            "INSERT INTO events (event_id, agency, event_ref, event_type, occurred_at, recorded_at, "
            "narrative, outcome, codes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [event_id, agency, ref, event_type, occurred, recorded or occurred, narrative, outcome,
             codes],
        )  # fmt: skip
        self.con.execute(
            "INSERT INTO event_people (event_id, record_id, agency, event_ref, person_ref, role) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [event_id, record_id, agency, ref, record_id.split(":", 1)[1], role],
        )
        return event_id

    def involve(self, event_id: str, record_id: str, role: str) -> None:
        agency, ref = event_id.split(":", 1)
        self.con.execute(
            "INSERT INTO event_people (event_id, record_id, agency, event_ref, person_ref, role) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [event_id, record_id, agency, ref, record_id.split(":", 1)[1], role],
        )

    def hit(
        self,
        record_id: str,
        recorded: str,
        *,
        agency: str | None = None,
        category: str = "missing",
        event_id: str | None = None,
        legal_floor: str | None = None,
        source: str = "structured",
    ) -> None:
        self._hits += 1
        self.con.execute(
            "INSERT INTO indicator_hits (hit_id, indicator, category, weight, agency, event_id, "
            "record_id, occurred_at, recorded_at, source, legal_floor) "
            "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
            [f"h{self._hits}", category, category, agency or record_id.split(":")[0], event_id,
             record_id, recorded, recorded, source, legal_floor],
        )  # fmt: skip

    def band(self, person_id: str, at: str, band: str) -> None:
        self.con.execute(
            'INSERT INTO score_history (person_id, "at", band) VALUES (?, ?, ?)',
            [person_id, at, band],
        )

    def network(self, network_id: str, *node_ids: str) -> None:
        for node in node_ids:
            self.con.execute("INSERT INTO networks VALUES (?, ?, 'member')", [network_id, node])

    def edge(
        self, src: str, dst: str, available: str, *, n_events: int = 1, last: str | None = None
    ):
        self.con.execute(
            "INSERT INTO graph_edges (src, dst, kind, weight, first_available_at, last_occurred_at, "
            "n_events) VALUES (?, ?, 'co_event', 1, ?, ?, ?)",
            [src, dst, available, last or available, n_events],
        )

    def language(self, event_id: str, record_id: str, phrase: str, recorded: str, **extra) -> None:
        narrative = self.con.execute(
            "SELECT narrative FROM events WHERE event_id = ?", [event_id]
        ).fetchone()[0]
        start = narrative.find(phrase) if narrative else None
        self.con.execute(
            "INSERT INTO language_findings (agency, event_id, record_id, kind, phrase, span_start, "
            "span_end, suggestion, occurred_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [event_id.split(":")[0], event_id, record_id, extra.get("kind", "victim_blaming"),
             phrase, start, None if start is None else start + len(phrase),
             extra.get("suggestion", "is being exposed to risk by adults"), recorded, recorded],
        )  # fmt: skip

    def rows(self, sql: str, *params) -> list[tuple]:
        return self.con.execute(sql, list(params)).fetchall()


@pytest.fixture
def history(store_path):
    con = connect(store_path)
    yield History(con)
    con.close()
