"""An incremental run normalises only the values no earlier run normalised (issue 21): the
normalisers' results are kept in the store by raw value (`resolve_normalised_*`), stamped with
their code's fingerprint, and `person_records` made from kept results equals the one made by
normalising everything again.
"""

from __future__ import annotations

import duckdb
import pytest

from lantern.resolve import records
from resolve_support import create_store_tables, person


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_store_tables(con)
    person(con, "police", "P1", given_name="Kayla", family_name="Reed",
           date_of_birth="2008-03-01", postcode="ab1 2cd", phone="07700 900123",
           upn="A123456789012")  # fmt: skip
    person(con, "health", "H1", given_name="Jo", family_name="O'Neil",
           date_of_birth="2007-11-02", postcode="AB1 2CD", upn="B123456789012")  # fmt: skip
    return con


def _add_later_rows(con: duckdb.DuckDBPyConnection) -> None:
    """A day's new rows: one value seen before (Reed), new ones (Ahmed, a new UPN)."""
    person(con, "school", "S1", given_name="Kayla", family_name="Reed",
           date_of_birth="2008-03-01", upn="C123456789012")  # fmt: skip
    person(con, "social_care", "C1", given_name="Sami", family_name="Ahmed",
           date_of_birth="2009-01-05", postcode="ZZ9 9ZZ", upn="A123456789012")  # fmt: skip


def _person_records(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * FROM person_records ORDER BY record_id").fetchall()


def _counting_upn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = records.normalise_upn

    def counting(raw: str) -> str | None:
        seen.append(raw)
        return real(raw)

    monkeypatch.setattr(records, "normalise_upn", counting)
    return seen


def test_kept_results_give_the_records_a_full_normalisation_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept, fresh = _store(), _store()
    records.build_person_records(kept)
    _add_later_rows(kept)
    _add_later_rows(fresh)
    upns = _counting_upn(monkeypatch)

    records.build_person_records(kept, keep_normalised=True)
    assert upns == ["C123456789012"]  # the new value only; A… and B… were kept

    upns.clear()
    records.build_person_records(fresh)
    assert sorted(upns) == ["A123456789012", "B123456789012", "C123456789012"]
    assert _person_records(kept) == _person_records(fresh)
    assert len(_person_records(kept)) == 4


def test_a_change_of_code_normalises_every_value_again(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _store()
    records.build_person_records(con)
    con.execute("UPDATE resolve_normalised_code SET fingerprint = 'an older Lantern'")
    # a kept result that the new code would not give: it must not be read
    con.execute("UPDATE resolve_normalised_upn SET norm = 'STALE'")
    upns = _counting_upn(monkeypatch)

    records.build_person_records(con, keep_normalised=True)

    assert sorted(upns) == ["A123456789012", "B123456789012"]
    assert "STALE" not in {row[-1] for row in _person_records(con)}
    stamp = con.execute("SELECT fingerprint FROM resolve_normalised_code").fetchall()
    assert stamp == [(records.CODE_FINGERPRINT,)]


def test_a_full_normalisation_ignores_kept_results() -> None:
    con = _store()
    records.build_person_records(con)
    con.execute("UPDATE resolve_normalised_upn SET norm = 'STALE'")

    records.build_person_records(con)  # a full run

    assert "STALE" not in {row[-1] for row in _person_records(con)}


def test_the_kept_path_reads_kept_results() -> None:
    """The kept results are what an incremental run joins (shown by a planted one)."""
    con = _store()
    records.build_person_records(con)
    con.execute("UPDATE resolve_normalised_upn SET norm = 'KEPT' WHERE raw = 'B123456789012'")

    records.build_person_records(con, keep_normalised=True)

    by_record = {row[0]: row[-1] for row in _person_records(con)}
    assert by_record["health:H1"] == "KEPT"
