"""A Spark session for Lantern: local by default, nothing downloaded at run time.

`LANTERN_SPARK_MASTER` (default `local[2]`) names the master; on a managed cluster the
session is the cluster's (`spark-submit` sets the master and the executors' memory, and
`LANTERN_SPARK_MASTER` is left unset: docs/scale.md). The Python workers run this process's
interpreter, so they import the same Lantern and the same analyser.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from lantern.errors import UserError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"


def require_pyspark() -> None:
    """A clear error, not an ImportError, when the spark extra is not installed."""
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise UserError(
            "--engine spark needs pyspark: install the spark extra (pip install 'lantern[spark]', "
            "or `uv pip sync requirements/all.lock`) and Java 17"
        ) from error


def start(
    master: str | None = None,
    *,
    partitions: int | None = None,
    driver_memory: str = "2g",
    app_name: str = "lantern",
) -> SparkSession:
    """Start (or join) a Spark session. `partitions`: shuffle partitions (default: twice the
    local cores; a cluster sets its own)."""
    require_pyspark()
    from pyspark.sql import SparkSession

    # The executors' Python must be this one: the system's python3 has neither pyarrow nor
    # Lantern. Set before the JVM starts, which reads it.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    master = master or os.environ.get("LANTERN_SPARK_MASTER") or DEFAULT_MASTER
    builder = SparkSession.builder.appName(app_name).master(master)
    if master.startswith("local"):
        cores = os.cpu_count() or 2
        builder = (
            builder.config("spark.driver.memory", driver_memory)
            .config("spark.ui.enabled", "false")
            # Loopback, not the machine's hostname: a name that resolves slowly or to an
            # unreachable address stalls the driver's start.
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", str(partitions or 2 * cores))
        )
    elif partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    builder = (
        builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
        # The store's timestamps are DuckDB's TIMESTAMP, a time without a zone: Spark's SQL
        # steps (lantern.spark.sql) read and make them so, with no zone to shift them by.
        .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
        .config("spark.sql.session.timeZone", "UTC")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
