"""The score replay carried forward from the last run (issue 21): only the parts of the county
whose facts changed are replayed, from the last run's day where their earlier facts did not
change, else from their first day.

The replay (`replay.py`) is a pass over time in which persons meet only through their facts: a
link between two records joins them, and a child's qualifying link to an adult or a thing ties
the child to every other child with one to it (a routine contact's facts count for no one, and
the replay scores no one again for them). So the records and targets fall into **parts**
(connected over record links and qualifying link facts) that never read each other's state,
and replaying each part alone gives the same states, band changes and scores as replaying them
all together.

A run stores each part's state on its assessment date (`score_replay_state`: the part's
fingerprint, that date, the state pickled). The next run with `carry` reads them back: a part
whose fingerprint is unchanged — the same records, links, hits and link facts, the same weights
and the same replay code — had no new fact since, so its state on the stored date is the state
a full replay would reach on that date. Only its queued decays (points fading, a hold running
out) happen between then and now, and the replay carries them forward from the queue it kept:
a new day moves an untouched person's points without replaying their records. A part with a
new or changed fact — a new event, a changed record, a merge or split of persons, a new link to
an adult or a thing — resumes from the states the last run stored for its **pieces** (the parts
its inputs dated up to that run's day make) when every piece with a hit or a link fact has one:
only the days since are replayed (`_resume` says why that is exact). Otherwise — an input dated
on or before that day is new or changed: a late or corrected record, a changed hit, a link
resolve now dates differently (an undated link is dated on each run's last day, so a part with
one never resumes) — the part is replayed from its first day. Parts with no hit and no link
fact (a person no sign or link ever reached) are only unions of records, and are rebuilt every
time.

The result equals a full replay (tests/property/test_incremental_equals_full.py compares every
score table; tests/unit/score/test_score_carry.py compares the replays directly).
"""

from __future__ import annotations

import hashlib
import heapq
import io
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from lantern.score.points import Hit
from lantern.score.replay import (
    AdultContact,
    BirthFact,
    LinkFact,
    RecordLink,
    Replay,
    ReplayResult,
)
from lantern.score.weights import Weights
from lantern.store.connection import table_exists

STATE_TABLE = "score_replay_state"
# The code a stored state was made by: a change to the replay or the points invalidates it.
_CODE = ("replay.py", "points.py", "carry.py")
READ_BATCH = 2_000  # stored states read at once (`_stored_states`)


def _code_fingerprint() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1(usedforsecurity=False)
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


# Read once, when this module (and the replay and points it imports) is loaded: the code a
# process runs, not the files on disk when it scores (an upgrade installed while a run is under
# way must not label the old code's states as the new code's).
CODE_FINGERPRINT = _code_fingerprint()


@dataclass(frozen=True)
class PartInputs:
    """One part's inputs, in the order the whole replay reads them (`replay`)."""

    part: str
    records: list[str]
    links: list[RecordLink]
    hits: list[Hit]
    facts: list[LinkFact]
    contacts: list[AdultContact]
    births: list[BirthFact] = field(default_factory=list)


class PartReplayer(Protocol):
    def __call__(
        self, parts: list[PartInputs], weights: Weights, until: date
    ) -> Iterable[dict[str, Any]]:
        """Each part's state on `until` (`replay_part`), in the order of `parts`: replayed
        elsewhere, each part alone (another engine: `lantern.spark.replay`)."""
        ...


@dataclass
class CarrySummary:
    parts: int = 0  # parts with a hit or a link fact
    carried: int = 0  # of which carried forward from the stored state
    replayed: int = 0  # of which replayed from their first day
    resumed: int = 0  # of which resumed from their pieces' states on the last run's day


class _Parts:
    """Union-find over records and link targets: the replay's independent parts."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        parent = self.parent
        if node not in parent:
            parent[node] = node
            return node
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def _node(target: str) -> str:
    """A fact's target as a node: a person record by its record id, a thing by its id."""
    return target[2:] if target.startswith("R:") else "T:" + target


