"""The stages' named SQL steps run on Spark SQL: a `lantern.store.steps.StepRunner`.

Each step (`create_table(name, sql)`) is transpiled from DuckDB's dialect to Spark's by sqlglot
and run on the session against its inputs, which go to Spark as Parquet: a table of the store
is written once and written again only when it changed (a new table, or a new row count: the
stages that use this add rows with INSERT, never UPDATE). Spark writes the result as Parquet,
and the store reads it back into `name` with the column names and types DuckDB gives the same
SQL (`DESCRIBE`), so the next step, on either engine, sees the table it would have seen.

A step runs on DuckDB instead when sqlglot cannot read it, when Spark refuses it (a DuckDB
macro or function Spark lacks, an input Spark cannot read from Parquet such as an INTERVAL), or
when it is named in `ON_DUCKDB` (steps whose Spark result differs from DuckDB's: see there).
`ran` and `declined` say which went where (bench/spark_sql.py, docs/spark.md).

`check` (tests and bench only) also runs every step Spark ran on DuckDB and records the steps
whose rows differ (`differs`): how `ON_DUCKDB` was found.
"""

# ruff: noqa: S608  -- SQL here is assembled from the stages' own steps and table names

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from lantern.store.steps import Params

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Steps whose Spark result is not DuckDB's row for row, found by `check` on tuning counties
# (each with why): they stay on DuckDB.
ON_DUCKDB: dict[str, str] = {
    # sqlglot writes DuckDB's date_diff('day', a, b) (day boundaries crossed) as Spark's
    # DATEDIFF(DAY, a, b) (whole days elapsed): `days_between` is a day short across midnight.
    "account_withdrawals": "date_diff on timestamps: Spark counts whole days, DuckDB boundaries",
}


# PySpark logs every refused statement as an error with its JVM stack; a refusal here is an
# answer (DuckDB runs the step), recorded in `declined`.
logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)


