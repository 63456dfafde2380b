"""The store contract (lantern.store.contract): the docs are its rendering, a store the pipeline
writes matches it, and a store from an older Lantern is refused with what to do."""

from pathlib import Path

import duckdb
import pytest

from lantern.cli import main
from lantern.errors import StoreError
from lantern.store import contract
from lantern.store.connection import connect
from support import EXAMPLES, ROOT

MARK = "## Every derived table and column"


def test_docs_pipeline_md_ends_with_the_rendering_of_the_contract() -> None:
    text = (ROOT / "docs" / "pipeline.md").read_text(encoding="utf-8")
    assert MARK in text, "docs/pipeline.md has no generated section"
    assert text[text.index(MARK) :] == contract.render_markdown(), (
        "docs/pipeline.md is stale: replace its last section with "
        "`python -m lantern.store.contract`"
    )


def test_every_table_is_named_once_with_a_known_stage() -> None:
    names = [t.name for t in contract.TABLES]
    assert len(names) == len(set(names))
    assert {t.stage for t in contract.TABLES} == set(contract.STAGES)


def test_a_new_store_is_stamped_with_this_version(tmp_path: Path) -> None:
    con = connect(tmp_path / "new.duckdb")
    assert con.execute("SELECT store_version FROM lantern_store").fetchall() == [
        (contract.STORE_VERSION,)
    ]
    con.close()
    connect(tmp_path / "new.duckdb", read_only=True).close()


def test_a_store_from_before_versions_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute("CREATE TABLE assessments (person_id VARCHAR)")
    raw.close()
    for read_only in (True, False):
        with pytest.raises(StoreError, match="older Lantern") as refused:
            connect(path, read_only=read_only)
        assert f"lantern run --store {path} --full" in str(refused.value)


def test_a_store_from_a_newer_lantern_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute(
        f"CREATE VIEW lantern_store AS SELECT {contract.STORE_VERSION + 1} AS store_version"
    )
    raw.close()
    with pytest.raises(StoreError, match="newer Lantern"):
        connect(path, read_only=True)


def test_the_store_lantern_run_writes_matches_the_contract(tmp_path: Path) -> None:
    store = tmp_path / "riverside.duckdb"
    assert main(["run", str(EXAMPLES / "riverside"), "--store", str(store)]) == 0
    con = connect(store, read_only=True)
    try:
        problems = contract.mismatches(con)
    finally:
        con.close()
    assert problems == [], (
        "the pipeline's tables and lantern/store/contract.py differ (change TABLES, then "
        "regenerate docs/pipeline.md's last section):\n" + "\n".join(problems)
    )


def test_lantern_run_full_re_derives_a_store_from_an_older_lantern(tmp_path: Path) -> None:
    """The refusal's advice works: `lantern run --store S --full` writes every stage again on
    the records S holds and stamps it with this version; without `--full` it is refused."""
    store = tmp_path / "riverside.duckdb"
    assert main(["run", str(EXAMPLES / "riverside"), "--store", str(store)]) == 0
    raw = duckdb.connect(str(store))
    raw.execute("CREATE OR REPLACE VIEW lantern_store AS SELECT 1 AS store_version")
    raw.execute("ALTER TABLE assessments DROP COLUMN points_band")  # as an older score wrote it
    raw.close()
    with pytest.raises(StoreError, match="older Lantern"):
        connect(store, read_only=True)
    assert main(["run", "--store", str(store)]) != 0
    assert main(["run", "--store", str(store), "--full"]) == 0
    con = connect(store, read_only=True)
    try:
        assert con.execute("SELECT store_version FROM lantern_store").fetchall() == [
            (contract.STORE_VERSION,)
        ]
        assert contract.mismatches(con) == []
    finally:
        con.close()
