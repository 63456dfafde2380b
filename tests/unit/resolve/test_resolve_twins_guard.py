"""The twins guard tells two spellings of one given name from twins' two names."""

from __future__ import annotations

import duckdb
import pytest

from lantern.resolve.decisions import ensure_decisions_table
from lantern.resolve.link_persons import build_cannot_link, spelling_variants


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kaleigh", "Kayley"),  # riverside: health and social care spell Kayleigh Marsh
        ("Kayleigh", "Caley"),
        ("Catherine", "Kathryn"),
        ("Aiden", "Aydan"),
        ("Sophie", "Sofia"),
    ],
)
def test_two_spellings_of_one_name_are_variants(a, b):
    assert spelling_variants(a, b)
    assert spelling_variants(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lily", "Lola"),  # same consonants (LL), another name: the first vowel differs
        ("Millie", "Molly"),
        ("Harry", "Harvey"),  # consonants differ
        ("Jack", "James"),
        ("Aiden", "Ethan"),
        ("Mason", "Jason"),
        ("Ava", "Eva"),
        ("Amelia", "Emilia"),
        ("Ruby", "Rory"),
        ("Kayleigh", "Kayleigh"),  # the same spelling is not a variant (the model scores it)
    ],
)
def test_twins_names_that_sound_alike_are_not_variants(a, b):
    assert not spelling_variants(a, b)


def _pairs(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str, str]]) -> None:
    con.execute(
        """
        CREATE TABLE resolve_pairs (
            record_id_l VARCHAR, record_id_r VARCHAR, given_name_norm_l VARCHAR,
            given_name_norm_r VARCHAR, gamma_given_name INTEGER, dob_l DATE, dob_r DATE,
            nhs_number_norm_l VARCHAR, nhs_number_norm_r VARCHAR, upn_norm_l VARCHAR,
            upn_norm_r VARCHAR, birth_year_l INTEGER, birth_year_r INTEGER,
            dob_text_l VARCHAR, dob_text_r VARCHAR)
        """
    )
    ensure_decisions_table(con)
    for left, right, name_l, name_r in rows:
        con.execute(
            """
            INSERT INTO resolve_pairs VALUES (?, ?, ?, ?, 0, DATE '2000-05-14', DATE '2000-05-14',
                NULL, NULL, NULL, NULL, 2000, 2000, '2000-05-14', '2000-05-14')
            """,
            [left, right, name_l, name_r],
        )


def test_guard_keeps_twins_apart_but_not_spellings_of_one_name():
    con = duckdb.connect()
    _pairs(
        con,
        [
            ("health:H1", "social_care:S1", "kaleigh", "kayley"),
            ("health:H2", "social_care:S2", "lily", "lola"),
            ("health:H3", "social_care:S3", "jack", "james"),
        ],
    )
    build_cannot_link(con, ("twins",))
    apart = {
        row[0] for row in con.execute("SELECT record_id_l FROM resolve_cannot_link").fetchall()
    }
    assert apart == {"health:H2", "health:H3"}
