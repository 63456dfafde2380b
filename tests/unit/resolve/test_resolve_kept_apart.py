"""`kept_apart_through`: what keeps two persons apart as wholes."""

from __future__ import annotations

import duckdb

from lantern.resolve.replay import kept_apart_through


def test_names_cannot_link_pairs_between_the_persons_and_differing_nhs_numbers():
    con = duckdb.connect()
    con.execute(
        """
        CREATE TABLE persons AS SELECT * FROM (VALUES
            ('a:1', 'P1'), ('a:2', 'P1'), ('b:1', 'P2'), ('b:2', 'P2'), ('c:1', 'P3')
        ) t(record_id, person_id)
        """
    )
    con.execute(
        """
        CREATE TABLE person_records AS SELECT * FROM (VALUES
            ('a:1', '9434765919', NULL), ('a:2', NULL, NULL), ('b:1', '9434765870', NULL),
            ('b:2', NULL, NULL), ('c:1', NULL, NULL)
        ) t(record_id, nhs_number_norm, upn_norm)
        """
    )
    con.execute(
        """
        CREATE TABLE resolve_cannot_link AS SELECT * FROM (VALUES
            ('a:2', 'b:2', 'twins: same date of birth, different given names'),
            ('a:1', 'c:1', 'reviewer')
        ) t(record_id_l, record_id_r, reason)
        """
    )
    assert kept_apart_through(con, "P2", "P1") == [
        {
            "record_id_l": "a:2",
            "record_id_r": "b:2",
            "reason": "twins: same date of birth, different given names",
        },
        {"record_id_l": None, "record_id_r": None, "reason": "different NHS numbers"},
    ]
    assert kept_apart_through(con, "P2", "P3") == []