class _StatePickler(pickle.Pickler):
    """Pickles a hit by its fields only: its cached `prep` holds the scoring model."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Hit:
            return Hit, _hit_fields(obj)
        return NotImplemented


def _hit_fields(hit: Hit) -> tuple:
    return (hit.hit_id, hit.record_id, hit.indicator, hit.category, hit.weight, hit.agency,
            hit.event_id, hit.occurred, hit.recorded, hit.evidence, hit.legal_floor,
            hit.read_in_text)  # fmt: skip


def _fact_fields(fact: LinkFact) -> tuple:
    return (fact.recorded, fact.child_record, fact.target, fact.target_kind, fact.event_id,
            fact.agency, fact.occurred, fact.qualifies, fact.suspect_in_abuse_event,
            fact.by_suspect)  # fmt: skip


def _dumps(state: object) -> bytes:
    buffer = io.BytesIO()
    _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
    return buffer.getvalue()


def _stored_fingerprints(con: duckdb.DuckDBPyConnection, until: date) -> dict[str, date]:
    """The fingerprints of the stored states on or before `until` (a state of a later date
    cannot be carried back), with each state's date. Their states are read part by part
    (`_stored_states`)."""
    if not table_exists(con, STATE_TABLE):
        return {}
    rows = con.execute(
        f"SELECT fingerprint, until FROM {STATE_TABLE} WHERE until <= ?",  # noqa: S608
        [until],
    ).fetchall()
    return dict(rows)


def _stored_states(
    con: duckdb.DuckDBPyConnection, fingerprints: list[str]
) -> Iterator[tuple[str, bytes]]:
    """(fingerprint, state) for each of `fingerprints`, in their order, `READ_BATCH` at a time:
    the states of a large county are never all held at once (they are the score stage's
    largest input; holding them all put an incremental run's peak over a full run's)."""
    for first in range(0, len(fingerprints), READ_BATCH):
        batch = fingerprints[first : first + READ_BATCH]
        con.register("score_state_wanted", pa.table({"fingerprint": pa.array(batch, pa.string())}))
        try:
            rows = dict(
                con.execute(
                    f"SELECT fingerprint, state FROM {STATE_TABLE} "  # noqa: S608
                    "WHERE fingerprint IN (SELECT fingerprint FROM score_state_wanted)"
                ).fetchall()
            )
        finally:
            con.unregister("score_state_wanted")
        for fingerprint in batch:
            yield fingerprint, bytes(rows.pop(fingerprint))


@dataclass
class _Partition:
    """Inputs split into the replay's independent parts, each part's in the order the whole
    replay reads them (the order within a day matters)."""

    parts: _Parts
    records: dict[str, list[str]]
    links: dict[str, list[RecordLink]]
    hits: dict[str, list[Hit]]
    facts: dict[str, list[LinkFact]]
    contacts: dict[str, list[AdultContact]]
    births: dict[str, list[BirthFact]]
    fingerprints: dict[str, str]  # of each part with a hit or a link fact: its inputs'
    kept_contacts: list[AdultContact]  # the contacts about records the replay holds, in order


def _partition(
    records: list[str],
    links: list[RecordLink],
    hits: list[Hit],
    facts: list[LinkFact],
    contacts: Iterable[AdultContact],
    births: Iterable[BirthFact],
    common: str,
) -> _Partition:
    parts = _Parts()
    for record in records:
        parts.find(record)
    for link in links:
        parts.union(link.record_l, link.record_r)
    for hit in hits:
        parts.find(hit.record_id)
    for fact in facts:
        if fact.qualifies:
            parts.union(fact.child_record, _node(fact.target))
        else:  # counts for no one (replay.py `_step`): the child's own input, no tie
            parts.find(fact.child_record)
            parts.find(_node(fact.target))
    # An adult's count of children (`Replay.children_recorded_with`) reads the child's person:
    # the two records are in one part. A contact about a record the replay does not hold
    # counts for no one (as in `Replay._step`).
    contacts = [
        c for c in contacts if c.adult_record in parts.parent and c.child_record in parts.parent
    ]
    for contact in contacts:
        parts.union(contact.adult_record, contact.child_record)

    # Its records: the people rows', then those the replay makes for hits and facts about a
    # record with no people row.
    split = _Partition(parts, defaultdict(list), defaultdict(list), defaultdict(list),
                       defaultdict(list), defaultdict(list), defaultdict(list), {},
                       contacts)  # fmt: skip
    listed = set(records)
    for record in [*records, *(n for n in parts.parent if n not in listed and n[:2] != "T:")]:
        split.records[parts.find(record)].append(record)
    for link in links:
        split.links[parts.find(link.record_l)].append(link)
    for hit in hits:
        split.hits[parts.find(hit.record_id)].append(hit)
    for fact in facts:
        split.facts[parts.find(fact.child_record)].append(fact)
    for contact in contacts:
        split.contacts[parts.find(contact.adult_record)].append(contact)
    for birth in births:  # a record's date of birth is its own part's (the hold's)
        if birth.record in parts.parent:
            split.births[parts.find(birth.record)].append(birth)
    split.fingerprints = {
        part: hashlib.sha1(
            repr((common, split.records.get(part, []),
                  [(k.available, k.record_l, k.record_r) for k in split.links.get(part, ())],
                  [_hit_fields(h) for h in split.hits.get(part, ())],
                  [_fact_fields(f) for f in split.facts.get(part, ())],
                  [(c.adult_record, c.child_record, c.available)
                   for c in split.contacts.get(part, ())],
                  [(b.available, b.record, b.dob, b.birth_year, b.decided)
                   for b in split.births.get(part, ())])).encode(),
            usedforsecurity=False,
        ).hexdigest()
        for part in set(split.hits) | set(split.facts)
    }  # fmt: skip
    return split


@dataclass
class _Resumption:
    """A touched part resumed on the last run's day: the stored states of its pieces (the
    parts its facts up to that day made), and what the replay still has to read — the
    records, links and contacts of its pieces with no state (no hit, no link fact: never
    stored, replayed whole), and every input of the part after that day."""

    states: list[str]  # the pieces' fingerprints
    records: list[str]
    links: list[RecordLink]
    hits: list[Hit]
    facts: list[LinkFact]
    contacts: list[AdultContact]
    births: list[BirthFact]


def _resumptions(
    split: _Partition, touched: set[str], stored: dict[str, date], until: date, common: str
) -> dict[str, _Resumption]:
    """The touched parts that can resume from the states the last run stored (`_resume`)."""
    if not touched or not stored:
        return {}
    day = max(stored.values())  # the day the last run scored to
    if day >= until:
        return {}
    known = {fingerprint for fingerprint, on in stored.items() if on == day}
    found = {part: _resume(split, part, day, known, common) for part in sorted(touched)}
    return {part: resumption for part, resumption in found.items() if resumption is not None}


def _resume(
    split: _Partition, part: str, day: date, known: set[str], common: str
) -> _Resumption | None:
    """`part` resumed from the states stored on `day`, or None: it is replayed from its first
    day.

    Why it is exact. The replay's state on `day` is made only by the inputs dated on or
    before `day` (replay.py). Those inputs of this part fall into pieces that tie nothing to
    each other (`_partition` on them alone), so the state of each piece on `day` is the one
    it reaches replayed alone. A piece whose fingerprint — every input, in order, with the
    same weights and code — is one the last run stored on `day` is replayed alone by exactly
    the inputs the last run replayed that stored state with: the stored state *is* its state
    on `day`. So when every piece with a hit or a link fact has one, their states together,
    with the pieces that have none (records and links only) replayed whole, are the part's
    state on `day`; the inputs after `day` then run on from it as they would in a replay from
    the first day. Anything else — a correction or a late record dated on or before `day`, a
    changed record or hit, a merge the links made before `day`, weights or code changed —
    changes a piece's fingerprint, and the part is replayed from its first day."""
    links = split.links.get(part, [])
    hits = split.hits.get(part, [])
    facts = split.facts.get(part, [])
    contacts = split.contacts.get(part, [])
    births = split.births.get(part, [])
    early_contacts = [c for c in contacts if c.available <= day]
    pieces = _partition(
        split.records.get(part, []),
        [link for link in links if link.available <= day],
        [hit for hit in hits if hit.recorded <= day],
        [fact for fact in facts if fact.recorded <= day],
        early_contacts,
        [b for b in births if b.available is None or b.available <= day],
        common,
    )
    if sum(map(len, pieces.contacts.values())) != len(early_contacts):
        return None  # a contact about a record that only later inputs name: not in any piece
    if not pieces.fingerprints or not known.issuperset(pieces.fingerprints.values()):
        return None
    blank = [piece for piece in pieces.records if piece not in pieces.fingerprints]
    return _Resumption(
        sorted(pieces.fingerprints.values()),
        [record for piece in blank for record in pieces.records[piece]],
        [link for piece in blank for link in pieces.links.get(piece, ())]
        + [link for link in links if link.available > day],
        [hit for hit in hits if hit.recorded > day],
        [fact for fact in facts if fact.recorded > day],
        [c for piece in blank for c in pieces.contacts.get(piece, ())]
        + [c for c in contacts if c.available > day],
        [b for piece in blank for b in pieces.births.get(piece, ())]
        + [b for b in births if b.available is not None and b.available > day],
    )


