"""Replays of the pipeline with each agency alone and each pair of agencies.

"Raised earlier together" (see `joined_up`) compares when a child would have
been flagged had only agency A's records been joined, only B's, or A's and B's
together. Each replay runs the whole pipeline on a fresh store with only those
agencies' records (`lantern.pipeline.assess(..., agencies=...)`), so nothing
from a third agency — not even a link between two records — leaks in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import combinations
from pathlib import Path

from lantern.errors import UserError
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


def replay_agency_sets(
    dataset_dir: Path,
    agencies: Sequence[str],
    work_dir: Path,
    *,
    as_of: date | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> SiloedFlags:
    try:
        from lantern.pipeline import assess  # type: ignore[import-not-found]
    except ImportError as error:
        raise UserError(
            "replaying agency pairs needs `lantern.pipeline.assess`, which this build lacks; "
            "run with --no-pairs"
        ) from error
    runs: list[str] = []
    flags: list[tuple[str, str, date]] = []
    for done, agency_set in enumerate(agency_sets(agencies)):
        key = ";".join(agency_set)
        if progress is not None:
            progress(done, " + ".join(agency_set))
        name = "+".join(agency_set)
        store = work_dir / f"{name}.duckdb"
        assess(dataset_dir, work_dir / name, as_of=as_of, agencies=list(agency_set),
               store_path=store)  # fmt: skip
        con = connect(store, read_only=True)
        try:
            flags.extend(con.execute(FLAGGED_CHILD_RECORDS, [key]).fetchall())
        finally:
            con.close()
        runs.append(key)
    return SiloedFlags(runs=tuple(runs), flags=tuple(flags))
