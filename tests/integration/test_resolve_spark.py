"""The same Splink settings build and score on Spark (slow: a local Spark session takes minutes)."""

from __future__ import annotations

import pytest

from lantern.resolve import model, records
from lantern.store.connection import connect
from resolve_support import create_store_tables, person


@pytest.mark.slow
def test_resolve_settings_build_and_score_on_spark(tmp_path):
    pytest.importorskip("pyspark", reason="the spark extra is not installed")
    from pyspark.sql import SparkSession
    from splink import Linker, SparkAPI
    from splink.backends.spark import similarity_jar_location

    con = connect(":memory:")
    create_store_tables(con)
    person(
        con,
        "police",
        "T1",
        given_name="Thomas",
        family_name="Jones",
        date_of_birth="1980-05-01",
        sex="M",
        phone="07700 900123",
        email="tj@example.org",
    )
    person(
        con,
        "health",
        "T2",
        given_name="Tommy",
        family_name="Jones",
        date_of_birth="1980-01-05",
        sex="M",
        nhs_number="943 476 5919",
    )
    person(
        con,
        "education",
        "C1",
        given_name="Chelsea-Marie",
        family_name="Smith-Jones",
        date_of_birth="1997-03-14",
        upn="A123456789012",
        postcode="OX1 2AB",
    )
    person(
        con,
        "police",
        "C2",
        given_name="Chelsea",
        family_name="Smith",
        date_of_birth="1997-03-14",
        postcode="ox12ab",
    )
    person(con, "police", "X1", given_name="Zara", family_name="Okafor", birth_year=1990)
    records.build_person_records(con)
    table = con.sql("SELECT * FROM person_records").to_arrow_table()

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("lantern-resolve-test")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", "1g")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        # Loopback, not the machine's hostname: a name that resolves slowly or to an
        # unreachable address stalls the driver's start.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    try:
        spark.sparkContext.setCheckpointDir(str(tmp_path / "checkpoints"))
        frame = spark.createDataFrame(table)
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
        linker = Linker(db_api.register(frame), model.settings(with_priors=True))
        pairs = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
        found = {(row.record_id_l, row.record_id_r) for row in pairs.itertuples()}
        assert ("health:T2", "police:T1") in found  # nickname + swapped date of birth
        assert ("education:C1", "police:C2") in found  # double-barrelled names, same date of birth
        assert not any("police:X1" in pair for pair in found)
    finally:
        spark.stop()
