"""Writing a synthetic county's social care in each format (`lantern synth --format`).

Each writer reads the interchange dataset `lantern synth` wrote, takes one agency's records
and writes what the format can hold; `Held` says, per event, what was left out and why, so
the round trip (format → `lantern adapt` → `lantern assess`) can be checked against exactly
what the format holds (docs/adapters.md, "Round trip").
"""

from __future__ import annotations

WRITERS: dict[str, str] = {
    "ssda903": "lantern.adapters.writers.ssda903",
    "cin": "lantern.adapters.writers.cin_census",
    "annex-a": "lantern.adapters.writers.annex_a",
    "ssd": "lantern.adapters.writers.ssd",
}
