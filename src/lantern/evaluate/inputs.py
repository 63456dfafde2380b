"""Reading what evaluation compares: a synthetic county's `truth/` and a `lantern assess` output.

Both are plain CSV directories (formats in docs/synthetic-county.md and the interchange spec's
"Assessment output"); nothing here needs a store.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lantern.errors import DatasetError


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{path}: missing column(s) {', '.join(missing)}")
        return list(reader)


def _optional_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    return _rows(path, required) if path.is_file() else []


def parse_date(text: str) -> dt.date | None:
    """A `YYYY-MM-DD` date (a timestamp's date part is accepted); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    return dt.date.fromisoformat(text[:10])


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


@dataclass(frozen=True)
class Victim:
    person_id: str
    network_id: str
    sex: str
    first_signal: dt.date
    recognised: dt.date


@dataclass
class Truth:
    """Ground truth of a synthetic county (or any county with the same `truth/` files)."""

    person_of_record: dict[str, str]  # "agency:person_ref" -> true person_id
    kind: dict[str, str]  # person_id -> child, parent, professional, ...
    sex: dict[str, str]
    victims: dict[str, Victim]
    network_adults: dict[str, set[str]] = field(default_factory=dict)
    network_children: dict[str, set[str]] = field(default_factory=dict)
    other_group_members: set[str] = field(default_factory=set)  # e.g. county-lines groups
    # A planted network's car, phone or handle -> the adult the truth says used it
    # (`network_things.csv`), by Lantern's thing id (`vehicle:AB12CDE`, `phone:+447...`), and
    # a planted adult's nickname (`network_members.csv` `nicknames`) as `street_name:<lower
    # case>`: how an `adults.csv` row for a man known only by it (`known_by`) is credited.
    thing_owner: dict[str, str] = field(default_factory=dict)
    period_end: dt.date | None = None  # last day of the records (manifest.yaml `window`), if known

    @property
    def n_children(self) -> int:
        return sum(1 for k in self.kind.values() if k == "child")

    @property
    def planted_members(self) -> set[str]:
        members: set[str] = set()
        for group in (*self.network_adults.values(), *self.network_children.values()):
            members |= group
        return members

    @property
    def agencies(self) -> list[str]:
        return sorted({record.split(":", 1)[0] for record in self.person_of_record})


def load_truth(directory: Path) -> Truth:
    records = _rows(directory / "records.csv", ("agency", "person_ref", "person_id"))
    persons = _rows(directory / "persons.csv", ("person_id", "kind", "sex"))
    victims = _rows(
        directory / "victims.csv",
        ("person_id", "network_id", "first_signal_date", "recognition_date"),
    )
    members = _optional_rows(directory / "network_members.csv", ("network_id", "person_id", "role"))
    truth = Truth(
        person_of_record={f"{r['agency']}:{r['person_ref']}": r["person_id"] for r in records},
        kind={p["person_id"]: p["kind"] for p in persons},
        sex={p["person_id"]: p["sex"] for p in persons},
        victims={},
    )
    for v in victims:
        first, recognised = parse_date(v["first_signal_date"]), parse_date(v["recognition_date"])
        if first is None or recognised is None:
            raise DatasetError(f"{directory / 'victims.csv'}: victim {v['person_id']} lacks dates")
        truth.victims[v["person_id"]] = Victim(
            v["person_id"],
            v["network_id"],
            v.get("sex") or truth.sex.get(v["person_id"], ""),
            first,
            recognised,
        )
    truth.period_end = _period_end(directory / "manifest.yaml")
    for g in _optional_rows(directory / "other_groups.csv", ("group_id", "person_id")):
        truth.other_group_members.add(g["person_id"])
    for m in sorted(members, key=lambda m: m["person_id"]):
        group = truth.network_adults if m["role"] == "adult" else truth.network_children
        group.setdefault(m["network_id"], set()).add(m["person_id"])
        if m["role"] == "adult":  # his street names (a name two men share: the first by id)
            for nickname in split_list(m.get("nicknames", "")):
                truth.thing_owner.setdefault(f"street_name:{nickname.lower()}", m["person_id"])
    things = _optional_rows(
        directory / "network_things.csv", ("network_id", "kind", "value", "owner_person_id")
    )
    for t in sorted(things, key=lambda t: t["owner_person_id"]):
        key = thing_key(t["kind"], t["value"])
        if key and t["owner_person_id"]:
            truth.thing_owner.setdefault(key, t["owner_person_id"])  # shared: the first owner
    return truth


def thing_key(kind: str, value: str) -> str | None:
    """A truth file's canonical value as Lantern's thing id: a VRM without spaces in capitals
    (`vehicle:AB12CDE`), a phone in E.164 (`phone:+447700900123`), a handle without its `@`
    and an e-mail address in lower case. None for a kind Lantern has no thing of."""
    value = (value or "").strip()
    if not value:
        return None
    if kind == "vehicle":
        return "vehicle:" + "".join(value.split()).upper()
    if kind == "phone":
        return "phone:" + "".join(value.split())
    if kind == "social_handle":  # Lantern's handle ids carry no '@' (`@ripz_75` -> `ripz_75`)
        return f"{kind}:{value.lstrip('@').lower()}"
    if kind == "email":
        return f"{kind}:{value.lower()}"
    return None


def _period_end(manifest: Path) -> dt.date | None:
    """The last day of the county's records: the end of the manifest's `window`, if any."""
    if not manifest.exists():
        return None
    import yaml

    window = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("window") or []
    return parse_date(str(window[-1])) if window else None


@dataclass(frozen=True)
class Signal:
    """One record of a victim's planted story (`truth/signal_events.csv`), dated by when it
    was recorded (the dataset's `events.csv`: `recorded_at`, else `occurred_at`)."""

    agency: str
    event_ref: str
    recorded: dt.date
    scenario: str


# The planted story's records that are not signs seen before recognition: the recognition
# itself, a disclosure recorded long after it, and the adults' own records (no child named).
NOT_EARLY_SIGNS = frozenset({"network_recognition", "network_historic_disclosure", "network_adult"})


def load_signals(truth_dir: Path, dataset_dir: Path | None) -> dict[str, list[Signal]] | None:
    """Per victim, the records of their planted story that were signs, in recorded order.

    None when the truth has no `signal_events.csv` or the dataset's `events.csv` is not
    found (the per-victim lead table then has no signal columns filled).
    """
    labels = truth_dir / "signal_events.csv"
    events = (dataset_dir or truth_dir.parent) / "events.csv"
    if not labels.is_file() or not events.is_file():
        return None
    victims = {
        v["person_id"]: v["network_id"]
        for v in _rows(truth_dir / "victims.csv", ("person_id", "network_id"))
    }
    wanted: dict[tuple[str, str], tuple[str, str]] = {}
    for row in _rows(labels, ("agency", "event_ref", "person_id", "scenario", "network_id")):
        child = row["person_id"]
        if (
            child in victims
            and row["network_id"] == victims[child]
            and row["scenario"] not in NOT_EARLY_SIGNS
        ):
            wanted[(row["agency"], row["event_ref"])] = (child, row["scenario"])
    signals: dict[str, list[Signal]] = {v: [] for v in victims}
    with open(events, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["agency"], row["event_ref"])
            if key not in wanted:
                continue
            child, scenario = wanted[key]
            recorded = parse_date(row.get("recorded_at", "")) or parse_date(row["occurred_at"])
            if recorded is not None:
                signals[child].append(Signal(key[0], key[1], recorded, scenario))
    for records in signals.values():
        records.sort(key=lambda s: (s.recorded, s.agency, s.event_ref))
    return signals


@dataclass
class Assessed:
    """One `lantern assess` output directory, with every resolved person mapped to a true one."""

    clusters: dict[str, list[str]]  # person_id -> records
    children: list[dict[str, str]]
    adults: list[dict[str, str]]
    networks: list[dict[str, str]]
    stages: list[dict[str, str]]

    def majority_person(self, truth: Truth) -> dict[str, str]:
        """Resolved person_id -> the true person most of its records belong to ('' if none)."""
        mapping: dict[str, str] = {}
        for person, records in self.clusters.items():
            votes = Counter(
                truth.person_of_record[r] for r in records if r in truth.person_of_record
            )
            if not votes:
                mapping[person] = ""
                continue
            top = max(votes.values())
            mapping[person] = min(t for t, n in votes.items() if n == top)
        return mapping


def load_assessed(directory: Path) -> Assessed:
    persons = _rows(directory / "persons.csv", ("person_id", "records"))
    children = _rows(directory / "children.csv", ("person_id", "band", "first_flagged_at"))
    adults = _optional_rows(directory / "adults.csv", ("person_id",))
    networks = _optional_rows(directory / "networks.csv", ("network_id", "members"))
    stages = _optional_rows(directory / "stages.csv", ("stage",))
    clusters = {p["person_id"]: split_list(p["records"]) for p in persons}
    # a child row may carry its own records list; use it if the person is missing from persons.csv
    for row in children:
        if row["person_id"] not in clusters and row.get("records"):
            clusters[row["person_id"]] = split_list(row["records"])
    return Assessed(clusters, children, adults, networks, stages)
