"""The SSDA903 adapter on hand-made files with one classic fault each (tests/datasets/adapters/
ssda903-faults/README.md): every fault is reported with its file, line and column, the rest loads."""

from __future__ import annotations

import pytest

from lantern.adapters.registry import adapt
from support import DATASETS

FAULTS = DATASETS / "adapters" / "ssda903-faults"


@pytest.fixture(scope="module")
def adapted():
    return adapt("ssda903", FAULTS)


def _issue(adapted, where: str):
    found = [i for i in adapted.issues if str(i.location) == where]
    assert found, f"no issue at {where}: {[str(i) for i in adapted.issues]}"
    return found[0]


def test_every_good_row_loads(adapted):
    assert sorted(adapted.people) == ["C100", "C101", "C102", "C103"]
    kinds = sorted((e["event_type"], e["occurred_at"]) for e in adapted.events.values())
    assert kinds == [
        ("away_from_placement", "2012-07-20"),
        ("care_episode_end", "2012-12-20"),
        ("care_episode_start", "2011-05-05"),
        ("care_episode_start", "2012-04-01"),
        ("care_episode_start", "2012-10-10"),
        ("missing_from_care", "2011-09-01"),
        ("missing_from_care", "2012-07-03"),
        ("placement_move", "2012-09-15"),
    ]


def test_a_bad_date_quarantines_the_episode(adapted):
    issue = _issue(adapted, "Episodes.csv, line 4, DECOM")
    assert issue.severity == "error" and issue.value == "31/02/2013"
    assert "is not a date (expected DD/MM/YYYY)" in issue.message
    assert "was not loaded" in issue.message


def test_a_bad_date_of_birth_keeps_the_child(adapted):
    issue = _issue(adapted, "Header.csv, line 4, DOB")
    assert issue.severity == "warning" and adapted.people["C102"]["date_of_birth"] == ""


def test_an_unknown_code_loads_the_episode_without_it(adapted):
    issue = _issue(adapted, "Episodes.csv, line 5, LS")
    assert issue.severity == "warning" and "'Z9' is not a legal status code" in issue.message
    episode = adapted.events["903-C102-2012-10-10"]
    assert "ssda903_ls" not in episode["codes"] and "cin:N1" in episode["codes"]


def test_a_duplicate_episode_names_the_first(adapted):
    issue = _issue(adapted, "Episodes.csv, line 7")
    assert "a second episode for child 'C103' starting 05/05/2011" in issue.message
    assert "the first is at Episodes.csv, line 6" in issue.message


def test_a_child_missing_from_header(adapted):
    issue = _issue(adapted, "Episodes.csv, line 8, CHILD")
    assert "child 'C999' is in Episodes but not in Header" in issue.message
    assert not any("C999" in ref for ref in adapted.events)


def test_a_row_with_shifted_columns(adapted):
    issue = _issue(adapted, "Episodes.csv, line 9")
    assert "14 values but the header has 13 columns" in issue.message


def test_a_renamed_file_is_read_by_its_columns_and_a_foreign_one_reported(adapted):
    assert adapted.read["Missing"] == 4
    assert "match none of the SSDA903 files" in _issue(adapted, "notes.csv, line 1").message
    assert (
        "is not M (missing) or A"
        in _issue(adapted, "missing_episodes_2012-13.csv, line 4, MISSING").message
    )


def test_every_row_says_where_it_came_from(adapted):
    assert adapted.events["903-C100-2012-09-15"]["source"] == "Episodes.csv, line 3"
    assert adapted.events["903-C102-2012-10-10-end"]["source"] == "Episodes.csv, line 5, DEC"
    assert adapted.people["C100"]["source"] == "Header.csv, line 2"
    assert adapted.people["C101"]["upn"] == ""  # UN2: the reason a UPN is unknown


def test_the_written_dataset_loads_cleanly(adapted, tmp_path, store_path):
    from lantern.store.connection import connect
    from lantern.store.ingest import ingest

    counts = adapted.write(tmp_path / "out")
    assert counts["quarantine.csv"] == len(adapted.issues) == 8
    con = connect(store_path)
    try:
        summary = ingest(con, tmp_path / "out")
        assert summary.total("quarantined") == 0 and summary.total("loaded") == 4 + 8 + 8
        assert not summary.file_notes  # the source column is expected, not noted
        (source,) = con.execute(
            "SELECT attributes->>'source' FROM events WHERE event_ref = '903-C100-2012-04-01'"
        ).fetchone()
    finally:
        con.close()
    assert source == "Episodes.csv, line 2"
