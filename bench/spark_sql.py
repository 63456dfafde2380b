"""How much of the stages' SQL runs on Spark once transpiled: the next step of issue 24, measured.

    python bench/spark_sql.py [--children 300] [--seed 2] [--work /tmp/lantern-bench-spark-sql]
                              [--no-write]

Runs `lantern assess` on a small county with every named SQL step recorded (each
`create_table` / `Steps.table`: the stages' set-based steps; not the few statements a stage
sends with `con.execute` itself, nor Splink's). Then loads every table of the finished store into
a local Spark session (through Parquet) and, for each recorded step, transpiles its SQL from
DuckDB's dialect to Spark's with sqlglot and runs it there against the tables as the DuckDB run
left them, comparing its row count with the DuckDB table's. A step whose inputs a later step
replaced is compared against the later table (the counts may differ for that reason alone:
such steps are few, and counted as runs). Rewrites its own section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

SECTION = "## Spark, sixth session: the stages' SQL transpiled to Spark SQL (`bench/spark_sql.py`)"


def record_steps() -> list[tuple[str, str, object]]:
    """Record every named step from now on (before any stage module is imported)."""
    from lantern.store import steps

    recorded: list[tuple[str, str, object]] = []
    original = steps.create_table

    def recording(con, name, sql, params=None):  # type: ignore[no-untyped-def]
        recorded.append((name, sql, params))
        original(con, name, sql, params)

    steps.create_table = recording  # type: ignore[assignment]
    return recorded


def _spark_params(sql: str, params: object) -> tuple[str, object]:
    if params is None:
        return sql, None
    if isinstance(params, dict):
        return re.sub(r"\$(\w+)", r":\1", sql), dict(params)
    return sql, list(params)  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lantern-bench-spark-sql"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    recorded = record_steps()
    import duckdb
    import sqlglot

    from lantern.pipeline import assess
    from lantern.spark.session import start
    from lantern.synth.county import generate

    shutil.rmtree(args.work, ignore_errors=True)
    county, store = args.work / "county", args.work / "lantern.duckdb"
    generate(county, seed=args.seed, children=args.children, years=6, start_year=2008)
    assess(county, args.work / "out", store_path=store)
    con = duckdb.connect(str(store), read_only=True)
    tables = [
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    ]
    parquet = args.work / "parquet"
    parquet.mkdir()
    unloaded: list[str] = []
    spark = start("local[2]")
    for table in tables:
        path = parquet / f"{table}.parquet"
        try:
            con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{path}' (FORMAT parquet)")  # noqa: S608
            spark.read.parquet(str(path)).createOrReplaceTempView(table)
        except Exception as error:  # noqa: BLE001 - a table Parquet cannot hold: reported
            unloaded.append(f"`{table}`: {str(error).splitlines()[0][:120]}")
    outcomes: Counter[str] = Counter()
    failures: dict[str, list[str]] = {}
    started = time.perf_counter()
    for name, sql, params in recorded:
        try:
            spark_sql = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
        except Exception as error:  # noqa: BLE001
            outcomes["does not transpile"] += 1
            failures.setdefault("does not transpile", []).append(f"{name}: {str(error)[:100]}")
            continue
        text, bound = _spark_params(spark_sql, params)
        try:
            rows = spark.sql(text, args=bound).count() if bound else spark.sql(text).count()
        except Exception as error:  # noqa: BLE001
            first = str(error).strip().splitlines()[0][:160]
            # An input the probe could not give Spark (a temporary table, a view or an Arrow
            # table of the DuckDB run, or a type Spark's Parquet reader lacks) says nothing of
            # the step's own SQL: counted apart from the dialect's failures.
            kind = (
                "an input not on Spark (probe)"
                if "TABLE_OR_VIEW_NOT_FOUND" in first
                else "fails on Spark (dialect)"
            )
            outcomes[kind] += 1
            failures.setdefault(kind, []).append(f"{name}: {first.split(' Verify the')[0]}")
            continue
        expected = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]  # noqa: S608
        outcomes["same row count" if rows == expected else "runs, another row count"] += 1
        if rows != expected:
            failures.setdefault("runs, another row count", []).append(
                f"{name}: {rows} against {expected}"
            )
    spark.stop()
    con.close()
    total = len(recorded)
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, local[2]; county `lantern synth --seed {args.seed} --children "
        f"{args.children} --years 6` (a tuning seed); sqlglot {sqlglot.__version__}, "
        f"{time.perf_counter() - started:.0f} s on Spark. {total} named SQL steps recorded.",
        "",
        "| outcome | steps |",
        "|---|---:|",
        *[
            f"| {k} | {outcomes[k]} |"
            for k in (
                "same row count",
                "runs, another row count",
                "fails on Spark (dialect)",
                "an input not on Spark (probe)",
                "does not transpile",
            )
        ],
        "",
    ]
    if unloaded:
        lines += [
            "Tables Spark could not read from Parquet:",
            "",
            *[f"- {u}" for u in unloaded],
            "",
        ]
    for kind, names in failures.items():
        lines.append(f"{kind}:")
        lines.append("")
        lines += [f"- `{n}`" for n in names]
        lines.append("")
    print("\n".join(lines))
    if not args.no_write:
        replace_section(SECTION, lines)


if __name__ == "__main__":
    main()
