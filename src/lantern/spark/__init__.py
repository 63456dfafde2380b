"""`lantern run --engine spark`: the parts of the pipeline that run on Apache Spark.

The stages stay as they are; an engine hands them what does their distributable work
elsewhere (docs/spark.md): the text analysis as a map over distinct narratives on Spark's
executors (`text.py`), and the network communities as connected components in Spark SQL
(`components.py`) with Leiden per component on the executors (`communities.py`). `engine.py`
starts the session and gives the pipeline those readers. pyspark is an optional extra
(`pip install lantern[spark]`); nothing here is imported unless `--engine spark` is asked for.
"""
