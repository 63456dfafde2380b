"""Narratives read in worker processes give the findings read in this one, in order."""

from __future__ import annotations

from lantern.indicators.text.analyse import analyse_many


def test_two_workers_find_what_one_process_finds():
    texts = [
        f"Found {n} in a car with an older male; she had been drinking."
        if n % 2
        else "No concerns."
        for n in range(24)
    ]
    one = [a.hits for a in analyse_many(texts, n_process=1)]
    two = [a.hits for a in analyse_many(texts, n_process=2, chunk_size=5)]
    assert two == one
    assert any(one)


def test_both_start_methods_find_what_one_process_finds(monkeypatch):
    """Workers forked from this process (no other thread, no DuckDB) and workers from the
    forkserver (which builds the analyser once, `warm`) read the same."""
    from lantern.indicators.text import analyse

    texts = [
        f"Seen getting into a car with an older male ({20 + n}) after school." for n in range(12)
    ]
    one = [a.hits for a in analyse_many(texts, n_process=1)]
    for safe in (True, False):
        monkeypatch.setattr(analyse, "_safe_to_fork", lambda safe=safe: safe)
        assert [a.hits for a in analyse_many(texts, n_process=2, chunk_size=3)] == one