def replay(
    con: duckdb.DuckDBPyConnection,
    records: Iterable[str],
    links: list[RecordLink],
    hits: list[Hit],
    facts: list[LinkFact],
    weights: Weights,
    until: date,
    *,
    carry: bool,
    store: bool = True,
    contacts: list[AdultContact] | None = None,
    parts_replayed_by: PartReplayer | None = None,
    births: list[BirthFact] | None = None,
) -> tuple[Replay, ReplayResult, CarrySummary]:
    """`Replay(records, links, hits, facts, weights).run(until)`, carrying forward the stored
    state of every part whose facts did not change when `carry` (module doc); stores every
    part's state on `until` for the next run either way (unless not `store`).

    `parts_replayed_by` (not with `carry`): every part with a hit or a link fact is replayed
    alone by it (on Spark's executors) and its state on `until` restored here exactly as a
    carried part's stored state is; the rest, unions of records, are replayed here."""
    if parts_replayed_by is not None and carry:
        raise ValueError("parts replayed elsewhere are not carried: one or the other")
    records = list(records)
    common = CODE_FINGERPRINT + weights.model_dump_json()
    split = _partition(records, links, hits, facts, contacts or (), births or (), common)
    parts, fingerprints = split.parts, split.fingerprints
    part_records, part_links, part_hits = split.records, split.links, split.hits
    part_facts, part_contacts, part_births = split.facts, split.contacts, split.births
    scored = set(fingerprints)  # the parts worth storing
    stored = _stored_fingerprints(con, until) if carry else {}
    carried = {part for part, fingerprint in fingerprints.items() if fingerprint in stored}
    if parts_replayed_by is not None:
        carried = set(scored)
    resumed = _resumptions(split, scored - carried, stored, until, common) if carry else {}

    if carried or resumed:
        # The parts replayed from their first day, whole; of each resumed part, what its
        # restored states do not hold (`_Resumption`).
        restored = carried | resumed.keys()

        def whole(inputs: dict[str, list[Any]], field: str) -> list[Any]:
            kept = [x for part, xs in inputs.items() if part not in restored for x in xs]
            return kept + [x for r in resumed.values() for x in getattr(r, field)]

        engine = Replay(
            whole(part_records, "records"),
            whole(part_links, "links"),
            whole(part_hits, "hits"),
            whole(part_facts, "facts"),
            weights,
            whole(part_contacts, "contacts"),
            whole(part_births, "births"),
        )
    else:  # nothing to carry: the one replay of everything, its inputs in their own order
        engine = Replay(records, links, hits, facts, weights, split.kept_contacts, births or ())
    # A carried part with nothing queued by `until` is not touched by the run: its state on
    # `until` is the stored one, whose row is kept as it is (`_store`).
    unchanged: set[str] = set()
    in_order = sorted(carried)
    if parts_replayed_by is None:
        states: Iterable[dict[str, Any]] = (
            pickle.loads(blob)  # noqa: S301 - our own table
            for _, blob in _stored_states(con, [fingerprints[p] for p in in_order])
        )
    else:
        inputs = [
            PartInputs(part, part_records.get(part, []), part_links.get(part, []),
                       part_hits.get(part, []), part_facts.get(part, []),
                       part_contacts.get(part, []), part_births.get(part, []))
            for part in in_order
        ]  # fmt: skip
        states = parts_replayed_by(inputs, weights, until)
    for part, state in zip(in_order, states, strict=True):
        _restore(engine, state)
        # a part replayed elsewhere has no stored row to keep: its state is stored anew
        if parts_replayed_by is None and all(entry[0] > until for entry in state["queue"]):
            unchanged.add(part)
    # The resumed parts' earlier pieces, each as it stood on the day the last run scored to.
    pieces = [fingerprint for r in resumed.values() for fingerprint in r.states]
    for _, blob in _stored_states(con, pieces):
        _restore(engine, pickle.loads(blob))  # noqa: S301 - our own table
    if carried or resumed:
        # A replayed part's routine fact to a carried part's record made that record a
        # cluster of its own in the new replay; the carried state has it where it is.
        for root in [r for r in engine.clusters if engine.parent[r] != r]:
            del engine.clusters[root]
    heapq.heapify(engine.queue)
    result = engine.run(until)
    if store:
        _store(con, engine, parts, fingerprints, unchanged, until)
    return (
        engine,
        result,
        CarrySummary(
            len(scored), len(carried), len(scored) - len(carried) - len(resumed), len(resumed)
        ),
    )


