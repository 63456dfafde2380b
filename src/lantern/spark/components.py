"""Connected components of an undirected graph in Spark DataFrames: large-star / small-star.

GraphFrames would do this, but it is a JVM package fetched from Maven at run time, which
Lantern never does (nothing downloads at run time). This is the alternating large-star /
small-star algorithm (Kiveris, Lattanzi, Mirrokni, Rastogi and Vassilvitskii, "Connected
Components in MapReduce and Beyond", SoCC 2014): each round is two joins and two group-bys over
the edge list, the number of rounds grows with the logarithm of the graph's size (not its
diameter, as plain min-label propagation would), and it ends with every node joined straight
to the smallest node of its component. A component is named by that smallest node id, so the
answer depends only on the edges.

Large-star: every node links each larger neighbour to the smallest of itself and its
neighbours. Small-star: every node links itself and each smaller neighbour to the smallest of
them. Both keep the components; they stop changing when each component is a star around its
smallest node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

MAX_ROUNDS = 64  # 2^64 nodes would need fewer: more rounds means a bug, not a large graph


def _large_star(edges: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    both = edges.select("u", "v").unionByName(
        edges.select(F.col("v").alias("u"), F.col("u").alias("v"))
    )
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (
        both.join(smallest, "u")
        .where(F.col("v") > F.col("u"))
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    down = edges.select(
        F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")
    ).distinct()  # each edge from its larger end to its smaller
    smallest = down.groupBy("u").agg(F.min("v").alias("m"))
    neighbours = down.join(smallest, "u").select(F.col("v").alias("u"), F.col("m").alias("v"))
    itself = smallest.select("u", F.col("m").alias("v"))
    return neighbours.unionByName(itself).where(F.col("u") != F.col("v")).distinct()


def connected_components(edges: DataFrame, src: str = "src", dst: str = "dst") -> DataFrame:
    """`node`, `component` (the smallest node id of its component) for every node of `edges`
    (columns `src`, `dst`; direction and repeats do not matter; a self-loop is a lone node)."""
    from pyspark.sql import functions as F

    nodes = (
        edges.select(F.col(src).alias("node"))
        .unionByName(edges.select(F.col(dst).alias("node")))
        .distinct()
    )
    current = (
        edges.select(F.col(src).alias("u"), F.col(dst).alias("v"))
        .where(F.col("u") != F.col("v"))
        .distinct()
        .localCheckpoint()
    )
    for _ in range(MAX_ROUNDS):
        following = _small_star(_large_star(current)).localCheckpoint()
        changed = (
            following.exceptAll(current).limit(1).count()
            + current.exceptAll(following).limit(1).count()
        )
        current = following
        if changed == 0:
            break
    else:  # pragma: no cover - the algorithm converges in O(log^2 n) rounds
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    # Now every edge is (node, smallest node of its component); a component's smallest node
    # appears only on the right.
    labels = current.groupBy("u").agg(F.min("v").alias("component"))
    return nodes.join(labels, nodes["node"] == labels["u"], "left").select(
        "node", F.coalesce("component", "node").alias("component")
    )
