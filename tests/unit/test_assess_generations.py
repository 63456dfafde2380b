"""`lantern assess --store S` writes the store's next generation, as `lantern run` does, so an
app serving S keeps reading the generation it has (docs/operations.md); a refused load is kept
for reading and switches nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lantern.cli import main
from lantern.store import generations
from lantern.synth.county import generate


def test_assess_with_a_store_writes_the_next_generation_while_a_reader_keeps_its_own(
    tmp_path: Path,
) -> None:
    county = tmp_path / "county"
    generate(county, seed=3, children=20, years=2)
    store = tmp_path / "lantern.duckdb"
    assert main(["assess", str(county), "--out", str(tmp_path / "one"), "--store", str(store)]) == 0
    first = generations.current(store)
    assert store.is_symlink() and generations.number_of(first) == 1
    reader = duckdb.connect(str(first), read_only=True)  # the app, serving generation 1
    try:
        persons = reader.execute("SELECT count(*) FROM assessments").fetchall()
        argv = ["assess", str(county), "--out", str(tmp_path / "two"), "--store", str(store)]
        assert main(argv) == 0
        assert generations.number_of(generations.current(store)) == 2
        assert reader.execute("SELECT count(*) FROM assessments").fetchall() == persons
    finally:
        reader.close()
    log = [e for e in generations.read_log(store) if e.get("event") == "finished"]
    assert [e["purpose"].split()[:2] for e in log] == [["lantern", "assess"]] * 2


def test_a_refused_load_switches_nothing_and_is_kept_for_reading(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=3, children=20, years=2)
    store = tmp_path / "lantern.duckdb"
    assert main(["assess", str(county), "--out", str(tmp_path / "one"), "--store", str(store)]) == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    for source in county.glob("*.csv"):
        (bad / source.name).write_text(source.read_text())
    events = (bad / "events.csv").read_text().split("\n", 1)
    # events.csv without its required `event_ref` column: an incomplete load
    (bad / "events.csv").write_text(
        events[0].replace("event_ref", "event_reference") + "\n" + events[1]
    )
    assert main(["assess", str(bad), "--out", str(tmp_path / "two"), "--store", str(store)]) != 0
    assert generations.number_of(generations.current(store)) == 1
    assert list(generations.generations_dir(store).glob("refused-*.duckdb"))
