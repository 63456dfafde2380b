"""Writing a synthetic county's social care in each format (`lantern synth --format`).

Each writer reads the interchange dataset `lantern synth` wrote, takes one agency's records
and writes what the format can hold; `Held` says, per event, what was left out and why, so
the round trip (format → `lantern adapt` → `lantern assess`) can be checked against exactly
what the format holds (docs/adapters.md, "Round trip").
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

WRITERS: dict[str, str] = {
    "ssda903": "lantern.adapters.writers.ssda903",
    "cin": "lantern.adapters.writers.cin_census",
    "annex-a": "lantern.adapters.writers.annex_a",
    "ssd": "lantern.adapters.writers.ssd",
}


def write_formats(county: Path, formats: Sequence[str], agency: str = "social_care") -> list[str]:
    """Write `county`'s `agency` records in each format under `county/formats/<format>`;
    one line per format saying what was written and what the format could not hold."""
    from lantern.adapters.writers.county import read_records

    lines = []
    for fmt in formats:
        records = read_records(county, agency)
        out = county / "formats" / fmt
        counts = importlib.import_module(WRITERS[fmt]).write(records, out)
        written = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        lines.append(f"{out}: {written}")
        for why, n in Counter(why for _, why in records.dropped).most_common():
            lines.append(f"  {n:,} events not held: {why}")
    return lines
