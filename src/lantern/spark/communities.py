"""Leiden communities per connected component on Spark's executors.

The graph stage's Leiden (`lantern.graph.networks.leiden_communities`) maximises, over the
whole network graph, the Reichardt–Bornholdt configuration quality

    Q = Σ_ij (A_ij − γ k_i k_j / 2m) δ(c_i, c_j)

(`leidenalg.RBConfigurationVertexPartition`; γ the rules' resolution, m the graph's total edge
weight). A Leiden community is connected, so none spans two components, and Q is the sum of
each component's terms. Run on a component c alone with γ_c = γ · m_c / m (m_c: the
component's weight), Leiden maximises exactly that component's terms of Q: the same objective,
so the same optimum. What can differ is the path: Leiden is a heuristic started from a random
order (the rules' seed), and the order differs when a component is run alone, so a component
with two near-equal partitions may come out the other way (docs/spark.md measures how often).

Components come from `components.connected_components` (large-star / small-star in Spark
SQL); each component's edges go to one executor (`applyInPandas`), where the same function
the graph stage uses runs on them. Community numbers are made global by ranking (component,
community in it).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd

from lantern.graph.networks import leiden_communities
from lantern.graph.rules import GraphRules

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

OUTPUT_SCHEMA = "component string, node_id string, community long"


def component_communities(
    edges: pd.DataFrame, rules: GraphRules, total_weight: float
) -> pd.DataFrame:
    """Leiden on one component's edges (`component`, `src`, `dst`, `weight`), its resolution
    scaled by its share of the whole graph's weight (module doc)."""
    own = float(edges["weight"].sum())
    scaled = dataclasses.replace(rules, resolution=rules.resolution * own / total_weight)
    membership = leiden_communities(
        list(zip(edges["src"], edges["dst"], edges["weight"].astype(float), strict=True)), scaled
    )
    return pd.DataFrame(
        {
            "component": edges["component"].iloc[0],
            "node_id": list(membership.keys()),
            "community": list(membership.values()),
        }
    )


def find_communities(
    spark: SparkSession, edges: list[tuple[str, str, float]], rules: GraphRules
) -> dict[str, int]:
    """node → community for a weighted undirected edge list, Leiden per connected component
    on the executors (a `lantern.graph.networks.CommunityFinder`)."""
    from pyspark.sql import types as T

    if not edges:
        return {}
    schema = T.StructType(
        [
            T.StructField("src", T.StringType(), False),
            T.StructField("dst", T.StringType(), False),
            T.StructField("weight", T.DoubleType(), False),
        ]
    )
    frame = spark.createDataFrame(edges, schema)
    return communities_of_frame(frame, rules)


def communities_of_frame(frame: DataFrame, rules: GraphRules) -> dict[str, int]:
    """`find_communities` on a DataFrame of `src`, `dst`, `weight` (for inputs already on
    Spark, as they would be at a region's size)."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    from lantern.spark.components import connected_components

    summed = frame.agg(F.sum("weight")).first()
    total = summed[0] if summed is not None else None
    if not total:
        return {}
    components = connected_components(frame)
    by_component = frame.join(components.withColumnRenamed("node", "src"), "src").select(
        "component", "src", "dst", "weight"
    )
    found = by_component.groupBy("component").applyInPandas(
        lambda part: component_communities(part, rules, float(total)), OUTPUT_SCHEMA
    )
    numbered = found.withColumn(
        "number",
        F.dense_rank().over(Window.orderBy("component", "community")) - 1,
    )
    return {row["node_id"]: int(row["number"]) for row in numbered.collect()}
