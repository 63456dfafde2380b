"""Split an interchange dataset into a base extract and daily deltas, and write their union.

For testing and measuring incremental runs (`lantern.incremental`, bench/incremental.py,
tests/property/test_incremental_equals_full.py): each event goes to the base or to one delta at
random (or, with `latest`, each delta takes the latest recorded events: a day's new records);
an event's people and things links go with it, and each person row goes with the first
part whose events name it (rows named by no event go to the base). A delta also brings changed
versions of rows an earlier part brought, as a new extract of a live system would:

- `changed_people`: a person row with a corrected postcode (another row's), so the record's
  linking fields change;
- `changed_events`: an event row whose narrative gained a sentence (read again for indicators);
- `merges`: a person row corrected to carry another person's name, date of birth and NHS
  number — a record that makes two people Lantern had apart one (when the other's NHS number
  is valid; otherwise name and date of birth still link them).

`union` writes the one extract a full run would load instead: every part's rows, a later
version of a row replacing the earlier one (as ingest supersedes a changed row).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

FILES = ("people.csv", "events.csv", "event_people.csv", "event_things.csv")
ADDED_SENTENCE = " Follow-up note added the next day: seen again by staff."


@dataclass
class Part:
    """One extract's rows, by file name: each a list of dicts in the file's columns."""

    rows: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {f: [] for f in FILES})


@dataclass(frozen=True)
class DeltaPlan:
    """How many deltas, what share of events each brings, and its changed rows."""

    deltas: int = 1
    share: float = 0.003  # of the dataset's events, per delta
    changed_people: int = 2
    changed_events: int = 2
    merges: int = 1
    # True: each delta's new events are the latest recorded (the base is the county up to a
    # day, each delta the next records, as a live system's daily extract brings them); False:
    # events drawn at random from the county's whole history (records entered late).
    latest: bool = False


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        return [], []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _manifest(source: Path, target: Path, name: str, extracted_at: str | None) -> None:
    lines = []
    for line in (source / "manifest.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("name:"):
            line = f"name: {name}"
        elif line.startswith("extracted_at:") and extracted_at:
            line = f"extracted_at: '{extracted_at}'"
        lines.append(line)
    (target / "manifest.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def split(source: Path, out: Path, plan: DeltaPlan, seed: int) -> list[Path]:
    """Write OUT/base and OUT/delta-1 … OUT/delta-N from the dataset at `source`; returns the
    extracts' directories in load order."""
    rng = random.Random(seed)
    headers, data = {}, {}
    for name in FILES:
        headers[name], data[name] = _read(source / name)
    parts = [Part() for _ in range(plan.deltas + 1)]
    part_of: dict[tuple[str, str], int] = {}
    latest: dict[int, int] = {}  # event index -> delta, for `plan.latest`
    if plan.latest:
        order = sorted(
            range(len(data["events.csv"])),
            key=lambda i: (data["events.csv"][i].get("recorded_at", ""), i),
        )
        size = round(len(order) * plan.share)
        for d in range(plan.deltas, 0, -1):  # the last `size` to the last delta, and so on
            for i in order[len(order) - size * (plan.deltas - d + 1) :][:size]:
                latest[i] = d
    for i, event in enumerate(data["events.csv"]):
        k = latest.get(i, 0)
        if not plan.latest:
            for d in range(1, plan.deltas + 1):
                if rng.random() < plan.share:
                    k = d
                    break
        part_of[(event["agency"], event["event_ref"])] = k
        parts[k].rows["events.csv"].append(event)
    first_named: dict[tuple[str, str], int] = {}
    for name in ("event_people.csv", "event_things.csv"):
        for row in data[name]:
            k = part_of.get((row["agency"], row["event_ref"]), 0)
            parts[k].rows[name].append(row)
            if name == "event_people.csv":
                key = (row["agency"], row["person_ref"])
                first_named[key] = min(k, first_named.get(key, k))
    for person in data["people.csv"]:
        parts[first_named.get((person["agency"], person["person_ref"]), 0)].rows[
            "people.csv"
        ].append(person)
    for d in range(1, plan.deltas + 1):
        _change(parts, d, plan, rng)
    dirs = []
    for k, part in enumerate(parts):
        target = out / ("base" if k == 0 else f"delta-{k}")
        target.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            if headers[name]:
                _write(target / name, headers[name], part.rows[name])
        _manifest(source, target, f"{source.name}-{target.name}", _extracted(source, k))
        dirs.append(target)
    return dirs


def _extracted(source: Path, k: int) -> str | None:
    """The base keeps the dataset's extraction time; delta k is taken k days later."""
    import datetime as dt

    from lantern.interchange.dataset import read_manifest

    at = read_manifest(source).extracted_at
    if at is None:
        return None
    return (at + dt.timedelta(days=k)).isoformat()


def _change(parts: list[Part], d: int, plan: DeltaPlan, rng: random.Random) -> None:
    """Add to delta `d` changed versions of rows the parts before it brought."""
    earlier_people = [p for part in parts[:d] for p in part.rows["people.csv"]]
    earlier_events = [e for part in parts[:d] for e in part.rows["events.csv"]]
    delta = parts[d].rows
    if len(earlier_people) >= 2:
        for person in rng.sample(earlier_people, min(plan.changed_people, len(earlier_people))):
            other = rng.choice(earlier_people)
            delta["people.csv"].append({**person, "postcode": other.get("postcode", "")})
        for _ in range(plan.merges):
            a, b = rng.sample(earlier_people, 2)
            corrected = {
                **b,
                **{k: a.get(k, "") for k in ("given_name", "family_name", "date_of_birth",
                                              "birth_year", "sex", "nhs_number")},
            }  # fmt: skip
            delta["people.csv"].append(corrected)
    with_text = [e for e in earlier_events if e.get("narrative")]
    for event in rng.sample(with_text, min(plan.changed_events, len(with_text))):
        delta["events.csv"].append({**event, "narrative": event["narrative"] + ADDED_SENTENCE})


def union(extracts: list[Path], target: Path) -> Path:
    """One extract holding what loading `extracts` in order leaves current: a later version of a
    person or event row replaces the earlier one; an event's links are those of the last extract
    that brings any (ingest's rule, docs/ingest.md)."""
    target.mkdir(parents=True, exist_ok=True)
    people: dict[tuple[str, str], dict[str, str]] = {}
    events: dict[tuple[str, str], dict[str, str]] = {}
    links: dict[str, dict[tuple[str, str], list[dict[str, str]]]] = {
        "event_people.csv": {},
        "event_things.csv": {},
    }
    headers: dict[str, list[str]] = {}
    for extract in extracts:
        for name in FILES:
            header, rows = _read(extract / name)
            if header:
                headers[name] = header
            if name == "people.csv":
                people.update({(r["agency"], r["person_ref"]): r for r in rows})
            elif name == "events.csv":
                events.update({(r["agency"], r["event_ref"]): r for r in rows})
            else:
                brought: dict[tuple[str, str], list[dict[str, str]]] = {}
                for r in rows:
                    brought.setdefault((r["agency"], r["event_ref"]), []).append(r)
                links[name].update(brought)
    _write(target / "people.csv", headers["people.csv"], list(people.values()))
    _write(target / "events.csv", headers["events.csv"], list(events.values()))
    for name, by_event in links.items():
        if name in headers:
            _write(target / name, headers[name], [r for rows in by_event.values() for r in rows])
    _manifest(extracts[-1], target, f"{extracts[0].parent.name}-union", None)
    return target