def _restore(engine: Replay, state: dict[str, Any]) -> None:
    """Put one part's stored state into a replay that holds none of its records."""
    engine.parent.update(state["parent"])
    engine.clusters.update(state["clusters"])
    engine.facts_of_child.update(state["facts_of_child"])
    # A target's facts can come from several parts (routine facts tie no one: `replay`).
    for target, facts in state["facts_to_target"].items():
        engine.facts_to_target[target].extend(facts)
    for target, children in state["children_of_target"].items():
        engine.children_of_target[target].update(children)
    for adult, near in state.get("children_near", {}).items():
        engine.children_near[adult].update(near)
    for record, births in state.get("births_of", {}).items():
        engine.births_of[record].extend(births)
    engine.history.extend(state["history"])
    engine.queue.extend(state["queue"])  # heapified once every part is in
    # Later entries of this part must sort after its stored ones on the same day, as they
    # would in one replay: the counter only has to be past every stored sequence number.
    engine.queued = max(engine.queued, state["queued"])


def _store(
    con: duckdb.DuckDBPyConnection,
    engine: Replay,
    parts: _Parts,
    fingerprints: dict[str, str],
    unchanged: set[str],
    until: date,
) -> None:
    """Every scored part's state on `until`, by fingerprint (`score_replay_state`); the rows of
    those in `unchanged` copied in the store as they were (their bytes never read into this
    process again), dated `until`."""
    states = _part_states(
        engine, [part for part in fingerprints if part not in unchanged], parts.find
    )
    new = pa.table(
        {
            "fingerprint": pa.array([fingerprints[part] for part in states], pa.string()),
            "until": pa.array([until] * len(states), pa.date32()),
            "state": pa.array([_dumps(state) for state in states.values()], pa.binary()),
        }
    )
    _write_states(con, new, fingerprints, unchanged, until)


