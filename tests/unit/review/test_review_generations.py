"""`lantern review --store S` on a store with generations writes its next generation (the app
may be serving S meanwhile: docs/operations.md), and on a plain store file given with --store
(upgraded to generations); only the review's own store, made for it, is written in place."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lantern.review.run import _writing
from lantern.store import generations
from lantern.store.connection import connect


def test_a_store_with_generations_gets_the_review_in_its_next_generation(
    store_path: Path,
) -> None:
    with generations.writing(store_path, "lantern run"):
        pass  # generation 1, as `lantern run` leaves a store
    with _writing(store_path) as path:
        assert path != store_path and generations.number_of(path) == 2
        con = connect(path)
        con.execute("CREATE TABLE review_period AS SELECT 1 AS x")
        con.close()
        assert generations.number_of(generations.current(store_path)) == 1  # not yet
    assert generations.number_of(generations.current(store_path)) == 2
    con = duckdb.connect(str(store_path), read_only=True)
    assert con.execute("SELECT x FROM review_period").fetchall() == [(1,)]
    con.close()


def test_a_plain_store_file_is_reviewed_in_place(store_path: Path) -> None:
    connect(store_path).close()
    with _writing(store_path) as path:
        assert path == store_path
    assert not store_path.is_symlink()


def test_a_plain_store_file_given_with_store_is_upgraded_and_reviewed_into_a_generation(
    store_path: Path,
) -> None:
    """`lantern review --store S` on a plain file (perhaps served): the review is written into a
    copy, generation 1, which S then links to; the file a reader had open is never written."""
    con = connect(store_path)
    con.execute("CREATE TABLE before AS SELECT 7 AS x")
    con.close()
    with _writing(store_path, kept=True) as path:
        assert path != store_path and generations.number_of(path) == 1
        assert not store_path.is_symlink()  # not switched before the review is written
        con = connect(path)
        con.execute("CREATE TABLE review_period AS SELECT 1 AS x")
        con.close()
    assert store_path.is_symlink() and generations.number_of(generations.current(store_path)) == 1
    con = duckdb.connect(str(store_path), read_only=True)
    assert con.execute("SELECT x FROM review_period").fetchall() == [(1,)]
    assert con.execute("SELECT x FROM before").fetchall() == [(7,)]
    con.close()
