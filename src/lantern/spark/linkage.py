"""Resolve's Splink prediction on Spark: the model trained on DuckDB, the pairs scored on Spark.

Resolve trains its Splink model on the store's DuckDB as always (`lantern.resolve.model.train`:
the prior from deterministic rules, u from a random sample of at most 2 million pairs, m by EM
on at most 2 million blocked pairs — bounded work whatever the county's size), then hands the
trained model to this predictor (`lantern.resolve.pair_scores.PairPredictor`). Here Splink's
`SparkAPI` builds a linker from that same model and scores every blocked pair on Spark: the
part of linkage that grows with the population (the blocking joins and each pair's
comparisons). The pairs come back as Parquet and become `resolve_pairs` with the columns and
types DuckDB's prediction gives them.

Why not train on Spark too: Splink samples the pairs for u differently on each backend, so a
model trained there has other weights, and the few pairs near the threshold would link
otherwise. With one model, a pair's match weight is a function of its two records alone
(`kept_model` relies on the same fact), so the two engines' pairs differ only where their
string functions do (Jaro-Winkler and Damerau-Levenshtein come from Splink's Scala UDFs on
Spark, DuckDB's own functions on DuckDB): tests/integration/test_spark_linkage.py compares
the pairs.
"""

# ruff: noqa: S608  -- SQL assembled from column names DuckDB and Splink give, never from data

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Splink's Spark dialect calls these by name; DuckDB's functions of the same meaning.
SIMILARITIES = {
    "jaro_winkler": ("jaro_winkler_similarity", "double"),
    "damerau_levenshtein": ("damerau_levenshtein", "long"),
}

_executor_duckdb: duckdb.DuckDBPyConnection | None = None


def duckdb_pairwise(function: str, left: pd.Series, right: pd.Series) -> pd.Series:
    """DuckDB's `function(left, right)` row by row, on an executor's batch."""
    global _executor_duckdb  # noqa: PLW0603 - one connection per Python worker, made once
    if _executor_duckdb is None:
        _executor_duckdb = duckdb.connect()
    frame = pd.DataFrame({"l": left, "r": right})
    found = _executor_duckdb.from_df(frame).project(f"{function}(l, r)").to_arrow_table()
    # a distance is an integer or NULL: pandas' nullable integer, not floats with NaN
    return found.column(0).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def register_similarities(spark: SparkSession) -> None:
    """`jaro_winkler` and `damerau_levenshtein` on the session as DuckDB computes them.

    Splink's own Spark functions (Scala UDFs in a jar shipped with Splink) are another
    implementation: on a tuning county its Jaro-Winkler put "wlkinson"/"wilkinson" below
    0.92 where DuckDB's gives 0.929, so four pairs fell a level and their weights by 4.3 bits.
    Computed by DuckDB on the executors (a pandas UDF over each batch), the similarity is
    DuckDB's by construction."""
    from pyspark.sql.functions import pandas_udf

    for name, (function, kind) in SIMILARITIES.items():
        spark.udf.register(name, pandas_udf(_pairwise(function), kind))  # type: ignore[call-overload]


def _pairwise(function: str) -> Callable[[pd.Series, pd.Series], pd.Series]:
    def pairwise(left: pd.Series, right: pd.Series) -> pd.Series:
        return duckdb_pairwise(function, left, right)

    return pairwise


# Splink's match probability from the match weight (splink.internals.predict
# `_combine_prior_and_mws`), evaluated by DuckDB on the weight Spark summed.
MATCH_PROBABILITY = """CASE
    WHEN (match_weight) >= 0 THEN 1.0 / (1.0 + POWER(cast(2 as float8), -(match_weight)))
    ELSE POWER(cast(2 as float8), (match_weight)) / (1.0 + POWER(cast(2 as float8), (match_weight)))
END"""


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return {
        str(row[0]): str(row[1])
        for row in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
    }


def _duckdb_type(column: str, records: dict[str, str]) -> str | None:
    """The type DuckDB's prediction gives `column`: a record's own column's type on each side,
    INTEGER for a comparison vector value, DOUBLE for the weights. None: keep Spark's."""
    if column in ("match_weight", "match_probability"):
        return "DOUBLE"
    if column.startswith("gamma_"):
        return "INTEGER"
    for side in ("_l", "_r"):
        if column.endswith(side) and column[: -len(side)] in records:
            return records[column[: -len(side)]]
    return None


def _take_parameters(linker: Any, trained: dict[str, Any]) -> None:
    """The trained model's m and u, level by level, on a linker built from the same settings
    for another dialect. Not the trained JSON itself: its levels' SQL is DuckDB's
    (`list_intersect`, ...), which Splink does not translate; the settings' creators write
    each dialect's own."""
    levels = {
        comparison["output_column_name"]: comparison["comparison_levels"]
        for comparison in trained["comparisons"]
    }
    for comparison in linker._settings_obj.comparisons:
        kept = levels[comparison.output_column_name]
        if len(kept) != len(comparison.comparison_levels):
            raise ValueError(f"the trained model's {comparison.output_column_name} differs")
        for level, trained_level in zip(comparison.comparison_levels, kept, strict=True):
            if level.is_null_level:
                continue
            level.m_probability = trained_level.get("m_probability")
            level.u_probability = trained_level.get("u_probability")


def predict_pairs(
    spark: SparkSession,
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    threshold: float,
    table: str = "resolve_pairs",
) -> None:
    """Score `person_records`' blocked pairs with the trained model `settings` (Splink's JSON)
    on Spark and write those at or above `threshold` to `table` in the store."""
    from splink import Linker, SparkAPI

    from lantern.resolve import model

    records = _column_types(con, "person_records")
    with tempfile.TemporaryDirectory(prefix="lantern-spark-linkage-") as scratch:
        source = Path(scratch) / "person_records.parquet"
        con.execute(f"COPY person_records TO '{source}' (FORMAT parquet)")
        frame = spark.read.parquet(str(source))
        checkpoints = Path(scratch) / "checkpoints"
        spark.sparkContext.setCheckpointDir(str(checkpoints))
        db_api = SparkAPI(
            spark_session=spark, break_lineage_method="parquet", register_udfs_automatically=False
        )
        register_similarities(spark)
        linker = Linker(
            db_api.register(frame),
            model.settings(
                with_priors=True,
                probability_two_random_records_match=settings[
                    "probability_two_random_records_match"
                ],
            ),
            log_level=logging.ERROR,
        )
        _take_parameters(linker, settings)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        out = Path(scratch) / "pairs"
        predictions.as_spark_dataframe().write.parquet(str(out))
        found = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}/*.parquet')").fetchall()
        select = []
        for column, spark_type, *_ in found:
            kind = _duckdb_type(str(column), records)
            if column == "match_probability":
                # Splink's own expression, on DuckDB: Spark's POWER can differ in the last bit
                cast = MATCH_PROBABILITY
            elif kind is None or kind == spark_type:
                cast = f'"{column}"'
            else:
                cast = f'CAST("{column}" AS {kind})'
            select.append(f'{cast} AS "{column}"')
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {', '.join(select)} "
            f"FROM read_parquet('{out}/*.parquet')"
        )
        predictions.drop_table_from_database_and_remove_from_cache()
