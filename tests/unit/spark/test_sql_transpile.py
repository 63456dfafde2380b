"""The Spark SQL runner's reading of a step (sqlglot; no Spark needed)."""

from __future__ import annotations

import pytest

from lantern.spark.sql import ON_DUCKDB, _spark_params, _transpile


def test_inputs_are_the_tables_read_not_the_ctes() -> None:
    sql = (
        "WITH kept AS (SELECT * FROM hits WHERE ok) "
        "SELECT k.*, p.person_id FROM kept k JOIN persons p USING (record_id) "
        "WHERE k.event_id IN (SELECT event_id FROM events)"
    )
    spark_sql, inputs = _transpile(sql)
    assert sorted(inputs) == ["events", "hits", "persons"]
    assert "kept" in spark_sql


def test_duckdb_nulls_last_is_kept_explicit_on_spark() -> None:
    # DuckDB sorts NULLs last ascending, Spark first: a row_number over a nullable key would
    # pick another row without it.
    spark_sql, _ = _transpile("SELECT row_number() OVER (PARTITION BY a ORDER BY b) AS n FROM t")
    assert "NULLS LAST" in spark_sql


def test_a_table_function_is_refused() -> None:
    with pytest.raises(ValueError, match="table function"):
        _transpile("SELECT * FROM read_parquet('x.parquet')")


def test_named_values_become_spark_markers() -> None:
    assert _spark_params("SELECT * FROM t WHERE a = $law", {"law": "x"}) == (
        "SELECT * FROM t WHERE a = :law",
        {"law": "x"},
    )
    assert _spark_params("SELECT ?", ("x",)) == ("SELECT ?", ["x"])


def test_every_step_kept_on_duckdb_says_why() -> None:
    assert all(reason for reason in ON_DUCKDB.values())


def test_sql_spark_cannot_say_is_refused_not_dropped() -> None:
    # sqlglot would drop the EXCLUDE clause with a warning: another window, silently
    with pytest.raises(Exception, match="EXCLUDE"):
        _transpile(
            "SELECT sum(x) OVER (ORDER BY d RANGE BETWEEN INTERVAL 7 DAY PRECEDING "
            "AND CURRENT ROW EXCLUDE CURRENT ROW) FROM t"
        )


def test_a_list_index_is_refused() -> None:
    # `list_sort(xs)[1]` is the first element on DuckDB and the second on Spark
    with pytest.raises(ValueError, match="counts from 1"):
        _transpile("SELECT list_sort(list(a))[1] AS first_a FROM t")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT list(a ORDER BY b) FROM t GROUP BY c",  # the order dropped on Spark
        "SELECT list(a) FROM t",  # NULLs dropped on Spark
        "SELECT epoch(ts) FROM t",  # whole seconds on Spark
    ],
)
def test_what_spark_would_read_otherwise_is_refused(sql: str) -> None:
    with pytest.raises(ValueError):
        _transpile(sql)


def test_a_declined_step_is_timed_and_a_repeated_name_keeps_both() -> None:
    """The runner's clock (bench/spark.py's per-step seconds): a step refused before Spark
    is asked still has its time, and a name run twice is not overwritten."""
    import duckdb

    from lantern.spark.sql import SparkSql

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT TIMESTAMP '2020-01-01' AS at")
    runner = SparkSql(session=None)  # type: ignore[arg-type] - refused before Spark is used
    try:
        for _ in range(2):
            assert not runner(con, "epochs", "SELECT epoch(at) AS s FROM t", None)
    finally:
        runner.close()
    assert list(runner.seconds) == ["epochs", "epochs #1"]
    assert all(set(t) == {"declined after"} for t in runner.seconds.values())
    assert runner.declined["epochs"].startswith("epoch()")
