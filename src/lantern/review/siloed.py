"""The pipeline re-run with each agency alone and each pair of agencies: which sets, and
what each re-run flagged.

"Raised earlier together" (see `joined_up`) compares when a child would have
been flagged had only agency A's records been joined, only B's, or A's and B's
together. Each re-run is the whole pipeline on a fresh store with only those
agencies' records (`lantern.pipeline.assess_agency_sets`, called by `lantern
review`), so nothing from a third agency — not even a link between two
records — leaks in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from lantern.review.stage import SiloedFlags
from lantern.store.connection import connect

FLAGGED_CHILD_RECORDS = """
    SELECT ? AS agencies, p.record_id, a.first_flagged_at
    FROM assessments a JOIN persons p ON p.person_id = a.person_id
    WHERE a.kind = 'child' AND a.first_flagged_at IS NOT NULL
"""


def agency_sets(agencies: Sequence[str]) -> list[tuple[str, ...]]:
    """Every agency alone, then every pair, each sorted."""
    ordered = sorted(set(agencies))
    return [(a,) for a in ordered] + list(combinations(ordered, 2))


def siloed_flags(runs: Iterable[Mapping[str, Any]]) -> SiloedFlags:
    """The children each agency set's re-run flagged, read from the store it kept: `runs` are the
    run.json records of `lantern.pipeline.assess_agency_sets(..., keep_stores=True)` (each with
    its `agencies` and its `store`)."""
    keys: list[str] = []
    flags: list[tuple[str, str, date]] = []
    for run in runs:
        key = ";".join(run["agencies"])
        con = connect(Path(run["store"]), read_only=True)
        try:
            flags.extend(con.execute(FLAGGED_CHILD_RECORDS, [key]).fetchall())
        finally:
            con.close()
        keys.append(key)
    return SiloedFlags(runs=tuple(keys), flags=tuple(flags))