@dataclass
class SparkSql:
    session: SparkSession
    check: bool = False
    ran: list[str] = field(default_factory=list)
    declined: dict[str, str] = field(default_factory=dict)
    differs: list[str] = field(default_factory=list)
    # wall seconds per step (ran or declined): inputs put on Spark, Spark's run, the read back
    seconds: dict[str, dict[str, float]] = field(default_factory=dict)
    _scratch: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="lantern-spark-sql-"))
    )
    _on_spark: dict[str, tuple[int, int]] = field(default_factory=dict)  # table: (oid, rows)
    _written: int = 0

    def __call__(self, con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params) -> bool:
        if name in ON_DUCKDB:
            self.declined[name] = ON_DUCKDB[name]
            return False
        key = name if name not in self.seconds else f"{name} #{len(self.seconds)}"
        clock = self.seconds[key] = {}
        started = time.perf_counter()
        try:
            spark_sql, inputs = _transpile(sql)
            # the names and types DuckDB gives this SQL: what the table must hold
            columns = con.execute(f"DESCRIBE {sql}", params).fetchall()
            if any("INTERVAL" in str(column[1]) for column in columns):
                # Spark writes an interval to Parquet as a number DuckDB will not cast back
                raise ValueError("an INTERVAL column: Parquet between the engines lacks it")
            for table in inputs:
                self._put_on_spark(con, table)
            clock["inputs"] = round(time.perf_counter() - started, 3)
            out = self._run(spark_sql, params, [str(column[0]) for column in columns])
            clock["spark"] = round(time.perf_counter() - started - clock["inputs"], 3)
            select = ", ".join(
                f'CAST(c{i} AS {column[1]}) AS "{column[0]}"' for i, column in enumerate(columns)
            )
            # CREATE OR REPLACE fails whole: if the cast back is refused, the step is DuckDB's
            con.execute(
                f"CREATE OR REPLACE TABLE {name} AS SELECT {select} FROM read_parquet(?)",
                [str(out / "*.parquet")],
            )
        except Exception as error:  # noqa: BLE001 - any refusal: DuckDB runs the step instead
            self.declined[name] = _first_line(error)
            clock["declined after"] = round(time.perf_counter() - started, 3)
            return False
        clock["total"] = round(time.perf_counter() - started, 3)
        self.ran.append(name)
        if self.check:
            self._compare(con, name, sql, params)
        return True

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)

    def _next_path(self, stem: str) -> Path:
        self._written += 1
        return self._scratch / f"{self._written:05d}-{stem}"

    def _put_on_spark(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """`table` of the store as a view of the same name on Spark (written again if it
        changed since it was last put there; a view of the store is written every time)."""
        found = con.execute(
            "SELECT table_oid, estimated_size FROM duckdb_tables() WHERE table_name = ?",
            [table],
        ).fetchall()
        stamp = (int(found[0][0]), int(found[0][1])) if found else None
        if stamp is not None and self._on_spark.get(table) == stamp:
            return
        path = self._next_path(table).with_suffix(".parquet")
        con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{path}' (FORMAT parquet)")
        self.session.read.parquet(str(path)).createOrReplaceTempView(table)
        if stamp is not None:
            self._on_spark[table] = stamp
        else:
            self._on_spark.pop(table, None)

    def _run(self, spark_sql: str, params: Params, names: list[str]) -> Path:
        from pyspark.sql import functions as F
        from pyspark.sql.types import NullType

        text, bound = _spark_params(spark_sql, params)
        frame = self.session.sql(text, args=bound) if bound else self.session.sql(text)
        spark_names = [n.lower() for n in frame.columns]
        if len(set(spark_names)) == len(spark_names) and set(spark_names) == {
            n.lower() for n in names
        }:
            # by name: Spark orders a `*` over a USING join otherwise (the key first)
            frame = frame.select(*[frame.columns[spark_names.index(n.lower())] for n in names])
        elif len(frame.columns) != len(names):
            raise ValueError(f"{len(frame.columns)} columns on Spark, {len(names)} on DuckDB")
        frame = frame.toDF(*[f"c{i}" for i in range(len(frame.columns))])
        # A bare NULL column has no Parquet type: written as a string, DuckDB casts it back.
        frame = frame.select(
            *[
                F.col(f.name).cast("string") if isinstance(f.dataType, NullType) else F.col(f.name)
                for f in frame.schema.fields
            ]
        )
        out = self._next_path("result")
        frame.write.parquet(str(out))
        return out

    def _compare(self, con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params) -> None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _spark_check AS {sql}", params)
        differ = con.execute(
            f"SELECT (SELECT count(*) FROM (FROM {name} EXCEPT ALL FROM _spark_check)) "
            f"+ (SELECT count(*) FROM (FROM _spark_check EXCEPT ALL FROM {name}))"
        ).fetchall()[0][0]
        if differ:
            self.differs.append(f"{name}: {differ} rows")
        con.execute("DROP TABLE _spark_check")


def _transpile(sql: str) -> tuple[str, list[str]]:
    """Spark's SQL for DuckDB's, and the tables it reads (not its own CTEs)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    tree = sqlglot.parse_one(sql, read="duckdb")
    # What sqlglot writes for Spark without a word but Spark reads otherwise: refused, the
    # step runs on DuckDB.
    if tree.find(exp.Bracket):
        # DuckDB's lists count from 1, Spark's arrays from 0, and sqlglot keeps `xs[1]` as it
        # is unless it knows the type: on Spark it would read the next element.
        raise ValueError("indexes a list: DuckDB counts from 1, Spark from 0")
    if tree.find(exp.ArrayAgg):
        # DuckDB's list(x ORDER BY y) keeps its order and its NULLs; sqlglot writes
        # COLLECT_LIST(x), which drops both.
        raise ValueError("aggregates a list: Spark's COLLECT_LIST drops NULLs and the order")
    if tree.find(exp.TimeToUnix):
        raise ValueError("epoch(): DuckDB's has fractions of a second, UNIX_TIMESTAMP does not")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    inputs: list[str] = []
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise ValueError(f"reads a table function: {table.sql()[:60]}")
        if table.name not in ctes and table.name not in inputs:
            inputs.append(table.name)
    # RAISE: by default sqlglot drops what Spark cannot say (a window's EXCLUDE clause) with a
    # warning, and the step would run as other SQL; refused, it runs on DuckDB.
    return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE), inputs


def _spark_params(sql: str, params: Params) -> tuple[str, Any]:
    if params is None:
        return sql, None
    if isinstance(params, Mapping):
        return re.sub(r"\$(\w+)", r":\1", sql), dict(params)
    return sql, list(params)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
