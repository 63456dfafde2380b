"""Hypothesis: the line a row is said to start on is the line it starts on, whatever the
quoting, embedded newlines, blank lines and rejected rows around it.

Carriage returns are left out of the generated text on purpose: a lone `\r` inside a quoted
field (not part of `\r\n`) can make DuckDB's CSV reader disagree with RFC 4180 about where a
record ends (see docs/ingest.md). `\r\n` line endings are tested in the structure tests."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.store.connection import connect
from lantern.store.ingest import ingest

names = st.text(alphabet='ab ,"\n=', max_size=12)
records = st.lists(
    st.tuples(names, st.sampled_from(["good", "blank_before", "ragged"])), min_size=1, max_size=12
)


def _write(rows):
    """people.csv text, and the expected start line of each good row and each ragged row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["agency", "person_ref", "given_name"])
    good, ragged = {}, {}
    for n, (name, shape) in enumerate(rows):
        if shape == "blank_before":
            out.write("\n")
        line = out.getvalue().count("\n") + 1
        ref = f"P{n}"
        if shape == "ragged":
            writer.writerow(["police", ref, name, "extra"])
            ragged[ref] = line
        else:
            writer.writerow(["police", ref, name])
            good[ref] = line
    return out.getvalue(), good, ragged


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=records)
def test_csv_rows_start_on_the_line_reported(tmp_path_factory, rows):
    directory = tmp_path_factory.mktemp("d")
    text, good, ragged = _write(rows)
    (directory / "people.csv").write_text(text, encoding="utf-8", newline="")
    con = connect(":memory:")
    ingest(con, directory)
    loaded = dict(con.execute("SELECT person_ref, source_line FROM people").fetchall())
    assert loaded == good
    rejected = {line for (line,) in con.execute("SELECT line FROM quarantine").fetchall()}
    assert rejected == set(ragged.values())
    names_back = dict(con.execute("SELECT person_ref, given_name FROM people").fetchall())
    for n, (name, shape) in enumerate(rows):
        if shape != "ragged":
            assert names_back[f"P{n}"] == (name or None)
