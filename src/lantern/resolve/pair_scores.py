"""Step 2 of resolve: score candidate pairs of `person_records` with Splink → `resolve_pairs`.

Also writes `resolve_model_levels` (each comparison level's phrase, m, u and
match weight) so that any scored pair can be explained without the model.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from lantern.resolve import kept_model, model
from lantern.resolve.sql import scalar

# Fewer records than this: the m probabilities stay at their documented priors
# (EM needs variety to converge; see docs/resolve.md).
EM_MIN_RECORDS = 2000


class PairPredictor(Protocol):
    def __call__(
        self, con: duckdb.DuckDBPyConnection, settings: dict[str, Any], threshold: float
    ) -> None:
        """Score `person_records`' blocked pairs with the trained model `settings` (Splink's
        JSON) and write those at or above `threshold` as `resolve_pairs`, with the columns and
        types Splink's DuckDB prediction gives them (another engine: `lantern.spark.linkage`)."""
        ...


@dataclass
class LinkageResult:
    pairs_scored: int
    training: list[str]
    step_seconds: dict[str, float] = field(default_factory=dict)


def _empty_pairs(con: duckdb.DuckDBPyConnection) -> None:
    """An empty `resolve_pairs` with the columns a Splink prediction would have."""
    gammas = ", ".join(f"NULL::INTEGER AS gamma_{c.name}" for c in model.COMPARISONS)
    columns = [
        row[0]
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'person_records' "
            "AND column_name <> 'record_id' ORDER BY ordinal_position"
        ).fetchall()
    ]
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE resolve_pairs AS
        SELECT l.record_id AS record_id_l, r.record_id AS record_id_r,
               NULL::DOUBLE AS match_weight, NULL::DOUBLE AS match_probability, {gammas}, {sides}
        FROM person_records l, person_records r LIMIT 0
        """  # noqa: S608 - our own column names
    )


def score_pairs(
    con: duckdb.DuckDBPyConnection,
    *,
    training: str = "auto",
    seed: int = 42,
    max_pairs_u: float = 2e6,
    previous_records: str | None = None,
    predictor: PairPredictor | None = None,
) -> LinkageResult:
    """Train the model on `person_records` and write every blocked pair above a low probability.

    `predictor`: who scores the pairs with the model trained here (None: Splink on the store's
    DuckDB). The training is always DuckDB's, so every engine scores with the same model.

    `previous_records`: the name of `person_records` as the last run left it, with the
    `resolve_pairs` and `resolve_model` it wrote — an incremental run (`kept_model`): the kept
    model scores only the pairs with a new or changed record. Without a kept model, or when the
    blocking rules changed, the whole table is scored as in a full run."""
    from splink import DuckDBAPI, Linker

    if previous_records is not None:
        kept = kept_model.load(con)
        if kept is not None and kept_model.scope_matches_blocking():
            return _score_changed_pairs(con, previous_records, *kept)

    # Splink warns for every comparison level EM could not train (e.g. no emails in an extract);
    # untrained levels keep their documented priors and floors, so the warnings only alarm users.
    logging.getLogger("splink").setLevel(logging.ERROR)
    n = scalar(con, "SELECT count(*) FROM person_records")
    if n < 2:
        _empty_pairs(con)
        _write_levels(con, None)
        kept_model.forget(con)
        return LinkageResult(0, ["fewer than two records: nothing to link"])
    use_em = training == "em" or (training == "auto" and n >= EM_MIN_RECORDS)
    db_api = DuckDBAPI(connection=con)
    records = db_api.register("person_records")
    linker = Linker(records, model.settings(with_priors=True), log_level=logging.ERROR)
    started = time.perf_counter()
    log = model.train(linker, use_em=use_em, seed=seed, max_pairs_u=max_pairs_u)
    trained = time.perf_counter()
    if predictor is None:
        predictions = linker.inference.predict(threshold_match_probability=model.KEEP_PAIRS_ABOVE)
        _keep_as_resolve_pairs(con, predictions.physical_name)
        predictions.drop_table_from_database_and_remove_from_cache()
    else:
        predictor(con, linker.misc.save_model_to_json(), model.KEEP_PAIRS_ABOVE)
    _write_levels(con, linker)
    kept_model.save(con, linker, log)
    _drop_splink_tables(con)
    count = scalar(con, "SELECT count(*) FROM resolve_pairs")
    steps = {
        "training": round(trained - started, 2),
        "prediction": round(time.perf_counter() - trained, 2),
    }
    return LinkageResult(count, log, steps)


def _score_changed_pairs(
    con: duckdb.DuckDBPyConnection, previous_records: str, settings: dict, saved_at: str
) -> LinkageResult:
    """The incremental scoring (module doc of `kept_model`): no training, a prediction on the
    changed records and those they could pair with, the other pairs kept."""
    from splink import DuckDBAPI, Linker

    started = time.perf_counter()
    changed = kept_model.changed_records(con, previous_records)
    log = [
        f"the model kept from the last full training ({saved_at}); {changed} records new or changed"
    ]
    if changed == 0:
        con.execute("CREATE OR REPLACE TEMP TABLE resolve_scope_records AS SELECT 1 WHERE false")
    else:
        scope = kept_model.build_scope(con)
        log.append(f"scored the pairs of {scope} records that blocking could pair with them")
        db_api = DuckDBAPI(connection=con)
        records = db_api.register("resolve_scope_records")
        linker = Linker(records, settings, log_level=logging.ERROR)
        predictions = linker.inference.predict(threshold_match_probability=model.KEEP_PAIRS_ABOVE)
        kept_model.merge_pairs(con, "resolve_pairs", predictions.physical_name)
        predictions.drop_table_from_database_and_remove_from_cache()
        _drop_splink_tables(con)
    con.execute("DROP TABLE IF EXISTS resolve_scope_records")
    count = scalar(con, "SELECT count(*) FROM resolve_pairs")
    return LinkageResult(count, log, {"prediction": round(time.perf_counter() - started, 2)})


def _keep_as_resolve_pairs(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Splink's prediction table becomes `resolve_pairs`: renamed, not copied, when it is a table."""
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = ?",
        [name],
    ).fetchall()
    if kind == [("BASE TABLE",)]:
        con.execute("DROP TABLE IF EXISTS resolve_pairs")
        con.execute(f'ALTER TABLE "{name}" RENAME TO resolve_pairs')
    else:
        con.execute(f"CREATE OR REPLACE TABLE resolve_pairs AS SELECT * FROM {name}")  # noqa: S608 - a table name Splink made


def _write_levels(con: duckdb.DuckDBPyConnection, linker: object | None) -> None:
    rows = model.level_table(linker) if linker is not None else []
    schema = pa.schema(
        [
            ("comparison", pa.string()),
            ("gamma", pa.int32()),
            ("phrase", pa.string()),
            ("similarity_sql", pa.string()),
            ("match_weight", pa.float64()),
            ("m_probability", pa.float64()),
            ("u_probability", pa.float64()),
        ]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    con.register("_resolve_levels_arrow", table)
    con.execute(
        "CREATE OR REPLACE TABLE resolve_model_levels AS SELECT * FROM _resolve_levels_arrow"
    )
    con.unregister("_resolve_levels_arrow")


def _drop_splink_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Splink's intermediate tables are not part of the store."""
    for name, kind in con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_name LIKE '\\_\\_splink%' ESCAPE '\\'"
    ).fetchall():
        con.execute(f'DROP {"VIEW" if kind == "VIEW" else "TABLE"} IF EXISTS "{name}"')
