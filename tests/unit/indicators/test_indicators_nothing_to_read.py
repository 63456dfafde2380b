"""An incremental run with no narrative it has not read (`lantern run --store S` after
reviewers' decisions) does not build the text analyser: spaCy's patterns take seconds."""

import duckdb
import pytest

from lantern.indicators import narratives
from lantern.store.steps import Steps


def test_no_text_to_read_builds_no_analyser(monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events AS SELECT 'police:E1' AS event_id, 'police' AS agency, "
        "NULL::VARCHAR AS narrative, TIMESTAMP '2020-01-01' AS occurred_at, "
        "TIMESTAMP '2020-01-01' AS recorded_at"
    )
    con.execute(  # the subjects' ages at each event (indicators/inputs.py), none here
        "CREATE TABLE ind_subject_events (event_id VARCHAR, record_id VARCHAR, age_max INTEGER)"
    )

    def refuse():  # type: ignore[no-untyped-def]
        raise AssertionError("the analyser was built with nothing to read")

    monkeypatch.setattr(narratives, "shared_analyser", refuse)
    assert narratives.read_narratives(Steps(con), reuse=True) == (0, 0)
