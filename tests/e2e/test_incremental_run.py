"""`lantern run NEW_EXTRACT --store S` on a store that holds a run goes incremental: the model is
the one kept from the full run, only new texts are read, and a correction that makes two persons
one is recorded in `person_changes` for reviewers to see."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lantern.cli import main
from lantern.resolve import kept_model
from lantern.synth.county import generate
from lantern.synth.deltas import DeltaPlan, split


def test_a_daily_delta_keeps_the_model_and_records_the_merge(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=4, children=100, years=3)
    base, delta = split(county, tmp_path / "extracts", DeltaPlan(share=0.02, merges=2), seed=3)
    store = tmp_path / "store.duckdb"
    assert main(["run", str(base), "--store", str(store)]) == 0
    with duckdb.connect(str(store), read_only=True) as con:
        trained = con.execute("SELECT saved_at, model_json FROM resolve_model").fetchall()
        texts = con.execute("SELECT count(*) FROM text_reading_texts").fetchall()[0][0]
    assert trained and texts > 0

    assert main(["run", str(delta), "--store", str(store), "--out", str(tmp_path / "out")]) == 0
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT saved_at, model_json FROM resolve_model").fetchall() == trained
        # the delta's new and changed narratives were read; the base's were not read again
        read_now = con.execute(
            "SELECT count(*) FROM text_reading_texts WHERE text_key NOT IN "
            "(SELECT md5(narrative) FROM events_history WHERE load_id = 'L0001' "
            "AND narrative IS NOT NULL)"
        ).fetchall()[0][0]
        assert 0 < read_now < texts
        changes = con.execute(
            "SELECT change, load_id, person_id, previous_person_id FROM person_changes"
        ).fetchall()
    assert {c[1] for c in changes} == {"L0002"}
    assert any(c[0] in ("merge", "merge_and_split") and c[2] != c[3] for c in changes), changes
    assert (tmp_path / "out" / "children.csv").read_text().count("\n") > 1


def test_the_scope_of_incremental_scoring_mirrors_the_blocking_rules() -> None:
    # A blocking rule added to model.PREDICTION_BLOCKING without its scope join in kept_model
    # would lose the new records' pairs under that rule; the check sends such a run to a
    # prediction on every record instead. Keep SCOPE_JOINS and BLOCKING_SQL with the rules.
    assert kept_model.scope_matches_blocking()
    assert len(kept_model.SCOPE_JOINS) == len(kept_model.BLOCKING_SQL)
