"""The optional disruption_actions table (docs/interchange.md, "disruption_actions"): loaded like
the rest, its broken rows quarantined with file, line, column and reason."""

from __future__ import annotations

from ingest_factories import event, link, person, write_dataset
from lantern.store.connection import connect
from lantern.store.ingest import ingest


def _action(ref: str, **fields: str) -> dict[str, str]:
    row = {
        "agency": "police",
        "action_ref": ref,
        "action": "cawn",
        "target_kind": "person",
        "person_ref": "P2",
        "target_value": "",
        "started_on": "2012-03-01",
        "ended_on": "",
        "owner": "DC Shah",
        "outcome": "served",
    }
    return {**row, **fields}


def test_disruption_actions_load_and_broken_rows_are_quarantined(tmp_path):
    data = write_dataset(
        tmp_path / "d",
        people=[person(person_ref="P1", given_name="Amy"), person(person_ref="P2", given_name="Dan")],
        events=[event()],
        event_people=[link()],
        disruption_actions=[
            _action("A1"),
            _action("A2", action="Sexual Harm Prevention Order"),
            _action("A3", action="harbouring letter"),
            _action("A4", target_kind="vehicle", person_ref="", target_value="AB12 CDE",
                    action="anpr_marker"),
            _action("A5", target_kind="place", person_ref="", target_value=""),
            _action("A6", person_ref=""),
            _action("A7", person_ref="P99"),
            _action("A8", target_kind="boat"),
            _action("A9", started_on="01/03/2012"),
            _action("A10", ended_on="2012-01-01"),
        ],
    )  # fmt: skip
    con = connect(tmp_path / "s.duckdb")
    ingest(con, data)
    quarantined = {
        (line, column): message
        for line, column, message in con.execute(
            "SELECT line, column_name, message FROM quarantine "
            "WHERE table_name = 'disruption_actions'"
        ).fetchall()
    }
    assert set(quarantined) == {
        (6, "target_value"), (7, "person_ref"), (8, "person_ref"), (9, "target_kind"),
        (10, "started_on"),
    }  # fmt: skip
    assert quarantined[(6, "target_value")].startswith("disruption_actions.csv line 6, ")
    assert "target_kind is place" in quarantined[(6, "target_value")]
    assert "'P99' is not in people for agency police" in quarantined[(8, "person_ref")]
    assert "'boat' is not one of: person, vehicle, place" in quarantined[(9, "target_kind")]
    warned = {
        line: message
        for line, message in con.execute(
            "SELECT line, message FROM load_warnings WHERE table_name = 'disruption_actions'"
        ).fetchall()
    }
    assert "'harbouring letter' is not a known action; stored as 'other'" in warned[4]
    assert "is before started_on" in warned[11]
    rows = con.execute(
        "SELECT action_ref, action, action_raw, recorded_at FROM disruption_actions "
        "ORDER BY action_ref"
    ).fetchall()
    assert [r[0] for r in rows] == ["A1", "A10", "A2", "A3", "A4"]
    by_ref = {r[0]: r for r in rows}
    assert by_ref["A2"][1] == "shpo"  # the spelt-out name
    assert by_ref["A3"][1:3] == ("other", "harbouring letter")  # kept, never lost
    assert str(by_ref["A1"][3]) == "2012-03-01 00:00:00"  # recorded_at defaults to started_on
