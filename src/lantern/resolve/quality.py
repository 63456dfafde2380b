"""Pairwise precision, recall and F1 of `persons` against a truth table.

A pair of records is *predicted* when `persons` puts them in one person, and
*true* when the truth gives them one entity. Counted in SQL from group sizes
(n choose 2), so it works at a million records.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lantern.resolve.sql import first_row


@dataclass(frozen=True)
class PairwiseQuality:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pairwise_quality(
    con: duckdb.DuckDBPyConnection, truth_table: str, clusters_table: str = "persons"
) -> PairwiseQuality:
    """`truth_table(record_id, entity_id)` against `clusters_table(record_id, person_id)`."""
    row = first_row(
        con,
        f"""
        WITH joined AS (
            SELECT c.person_id, t.entity_id FROM {clusters_table} c JOIN {truth_table} t USING (record_id)
        ),
        pairs AS (
            SELECT
                (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM joined GROUP BY entity_id)) AS true_pairs,
                (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM joined GROUP BY person_id)) AS predicted,
                (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM joined GROUP BY person_id, entity_id)) AS correct
        )
        SELECT true_pairs::BIGINT, predicted::BIGINT, correct::BIGINT FROM pairs
        """,  # noqa: S608 - table names from the caller's code
    )
    assert row is not None
    return PairwiseQuality(int(row[0]), int(row[1]), int(row[2]))
