"""The Spark engine the pipeline hands its stages: a session, and the readers that use it.

`SparkEngine()` starts a session (`session.start`); `text_reader` and `community_finder` are
what the indicators and graph stages accept in place of their in-process defaults
(`lantern.indicators.narratives.TextReader`, `lantern.graph.networks.CommunityFinder`). Every
other step of every stage still runs on the store's DuckDB (docs/spark.md says which and why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lantern.graph.rules import GraphRules
from lantern.indicators.text.analyse import Analysis

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass
class SparkEngine:
    master: str | None = None
    partitions: int | None = None
    _session: SparkSession | None = field(default=None, repr=False)

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

    def stop(self) -> None:
        if self._session is not None:
            self._session.stop()
            self._session = None