def replay_part(inputs: PartInputs, weights: Weights, until: date) -> dict[str, Any]:
    """One part replayed alone to `until`, and its state as `_store` keeps it (what
    `_restore` puts into a replay). Its records are the part's: a record of another part a
    routine fact names is made a cluster by the replay here, and is not in the state."""
    engine = Replay(
        inputs.records, inputs.links, inputs.hits, inputs.facts, weights, inputs.contacts,
        inputs.births,
    )  # fmt: skip
    engine.run(until)
    members = set(inputs.records)
    return _part_states(
        engine, [inputs.part], lambda node: inputs.part if node in members else node
    )[inputs.part]


def _part_states(
    engine: Replay, wanted: Iterable[str], part_of: Callable[[str], str]
) -> dict[str, dict[str, Any]]:
    """The state of each part in `wanted` held by `engine` (`part_of`: a record's part)."""
    states: dict[str, dict[str, Any]] = {
        part: {"parent": {}, "clusters": {}, "facts_of_child": {}, "facts_to_target": {},
               "children_of_target": {}, "children_near": {}, "births_of": {}, "history": [],
               "queue": [], "queued": 0}
        for part in wanted
    }  # fmt: skip

    def state_of(node: str) -> dict[str, Any] | None:
        return states.get(part_of(node))

    for record, parent in engine.parent.items():
        if (state := state_of(record)) is not None:
            state["parent"][record] = parent
    for root, cluster in engine.clusters.items():
        if (state := state_of(root)) is not None:
            state["clusters"][root] = cluster
    for record, facts in engine.facts_of_child.items():
        if facts and (state := state_of(record)) is not None:
            state["facts_of_child"][record] = facts
    for target, facts in engine.facts_to_target.items():
        for fact in facts:  # each with its child's part (a routine fact ties no one)
            if (state := state_of(fact.child_record)) is not None:
                state["facts_to_target"].setdefault(target, []).append(fact)
    for target, children in engine.children_of_target.items():
        for child in children:
            if (state := state_of(child)) is not None:
                state["children_of_target"].setdefault(target, {})[child] = None
    for adult, near in engine.children_near.items():
        if near and (state := state_of(adult)) is not None:
            state["children_near"][adult] = near
    for record, births in engine.births_of.items():
        if births and (state := state_of(record)) is not None:
            state["births_of"][record] = births
    for change in engine.history:
        if (state := state_of(change.cluster)) is not None:
            state["history"].append(change)
    for entry in engine.queue:
        if (state := state_of(entry[2])) is not None:
            state["queue"].append(entry)
            state["queued"] = max(state["queued"], entry[1])
    return states


def _write_states(
    con: duckdb.DuckDBPyConnection,
    new: pa.Table,
    fingerprints: dict[str, str],
    unchanged: set[str],
    until: date,
) -> None:
    kept = pa.table(
        {"fingerprint": pa.array(sorted(fingerprints[part] for part in unchanged), pa.string())}
    )
    con.register("score_state_rows", new)
    con.register("score_state_kept", kept)
    try:
        old = (
            f"""UNION ALL
            SELECT fingerprint, ?::DATE AS until, state FROM {STATE_TABLE}
            WHERE fingerprint IN (SELECT fingerprint FROM score_state_kept)"""  # noqa: S608
            if unchanged
            else ""
        )
        con.execute(
            f"CREATE OR REPLACE TABLE {STATE_TABLE}_next AS "  # noqa: S608
            f"SELECT * FROM score_state_rows {old}",
            [until] if unchanged else None,
        )
        con.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
        con.execute(f"ALTER TABLE {STATE_TABLE}_next RENAME TO {STATE_TABLE}")
    finally:
        con.unregister("score_state_rows")
        con.unregister("score_state_kept")
