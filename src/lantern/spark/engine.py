"""The Spark engine the pipeline hands its stages: a session, and the readers that use it.

`SparkEngine()` starts a session (`session.start`); `text_reader` and `community_finder` are
what the indicators and graph stages accept in place of their in-process defaults
(`lantern.indicators.narratives.TextReader`, `lantern.graph.networks.CommunityFinder`), and
`sql` runs their named SQL steps on Spark SQL (`lantern.spark.sql`; the pipeline offers it the
steps with `lantern.store.steps.steps_run_by`). Every other statement, and the other stages,
still run on the store's DuckDB (docs/spark.md says which and why).

`LANTERN_SPARK_SQL_REPORT` names a JSON file the engine writes when it stops: which steps ran
on Spark and why each other step did not (bench/spark.py reads it); with
`LANTERN_SPARK_SQL_CHECK=1` every step Spark ran is also run on DuckDB and compared (slow: for
finding the steps `lantern.spark.sql.ON_DUCKDB` must keep).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from lantern.graph.rules import GraphRules
from lantern.indicators.text.analyse import Analysis
from lantern.score.carry import PartInputs
from lantern.score.weights import Weights

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from lantern.spark.sql import SparkSql


@dataclass
class SparkEngine:
    master: str | None = None
    partitions: int | None = None
    _session: SparkSession | None = field(default=None, repr=False)
    _sql: SparkSql | None = field(default=None, repr=False)

    @property
    def session(self) -> SparkSession:
        if self._session is None:
            from lantern.spark.session import start

            self._session = start(self.master, partitions=self.partitions)
        return self._session

    def text_reader(self, texts: Sequence[str]) -> list[Analysis]:
        from lantern.spark.text import read_texts

        return read_texts(self.session, texts)

    def community_finder(
        self, edges: list[tuple[str, str, float]], rules: GraphRules
    ) -> dict[str, int]:
        from lantern.spark.communities import find_communities

        return find_communities(self.session, edges, rules)

    def pair_predictor(
        self, con: duckdb.DuckDBPyConnection, settings: dict[str, Any], threshold: float
    ) -> None:
        """Resolve's pairs scored on Spark with the model trained on DuckDB
        (`lantern.resolve.pair_scores.PairPredictor`)."""
        from lantern.spark.linkage import predict_pairs

        predict_pairs(self.session, con, settings, threshold)

    def part_replayer(
        self, parts: list[PartInputs], weights: Weights, until: date
    ) -> list[dict[str, Any]]:
        """The score replay's independent parts, each replayed alone on the executors
        (`lantern.score.carry.PartReplayer`)."""
        from lantern.spark.replay import replay_parts

        return replay_parts(self.session, parts, weights, until)

    @property
    def sql(self) -> SparkSql:
        """The runner of the stages' named SQL steps (`lantern.store.steps.StepRunner`)."""
        if self._sql is None:
            from lantern.spark.sql import SparkSql

            check = os.environ.get("LANTERN_SPARK_SQL_CHECK") == "1"
            self._sql = SparkSql(self.session, check=check)
        return self._sql

    def stop(self) -> None:
        if self._sql is not None:
            report = os.environ.get("LANTERN_SPARK_SQL_REPORT")
            if report:
                Path(report).write_text(
                    json.dumps(
                        {
                            "ran": self._sql.ran,
                            "declined": self._sql.declined,
                            "differs": self._sql.differs,
                            "seconds": self._sql.seconds,
                        },
                        indent=1,
                    )
                )
            self._sql.close()
            self._sql = None
        if self._session is not None:
            self._session.stop()
            self._session = None
