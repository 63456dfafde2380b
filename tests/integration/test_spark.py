"""The Spark engine's parts on a local Spark (`local[2]`), and `lantern run --engine spark`
end to end on a small county: the same files as the DuckDB engine, byte for byte.

Slow (a local Spark session takes half a minute to start here, each job seconds): run by
`make test-all`, which installs pyspark and sets LANTERN_REQUIRE_SPARK=1 so these fail rather
than skip if it is missing.
"""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from lantern.cli import main
from lantern.store.connection import connect
from lantern.synth.county import generate
from spark_support import require_pyspark

pytestmark = pytest.mark.slow

TRICKY = [
    "Seen with an older man in a silver Audi AB12 CDE; phone 07700 900123.",
    "She was NOT sexually exploited, staff say, but went missing twice.",
    "Ça va. Ünïcödé text with no signs at all.",
    "Known as 'Smudge' by the men at the flat.",
    "",
]


@pytest.fixture(scope="module")
def spark():
    require_pyspark()
    from lantern.spark.engine import SparkEngine

    engine = SparkEngine(master="local[2]")
    yield engine
    engine.stop()


def _union_find(edges: list[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in list(parent)}


def _graphs() -> list[list[tuple[str, str]]]:
    rng = random.Random(5)
    path = [(f"n{i:03d}", f"n{i + 1:03d}") for i in reversed(range(60))]  # a long chain
    star = [("hub", f"s{i}") for i in range(20)]
    odd = [("a", "b"), ("b", "a"), ("a", "b"), ("c", "c"), ("d", "e")]  # repeats, a self-loop
    randoms = []
    for n in (30, 200):
        nodes = [f"v{rng.randrange(10**6):06d}" for _ in range(n)]
        randoms.append([(rng.choice(nodes), rng.choice(nodes)) for _ in range(n * 2 // 3)])
    return [path, star, odd, *randoms]


def test_connected_components_are_union_finds(spark) -> None:
    from lantern.spark.components import connected_components

    for edges in _graphs():
        frame = spark.session.createDataFrame(edges, "src string, dst string")
        found = {r["node"]: r["component"] for r in connected_components(frame).collect()}
        assert found == _union_find(edges)


def test_communities_per_component_on_the_executors(spark) -> None:
    from lantern.graph.networks import leiden_communities
    from lantern.graph.rules import load_rules

    rules = load_rules()
    edges = [(f"a{i}", f"a{j}", 2.0) for i in range(5) for j in range(i + 1, 5)]
    edges += [(f"b{i}", f"b{j}", 1.0) for i in range(5) for j in range(i + 1, 5)]
    edges += [("a0", "b0", 0.5), ("x", "y", 1.0)]
    found = spark.community_finder(edges, rules)
    assert spark.community_finder([], rules) == {}

    def groups(membership):
        by: dict[int, set[str]] = {}
        for node, community in membership.items():
            by.setdefault(community, set()).add(node)
        return sorted(sorted(g) for g in by.values())

    assert groups(found) == groups(leiden_communities(edges, rules))
    assert sorted(set(found.values())) == list(range(len(set(found.values()))))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county") / "c"
    generate(out, seed=2, children=300, years=6, start_year=2008)  # a tuning seed
    return out


def test_texts_read_on_the_executors_are_read_as_at_home(spark, county, tmp_path) -> None:
    from lantern.indicators.text.analyse import analyse_many
    from lantern.store.ingest import ingest

    con = connect(tmp_path / "s.duckdb")
    ingest(con, county)
    texts = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT narrative FROM events WHERE narrative IS NOT NULL ORDER BY 1"
        ).fetchall()
    ] + TRICKY
    con.close()
    assert len(texts) > 300
    assert spark.text_reader(texts) == list(analyse_many(texts))
    assert spark.text_reader([]) == []


def _table(store: Path, sql: str) -> list[tuple]:
    con = connect(store, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# Two whole runs, the Spark one with every SQL step a Spark job: up to half an hour on a
# shared 2-core machine (pytest-timeout's 15 minutes stopped it at a load of 20).
@pytest.mark.timeout(2400)
def test_run_on_spark_writes_what_duckdb_writes(spark, county, tmp_path, monkeypatch) -> None:
    """The same persons, hits, graph, flags and adults; networks too, unless Leiden per
    component took another path, and then only where its communities differ (docs/spark.md)."""
    from lantern.spark.engine import SparkEngine
    from lantern.store.generations import current
    from lantern.store.parquet import write_parquet
    from spark_compare import compare

    monkeypatch.setenv("LANTERN_SPARK_MASTER", "local[2]")
    on_duckdb, on_spark = tmp_path / "duckdb", tmp_path / "spark"
    duckdb_store = tmp_path / "d.duckdb"
    argv = ["assess", str(county), "--out", str(on_duckdb), "--store", str(duckdb_store)]
    assert main(argv) == 0
    store = tmp_path / "spark-store" / "lantern.duckdb"
    argv = ["run", str(county), "--store", str(store), "--out", str(on_spark)]
    assert main([*argv, "--engine", "spark"]) == 0
    assert (on_spark / "persons.csv").read_bytes() == (on_duckdb / "persons.csv").read_bytes()
    assert (on_spark / "children.csv").read_text().count("\n") > 100
    served = current(store)
    assert served is not None
    found = compare(duckdb_store, served)
    assert not any(found.unequal.values()), found.unequal
    assert not found.children and not found.adults, found.summary()
    if found.communities == 0:
        assert found.identical, found.summary()
        for name in ("children.csv", "adults.csv", "networks.csv"):
            assert (on_spark / name).read_bytes() == (on_duckdb / name).read_bytes(), name
    else:
        assert found.explained, found.summary()
    # the store as Parquet reads on Spark as in DuckDB (but for the INTERVAL tables Spark lacks)
    with duckdb.connect(str(served), read_only=True) as con:
        written = write_parquet(con, tmp_path / "pq")
        intervals = {
            str(r[0])
            for r in con.execute(
                "SELECT DISTINCT table_name FROM duckdb_columns() WHERE data_type LIKE 'INTERVAL%'"
            ).fetchall()
        }
    # the run stopped the session it shared with the fixture's engine: a fresh one
    reader = SparkEngine(master="local[2]")
    try:
        for table, rows in written.items():
            if table not in intervals:
                path = str(tmp_path / "pq" / f"{table}.parquet")
                assert reader.session.read.parquet(path).count() == rows, table
    finally:
        reader.stop()


def test_pairs_scored_on_spark_are_duckdbs_with_the_same_model(spark, county, tmp_path) -> None:
    """Resolve on `--engine spark`: the model trained on DuckDB (EM forced on this small
    county, so the parameters handed over are trained ones), the pairs scored on Spark; a
    DuckDB prediction with the model kept in the store gives the same rows, every column
    bit for bit (lantern.spark.linkage)."""
    import json
    import logging

    from splink import DuckDBAPI, Linker

    from lantern.resolve import model
    from lantern.resolve import stage as resolve
    from lantern.store.ingest import ingest

    con = connect(tmp_path / "s.duckdb")
    ingest(con, county)
    summary = resolve.run(con, training="em", predictor=spark.pair_predictor)
    assert any("expectation maximisation" in line for line in summary.training)
    assert summary.pairs_scored > 1000
    kept = json.loads(con.execute("SELECT model_json FROM resolve_model").fetchall()[0][0])
    linker = Linker(
        DuckDBAPI(connection=con).register("person_records"), kept, log_level=logging.ERROR
    )
    predicted = linker.inference.predict(threshold_match_probability=model.KEEP_PAIRS_ABOVE)
    columns = sorted(r[0] for r in con.execute("DESCRIBE resolve_pairs").fetchall())
    assert columns == sorted(
        r[0] for r in con.execute(f"DESCRIBE {predicted.physical_name}").fetchall()
    )
    assert any(c.startswith("gamma_given_name") for c in columns)
    both = ", ".join(f'"{c}"' for c in columns)
    for one, other in (
        ("resolve_pairs", predicted.physical_name),
        (predicted.physical_name, "resolve_pairs"),
    ):
        differ = con.execute(
            f"SELECT count(*) FROM (SELECT {both} FROM {one} EXCEPT ALL SELECT {both} FROM {other})"  # noqa: S608
        ).fetchall()[0][0]
        assert differ == 0, (one, differ)
    con.close()


def test_score_parts_replayed_on_the_executors_equal_one_replay(spark) -> None:
    """The replay's independent parts each replayed alone on the executors
    (lantern.spark.replay) and restored: every score table as one replay writes it."""
    from datetime import date

    from lantern.score import stage as score
    from score_world import county as world

    tables = ("assessments", "score_history", "score_reasons", "network_assessments")
    whole, apart = duckdb.connect(), duckdb.connect()
    for con in (whole, apart):
        world().write(con, until=date(2010, 10, 15))
    score.run(whole)
    summary = score.run(apart, parts_replayed_by=spark.part_replayer)
    assert summary.replay_parts > 1
    for table in tables:
        sql = f"SELECT * FROM {table} ORDER BY ALL"  # noqa: S608
        assert apart.execute(sql).fetchall() == whole.execute(sql).fetchall(), table
