"""The score replay per independent part on Spark's executors.

The replay (`lantern.score.replay`) is a pass over time in which persons meet only through
their facts, so the county falls into parts that never read each other's state
(`lantern.score.carry`, issue 21). `carry` already restores stored part states into one replay
with a result equal to the whole replay's (tests/property/test_incremental_equals_full.py);
here each part with a hit or a link fact is replayed alone on an executor instead
(`carry.replay_part`, an `applyInPandas` grouped by part) and its state on the assessment
date comes back to be restored the same way (`carry.replay(parts_replayed_by=...)`).

What moves to the executors is the replay's work, part by part. The driver still finds the
parts (a union-find over the facts it reads from the store), sends each part's inputs
pickled, and holds every part's state once they are restored: the stage's tables are written
from one replay as before, so the driver's memory is not smaller than on DuckDB.
"""

from __future__ import annotations

import pickle
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from lantern.score.carry import PartInputs, _dumps, replay_part
from lantern.score.weights import Weights

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

OUTPUT_SCHEMA = "part string, state binary"


def replay_parts(
    spark: SparkSession, parts: list[PartInputs], weights: Weights, until: date
) -> list[dict[str, Any]]:
    """Each part's state on `until`, replayed alone on the executors, in the order of `parts`
    (a `lantern.score.carry.PartReplayer`)."""
    if not parts:
        return []

    def replay_group(group: pd.DataFrame) -> pd.DataFrame:
        inputs: PartInputs = pickle.loads(group["inputs"].iloc[0])  # noqa: S301 - the driver's
        state = replay_part(inputs, weights, until)
        return pd.DataFrame({"part": [inputs.part], "state": [_dumps(state)]})

    table = pa.table(
        {
            "part": pa.array([p.part for p in parts], pa.string()),
            # pickled as a stored state is: a hit by its fields, not its cached scoring model
            "inputs": pa.array([_dumps(p) for p in parts], pa.binary()),
        }
    )
    frame = spark.createDataFrame(table)
    rows = frame.groupBy("part").applyInPandas(replay_group, OUTPUT_SCHEMA).toArrow()
    found = {
        part: pickle.loads(blob)  # noqa: S301 - our own executors' output
        for part, blob in zip(
            rows.column("part").to_pylist(), rows.column("state").to_pylist(), strict=True
        )
    }
    if len(found) != len(parts):
        raise RuntimeError(f"Spark returned {len(found)} part states for {len(parts)} parts")
    return [found[p.part] for p in parts]
