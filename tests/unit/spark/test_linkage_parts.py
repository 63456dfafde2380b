"""The parts of resolve's prediction on Spark that need no Spark (lantern.spark.linkage): the
string similarities as DuckDB computes them, the trained parameters handed to a linker built
for another dialect, and the types the pairs come back with."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from lantern.resolve import model, records
from lantern.spark.linkage import _duckdb_type, _take_parameters, duckdb_pairwise
from lantern.store.connection import connect
from resolve_support import create_store_tables, person


def test_similarities_are_duckdbs_and_keep_nulls() -> None:
    left = pd.Series(["wlkinson", None, "1999-01-02", "martha"])
    right = pd.Series(["wilkinson", "x", "1999-01-20", "marhta"])
    jw = duckdb_pairwise("jaro_winkler_similarity", left, right)
    # 0.929: Splink's Scala Jaro-Winkler put this pair below 0.92 (the module doc)
    assert jw[0] == pytest.approx(0.9291666666666667, abs=1e-15)
    assert pd.isna(jw[1])
    assert jw[3] == pytest.approx(0.9611111111111111, abs=1e-15)
    distance = duckdb_pairwise("damerau_levenshtein", left, right)
    assert str(distance.dtype) == "Int64"  # a nullable integer, not floats with NaN
    assert distance[2] == 1 and distance[3] == 1 and pd.isna(distance[1])


def test_the_pairs_get_the_records_types() -> None:
    types = {"given_name_roots": "VARCHAR[]", "birth_year": "INTEGER"}
    assert _duckdb_type("given_name_roots_l", types) == "VARCHAR[]"
    assert _duckdb_type("birth_year_r", types) == "INTEGER"
    assert _duckdb_type("gamma_phone", types) == "INTEGER"
    assert _duckdb_type("match_weight", types) == "DOUBLE"
    assert _duckdb_type("match_key", types) is None


def test_trained_parameters_go_level_by_level() -> None:
    from splink import DuckDBAPI, Linker

    con = connect(":memory:")
    create_store_tables(con)
    person(con, "police", "T1", given_name="Thomas", family_name="Jones", birth_year=1980)
    person(con, "health", "T2", given_name="Tom", family_name="Jones", birth_year=1980)
    records.build_person_records(con)

    def linker() -> Linker:
        api = DuckDBAPI(connection=con)
        return Linker(api.register("person_records"), model.settings(), log_level=logging.ERROR)

    trained = linker().misc.save_model_to_json()
    for comparison in trained["comparisons"]:
        for number, level in enumerate(comparison["comparison_levels"]):
            if not level.get("is_null_level"):
                level["m_probability"] = 0.5 / (number + 1)
                level["u_probability"] = 0.25 / (number + 1)
    other = linker()
    _take_parameters(other, trained)
    assert other.misc.save_model_to_json()["comparisons"] == trained["comparisons"]
    trained["comparisons"][0]["comparison_levels"].pop()
    with pytest.raises(ValueError, match="nhs_number differs"):
        _take_parameters(linker(), trained)
