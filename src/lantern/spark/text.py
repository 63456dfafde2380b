"""The text analysis as a map over distinct narratives on Spark's executors.

The indicators stage reads each distinct narrative once (`lantern.indicators.narratives`);
here that reading is a `mapInPandas` over the texts, in partitions spread over the executors,
each Python worker building the analyser once (`shared_analyser`) and reading its partitions'
texts exactly as `analyse_many` does on one machine. The analysis is a function of the text
alone, so the findings are the same wherever a text is read (tests/integration/test_spark.py).

Each text's analysis comes back pickled, keyed by its position, and the stage joins the
findings to the events in SQL as before: what passes through the driver is the findings, not
the work.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lantern.indicators.text.analyse import Analysis, shared_analyser

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

OUTPUT_SCHEMA = "position long, analysis binary"
TEXTS_PER_PARTITION = 2000  # as `analyse_many`'s chunks: spaCy's start-up paid once per worker


def _read_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """On an executor: each text's analysis, pickled, by its position."""
    analyser = shared_analyser()
    for batch in batches:
        analyses = analyser.analyse(list(batch["text"]), [None] * len(batch))
        yield pd.DataFrame(
            {
                "position": batch["position"].to_numpy(),
                "analysis": [pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL) for a in analyses],
            }
        )


def read_texts(spark: SparkSession, texts: Sequence[str]) -> list[Analysis]:
    """Every text's analysis, in order (a `lantern.indicators.narratives.TextReader`)."""
    if not texts:
        return []
    with tempfile.TemporaryDirectory(prefix="lantern-spark-texts-") as scratch:
        # Through a Parquet file, not the driver's pickled rows: on a cluster this is where
        # the stage's inputs already are.
        path = Path(scratch) / "texts.parquet"
        pq.write_table(
            pa.table({"position": pa.array(range(len(texts)), pa.int64()), "text": list(texts)}),
            path,
        )
        partitions = max(1, -(-len(texts) // TEXTS_PER_PARTITION))
        frame = spark.read.parquet(str(path)).repartition(partitions, "position")
        rows = frame.mapInPandas(_read_batches, OUTPUT_SCHEMA).toArrow()
    found: list[Analysis | None] = [None] * len(texts)
    for position, blob in zip(
        rows.column("position").to_pylist(), rows.column("analysis").to_pylist(), strict=True
    ):
        found[position] = pickle.loads(blob)  # noqa: S301 - our own executors' output
    missing = [i for i, a in enumerate(found) if a is None]
    if missing:
        raise RuntimeError(f"Spark returned no analysis for {len(missing)} texts")
    return found  # type: ignore[return-value]
