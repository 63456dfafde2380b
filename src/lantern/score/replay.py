"""Replay by `recorded_at`: every person's band on every date, in one pass over time.

Facts arrive in the order they were recorded: links between records (which
join records into persons as of that date, by union-find), indicator hits,
and links from children to adults and things. On each date only the persons
a fact touched are scored again, with their neighbours when a change in one
child's flag changes what a shared adult or thing is worth to the others.
A score can also fall with no new fact, as signals age: after each scoring
the next date on which the band would fall is found from the person's own
facts and queued, so decay is evaluated only at band boundaries.

A person whose points cannot reach `low` on any day (an upper bound kept as
their hits arrive) and who is shown as `none` is not scored again until a
hit lifts the bound: nothing about them can change (`_score_child`).

Nothing recorded after a date can influence that date: the state on D is
built only from facts whose `recorded_at` falls on or before D. This is the
loop the design asks for (replay.md); it runs once per fact, not once per day
per person, and the set-based preparation of its inputs is in `facts.py`.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from lantern.score.points import (
    ChildLink,
    ChildModel,
    Hit,
    LinkFinding,
    Reason,
    Score,
    adult_score,
    link_score,
)
from lantern.score.weights import BAND_RANK, ChildWeights, Weights

FLAG_RANK = BAND_RANK["medium"]
LOW_RANK = BAND_RANK["low"]
DECAY_LOOKAHEAD = 4  # decay dates searched at once (`_find_fall`)


def _occ(hit: Hit) -> int:
    return hit.occ


def _higher(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if BAND_RANK[a] >= BAND_RANK[b] else b


@dataclass(frozen=True, slots=True)
class RecordLink:
    available: date
    record_l: str
    record_r: str


@dataclass(frozen=True, slots=True)
class LinkFact:
    """A child record seen with an adult record or a thing in one event."""

    recorded: date
    child_record: str
    target: str  # "R:<record_id>" for a person record, else a thing_id
    target_kind: str  # "person", "vehicle", "phone", ...
    event_id: str
    agency: str
    occurred: date
    qualifies: bool  # concerning for the child, or the other is a suspect
    suspect_in_abuse_event: bool
    by_suspect: bool = False  # the other is named as suspect or offender in this record


@dataclass(frozen=True, slots=True)
class BandChange:
    cluster: str  # smallest record_id of the person as of that date
    track: str  # "child" or "adult"
    at: date
    score: float
    band: str


@dataclass(frozen=True, slots=True)
class AdultContact:
    """The graph's evidence of an adult record with a child record (outside a protective
    role), from the day it was available: `Replay.children_recorded_with`."""

    adult_record: str
    child_record: str
    available: date


@dataclass(frozen=True, slots=True)
class BirthFact:
    """A record's date of birth (or birth year only), known from `available` on: the day the
    record first appeared, or a supervisor's decision's own date (`decided`), which stands
    over what the records give. `available` None: known from the start (a store built by
    hand, whose records carry no dates). The hold reads it (`Replay.minor_until`)."""

    available: date | None
    record: str
    dob: date | None
    birth_year: int | None
    decided: bool = False


@dataclass(slots=True)
class Cluster:
    label: str
    records: list[str]
    hits: list[Hit] = field(default_factory=list)
    decays: list[date] = field(default_factory=list)
    floor: str | None = None  # the floors that do not fade (`ChildModel.floor`)
    # Legal hits read in a note's words: their floor holds while the reading is current.
    read_floors: list[Hit] = field(default_factory=list)
    # Whether the points alone (no floor) ever put the child at medium: only such a flag is
    # held (`_hold`). A floor that rested on one reading of the words and has faded is not
    # a pattern of concern gone quiet; nothing else ever said the child was at risk.
    points_flagged: bool = False
    base_flagged: bool = False
    # The first day the child was flagged on their own signs. An adult's link to the child
    # counts as a link to a flagged child from then on (`adult_links`), not only while the
    # child's signs are fresh: a man named in a child's exploitation is not less of a
    # concern because her records have since gone quiet (on the hard tuning county the
    # planted men fell to `low` as their victims' points decayed).
    flagged_on: date | None = None
    child_band: str = "none"  # the band shown: points, floor, and the hold
    points_band: str = "none"  # the band from points and the legal floor alone
    held_until: date | None = None  # once flagged, medium at least until this date
    adult_band: str = "none"
    version: int = 0
    # An upper bound on the base points on any day (ChildModel.bound), kept as hits arrive:
    # a person whose bound (with links) stays under `low` cannot change band, so is not
    # scored again (the fast path in `_score_child`).
    bound: float = 0.0
    bound_parts: tuple[dict[str, float], set[str], set[str]] | None = None


@dataclass(slots=True)
class ReplayResult:
    history: list[BandChange]
    clusters: dict[str, Cluster]  # root record -> cluster, as of the end date
    root_of: dict[str, str]  # record -> root record, as of the end date
    child_scores: dict[str, Score]  # root -> child score on the end date
    adult_scores: dict[str, Score]  # root -> adult score on the end date
    # thing_id -> the score of the man known only by that car, phone or handle on the end
    # date (`Replay.thing_links`); only things with a qualifying link
    thing_scores: dict[str, Score] = field(default_factory=dict)


# The track of a thing's band changes in `history`: the man known only by a car, a phone or a
# handle (an unidentified person of interest). Its `cluster` is `THING_PREFIX + thing_id`, the
# thing's node in carry.py's parts, so a carried part keeps its things' band changes.
THING_TRACK = "unidentified"
THING_PREFIX = "T:"
# Targets that stand for an unidentified man but give a child no link points: a street name
# read in the notes (lantern.score.unidentified). The children's scoring is not changed by them.
ADULT_ONLY_KINDS = frozenset({"street_name"})


class Replay:
    """One pass over time; `run(until)` returns the state on `until` and every band change."""

    def __init__(
        self,
        records: Iterable[str],
        links: list[RecordLink],
        hits: list[Hit],
        facts: list[LinkFact],
        weights: Weights,
        contacts: Iterable[AdultContact] = (),
        births: Iterable[BirthFact] = (),
    ) -> None:
        self.weights = weights
        # Each record's dates of birth as they became known (`BirthFact`), for the hold.
        self.births_by_day: dict[date, list[BirthFact]] = defaultdict(list)
        self.births_of: dict[str, list[BirthFact]] = defaultdict(list)
        for birth in births:
            if birth.available is None:
                self.births_of[birth.record].append(birth)
            else:
                self.births_by_day[birth.available].append(birth)
        # The graph's evidence of an adult with a child, by the day it became available
        # (`AdultContact`); per adult record, the child records it ties him to so far.
        self.contacts_by_day: dict[date, list[AdultContact]] = defaultdict(list)
        for contact in contacts:
            self.contacts_by_day[contact.available].append(contact)
        self.children_near: dict[str, set[str]] = defaultdict(set)
        self.model = ChildModel(weights.child)
        self.parent: dict[str, str] = {}
        self.clusters: dict[str, Cluster] = {}
        for record in records:
            self.parent[record] = record
            self.clusters[record] = Cluster(record, [record])
        self.links_by_day: dict[date, list[RecordLink]] = defaultdict(list)
        for link in links:
            self.links_by_day[link.available].append(link)
        self.hits_by_day: dict[date, list[Hit]] = defaultdict(list)
        for hit in hits:
            self.hits_by_day[hit.recorded].append(hit)
        self.facts_by_day: dict[date, list[LinkFact]] = defaultdict(list)
        for fact in facts:
            self.facts_by_day[fact.recorded].append(fact)
        for record in {h.record_id for h in hits} | {f.child_record for f in facts}:
            if record not in self.parent:  # a hit about a record with no people row: its own person
                self.parent[record] = record
                self.clusters[record] = Cluster(record, [record])
        for fact in facts:
            if fact.target.startswith("R:") and fact.target[2:] not in self.parent:
                self.parent[fact.target[2:]] = fact.target[2:]
                self.clusters[fact.target[2:]] = Cluster(fact.target[2:], [fact.target[2:]])
        # Known so far: the facts each child record has, and who is linked to each target.
        self.facts_of_child: dict[str, list[LinkFact]] = defaultdict(list)
        self.facts_to_target: dict[str, list[LinkFact]] = defaultdict(list)
        # The child records linked to each target so far (a dict as an ordered set).
        self.children_of_target: dict[str, dict[str, None]] = defaultdict(dict)
        # The band last recorded in `history` for each thing scored as a man known only by it.
        self.thing_band: dict[str, str] = {}
        self.queue: list[tuple] = []  # (date, seq, root, version[, now, link_points])
        self.queued = 0
        self.history: list[BandChange] = []

    # identity ----------------------------------------------------------------

    def find(self, record: str) -> str:
        parent = self.parent
        root = record
        while parent[root] != root:
            root = parent[root]
        while parent[record] != root:
            parent[record], record = root, parent[record]
        return root

    def union(self, a: str, b: str) -> str | None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return None
        big, small = self.clusters[root_a], self.clusters[root_b]
        if len(big.records) < len(small.records):
            root_a, root_b, big, small = root_b, root_a, small, big
        self.parent[root_b] = root_a
        keeper = (
            big if big.label < small.label else small
        )  # the state of the older label carries on
        big.records.extend(small.records)
        big.hits = sorted(big.hits + small.hits, key=_occ)
        big.decays = sorted(big.decays + small.decays)
        big.floor = _higher(big.floor, small.floor)
        big.read_floors = sorted(big.read_floors + small.read_floors, key=_occ)
        big.points_flagged = big.points_flagged or small.points_flagged
        big.base_flagged = keeper.base_flagged
        seen = [d for d in (big.flagged_on, small.flagged_on) if d is not None]
        big.flagged_on = min(seen) if seen else None
        big.child_band, big.adult_band = keeper.child_band, keeper.adult_band
        big.points_band = keeper.points_band
        held = [d for d in (big.held_until, small.held_until) if d is not None]
        big.held_until = max(held) if held else None
        big.label = min(big.label, small.label)
        big.version = max(big.version, small.version) + 1
        if max(big.bound, small.bound) >= self.model.quiet_line:
            big.bound, big.bound_parts = math.inf, None  # bounds only grow: no need to keep it
        elif small.bound_parts is not None:
            if big.bound_parts is None:
                big.bound_parts = ({}, set(), set())
            by_category, categories, agencies = big.bound_parts
            for category, points in small.bound_parts[0].items():
                by_category[category] = by_category.get(category, 0.0) + points
            categories |= small.bound_parts[1]
            agencies |= small.bound_parts[2]
            big.bound = self.model.bound(by_category, categories, agencies)
        del self.clusters[root_b]
        return root_a

    # the pass ------------------------------------------------------------------

    def run(self, until: date) -> ReplayResult:
        input_days = sorted(
            d
            for d in set(self.links_by_day)
            | set(self.hits_by_day)
            | set(self.facts_by_day)
            | set(self.contacts_by_day)
            | set(self.births_by_day)
            if d <= until
        )
        position = 0
        while True:
            next_input = input_days[position] if position < len(input_days) else None
            next_decay = self.queue[0][0] if self.queue else None
            candidates = [d for d in (next_input, next_decay) if d is not None and d <= until]
            if not candidates:
                break
            day = min(candidates)
            if next_input == day:
                position += 1
            self._step(day)
        return self._state(until)

    def _step(self, day: date) -> None:
        touched: set[str] = set()  # roots whose own facts changed
        relink: set[str] = set()  # roots whose link findings may have changed
        adults: set[str] = set()  # roots whose adult score may have changed
        things: set[str] = set()  # things whose unidentified man's score may have changed
        for link in self.links_by_day.get(day, ()):
            merged = self.union(link.record_l, link.record_r)
            if merged is not None:
                touched.add(merged)
                adults.add(merged)
                things.update(self._things_of_child(merged))  # two records may be one child
                for record in self.clusters[merged].records:
                    relink.update(self.children_of_target.get("R:" + record, ()))
        for hit in self.hits_by_day.get(day, ()):
            root = self.find(hit.record_id)
            cluster = self.clusters[root]
            bisect.insort(cluster.hits, hit, key=_occ)
            if hit.read_in_text and self.model.floor(hit):
                cluster.read_floors.append(hit)
            else:
                cluster.floor = _higher(cluster.floor, self.model.floor(hit))
            for when in self.model.decay_dates(hit):
                bisect.insort(cluster.decays, when)
            self._add_to_bound(cluster, hit)
            touched.add(root)
        for birth in self.births_by_day.get(day, ()):
            self.births_of[birth.record].append(birth)
            if birth.record in self.parent:
                root = self.find(birth.record)
                if self.clusters[root].held_until is not None:
                    touched.add(root)  # a held flag's end can move with the child's age
        for contact in self.contacts_by_day.get(day, ()):
            self.children_near[contact.adult_record].add(contact.child_record)
            if contact.adult_record in self.parent:
                adults.add(self.find(contact.adult_record))
        targets: dict[str, None] = {}
        for fact in self.facts_by_day.get(day, ()):
            self.facts_of_child[fact.child_record].append(fact)
            self.facts_to_target[fact.target].append(fact)
            if not fact.qualifies:
                # Counts for neither side (`link_findings` and `adult_links` read qualifying
                # facts only), so it gives no one a reason to be scored again. Keeping such
                # facts out of `children_of_target` keeps persons who share only a routine
                # contact apart, which the carried-forward replay relies on (carry.py).
                continue
            self.children_of_target[fact.target][fact.child_record] = None
            if fact.target.startswith("R:"):
                adults.add(self.find(fact.target[2:]))
            else:
                things.add(fact.target)
            targets[fact.target] = None
        for target in targets:  # every child seen with a target that has a new fact
            for record in self.children_of_target[target]:
                relink.add(self.find(record))
        while self.queue and self.queue[0][0] == day:
            entry = heapq.heappop(self.queue)
            root, version = entry[2], entry[3]
            if root in self.clusters and self.clusters[root].version == version:
                if len(entry) > 4:  # no fall up to today: look further ahead
                    self._find_fall(root, day, entry[4], entry[5])
                else:
                    touched.add(root)
        touched = {self.find(r) for r in touched}

        base_totals: dict[str, float | None] = {}
        quiet_line = self.model.quiet_line
        for root in sorted(touched):
            cluster = self.clusters[root]
            if cluster.floor is None and not cluster.read_floors and cluster.bound < quiet_line:
                base_totals[root] = None  # under `low` whatever the day: not flagged
                flagged = False
            else:
                base_totals[root] = base = self._base_total(cluster, day)
                flagged = BAND_RANK[self.model.band(base, self._floor(cluster, day))] >= FLAG_RANK
            if flagged != cluster.base_flagged:
                cluster.base_flagged = flagged
                if flagged and cluster.flagged_on is None:
                    cluster.flagged_on = day
                    # a thing's man counts a child as flagged from her first flag on (as an
                    # adult does: `adult_links`), so only a first flag changes his score
                    things.update(self._things_of_child(root))
                self._neighbours_of_child(root, relink, adults)
        for root in sorted({self.find(r) for r in touched | relink}):
            self._score_child(root, day, base_totals.get(root))
        for root in sorted({self.find(r) for r in adults}):
            self._score_adult(root, day)
        for thing in sorted(things):
            self._score_thing(thing, day)

    def _things_of_child(self, root: str) -> set[str]:
        return {
            fact.target
            for record in self.clusters[root].records
            for fact in self.facts_of_child.get(record, ())
            if fact.qualifies and not fact.target.startswith("R:")
        }

    def _neighbours_of_child(self, root: str, relink: set[str], adults: set[str]) -> None:
        for record in self.clusters[root].records:
            for fact in self.facts_of_child.get(record, ()):
                if not fact.qualifies:
                    continue  # this child's flag is nothing to the other (`_step`)
                if fact.target.startswith("R:"):
                    target_root = self.find(fact.target[2:])
                    adults.add(target_root)
                    for target_record in self.clusters[target_root].records:
                        relink.update(self.children_of_target.get("R:" + target_record, ()))
                else:
                    relink.update(self.children_of_target.get(fact.target, ()))

    # scoring -------------------------------------------------------------------

    def link_findings(self, root: str) -> list[LinkFinding]:
        rules = self.weights.child.links
        by_target: dict[tuple[str, str], list[LinkFact]] = defaultdict(list)
        for record in self.clusters[root].records:
            for fact in self.facts_of_child.get(record, ()):
                if not fact.qualifies or fact.target_kind in ADULT_ONLY_KINDS:
                    continue
                if fact.target.startswith("R:"):
                    target_root = self.find(fact.target[2:])
                    if target_root == root:
                        continue
                    by_target[("person", target_root)].append(fact)
                else:
                    by_target[(fact.target_kind, fact.target)].append(fact)
        findings = []
        once = rules.one_record_enough
        for (kind, target), facts in by_target.items():
            events = {(f.event_id, f.agency, f.occurred, f.recorded) for f in facts}
            repeated = len(events) >= rules.min_events
            if not repeated and once is None:
                continue
            if kind == "person":
                keys = ["R:" + r for r in self.clusters[target].records]
                label = f"the person with record {self.clusters[target].label}"
            else:
                keys = [target]
                label = target.split(":", 1)[-1]
            # Other children count only if they too were linked repeatedly: a taxi or a
            # school minibus seen once or twice with each of many children is a service.
            seen: dict[str, set[str]] = defaultdict(set)
            named_suspect = False
            for key in keys:
                for f in self.facts_to_target.get(key, ()):
                    if f.qualifies:
                        seen[self.find(f.child_record)].add(f.event_id)
                        named_suspect = named_suspect or f.by_suspect
            seen.pop(root, None)
            flagged = sum(
                1
                for other, other_events in seen.items()
                if len(other_events) >= rules.min_events and self.clusters[other].base_flagged
            )
            if not flagged:
                continue
            if not repeated:
                # One record is enough only with an adult already named as a suspect (or a
                # car or phone recorded as used by one: Riverside's Chloe, stopped once in
                # Cole's car), or an adult or thing already tied to several flagged children
                # (weights.yaml).
                assert once is not None
                strong = (once.named_suspect and named_suspect) or (
                    once.flagged_others and flagged >= once.flagged_others
                )
                if not strong:
                    continue
            findings.append(LinkFinding(label, kind, tuple(sorted(events)), flagged, named_suspect))
        return findings

    def _base_total(self, cluster: Cluster, day: date) -> float:
        return self.model.total(self.model.recent(cluster.hits, day), day)

    def _base_band(self, cluster: Cluster, day: date) -> str:
        return self.model.band(self._base_total(cluster, day), self._floor(cluster, day))

    def _floor(self, cluster: Cluster, day: date) -> str | None:
        """The legal floor on `day`: those that do not fade, and readings still current."""
        floor = cluster.floor
        for hit in cluster.read_floors:
            floor = _higher(floor, self.model.floor(hit, day))
        return floor

    def child_score(self, root: str, day: date) -> Score:
        """The child's score with every reason (the slow path, for the final state)."""
        cluster = self.clusters[root]
        score = self.model.explain(cluster.hits, day)
        points, reasons = link_score(self.link_findings(root), self.weights.child, score.score)
        if points:
            score.score = round(score.score + points, 2)
            score.reasons.extend(reasons)
            score.band = self.model.band(score.score, score.floor)
        held_to = self._held_to(cluster, day)
        if BAND_RANK[score.band] < FLAG_RANK and held_to is not None and day <= held_to:
            score.band = "medium"
            score.reasons.append(
                Reason(0.0, "hold", "flag_held", None, None, None, None,
                       _hold_text(cluster, score.score, self.weights.child,
                                  self.minor_until(cluster, day)))
            )  # fmt: skip
        return score

    def minor_until(self, cluster: Cluster, day: date) -> tuple[date, str] | None:
        """The last day the child is under `flag_hold_to_age`, by the date of birth known on
        `day`, and how it is known; None without one.

        The date is resolve's rule (`resolve/identity.py`) over the person's records as of
        `day`: the date most records give, ties to the earliest; else the most common birth
        year, ties to the earliest; a supervisor's decision made by `day` stands over them.
        With a birth year only, the child may be under the age until 30 December of the year
        they turn it (born on 31 December), and is held until then: a flag is not ended on a
        guess that the child has grown up."""
        age = self.weights.child.flag_hold_to_age
        if not age:
            return None
        known = [
            b
            for r in cluster.records
            for b in self.births_of.get(r, ())
            if b.available is None or b.available <= day
        ]
        decided = [b for b in known if b.decided and b.dob is not None]
        dob: date | None = None
        how = ""
        if decided:
            dob = sorted(decided, key=lambda b: b.available or date.min)[-1].dob  # the latest
            how = "as decided"
        else:
            dobs = Counter(b.dob for b in known if b.dob is not None and not b.decided)
            if dobs:
                dob = max(dobs, key=lambda d: (dobs[d], -d.toordinal()))
        if dob is not None:
            if dob.month == 2 and dob.day == 29:  # 1 March in a common year, as ages count
                birthday = date(dob.year + age, 3, 1)
            else:
                birthday = dob.replace(year=dob.year + age)
            born = f"born {dob.isoformat()}" + (f", {how}" if how else "")
            return birthday - timedelta(days=1), born
        years = Counter(b.birth_year for b in known if b.birth_year is not None)
        if not years:
            return None
        year = max(years, key=lambda y: (years[y], -y))
        return date(year + age, 12, 30), f"birth year {year} only"

    def _held_to(self, cluster: Cluster, day: date) -> date | None:
        """The last day of a held flag: a year after the signs fell away (`held_until`), or
        the day before the child turns `flag_hold_to_age`, whichever is later; None if the
        points never carried the flag down into a hold."""
        if cluster.held_until is None:
            return None
        minor = self.minor_until(cluster, day)
        return max(cluster.held_until, minor[0]) if minor else cluster.held_until

    def _hold(self, cluster: Cluster, day: date, points_band: str) -> str:
        """Once flagged, a child stays at medium while anything still supports the flag (points
        at `low` or above: a current sign, a tie to a named suspect and other flagged children),
        while still under `flag_hold_to_age` (`minor_until`), and for `flag_hold_days` after the
        last of it falls away -- the points falling below `low`, or from medium straight below
        it -- whichever is longest, unless a person reviews it first."""
        hold = self.weights.child.flag_hold_days
        if BAND_RANK[points_band] >= FLAG_RANK:
            return points_band
        renew = hold and (
            # fell below medium today: it was medium until yesterday
            (BAND_RANK[cluster.points_band] >= FLAG_RANK and cluster.points_flagged)
            # held (on any ground: the year, or still a child) until yesterday at least, and
            # something still supports it today, or did until yesterday
            or (
                cluster.child_band == "medium"
                and (self._held_to(cluster, day) or date.min) >= day - timedelta(days=1)
                and LOW_RANK in (BAND_RANK[points_band], BAND_RANK[cluster.points_band])
            )
        )
        if renew:
            until = day + timedelta(days=hold - 1)
            if cluster.held_until is None or until > cluster.held_until:
                cluster.held_until = until
        held_to = self._held_to(cluster, day)
        if held_to is not None and day <= held_to:
            return "medium"
        return points_band

    def _add_to_bound(self, cluster: Cluster, hit: Hit) -> None:
        if cluster.bound >= self.model.quiet_line:
            cluster.bound, cluster.bound_parts = math.inf, None  # it only grows from here
            return
        if cluster.bound_parts is None:
            cluster.bound_parts = ({}, set(), set())
        by_category, categories, agencies = cluster.bound_parts
        most = self.model.most_points(hit)
        by_category[hit.category] = by_category.get(hit.category, 0.0) + most
        if most >= self.weights.child.corroboration.significant_points:
            categories.add(hit.category)
            agencies.add(hit.agency)
        cluster.bound = self.model.bound(by_category, categories, agencies)

    def _score_child(self, root: str, day: date, base: float | None = None) -> None:
        cluster = self.clusters[root]
        points = self._link_points(root)
        link_points = points[0]
        if (
            base is None
            and cluster.floor is None
            and not cluster.read_floors
            and cluster.bound + link_points < self.model.quiet_line
            and cluster.child_band == "none"
            and cluster.points_band == "none"
            and (cluster.held_until is None or day > (self._held_to(cluster, day) or day))
        ):
            # Under `low` whatever the day, and shown as `none`: nothing can change. This
            # is what the full path below would do (no band change, no decay to queue).
            cluster.version += 1
            return
        if base is None:
            base = self._base_total(cluster, day)
        link_points = self._gated(base, points)
        total = round(base + link_points, 2)
        floor = self._floor(cluster, day)
        points_band = self.model.band(total, floor)
        if BAND_RANK[self.model.band(total, None)] >= FLAG_RANK or (
            cluster.floor is not None and BAND_RANK[cluster.floor] >= FLAG_RANK
        ):
            cluster.points_flagged = True
        band = self._hold(cluster, day, points_band)
        cluster.points_band = points_band
        if band != cluster.child_band:
            cluster.child_band = band
            self.history.append(BandChange(cluster.label, "child", day, total, band))
        self._schedule_decay(root, day, self.model.band(base, floor), points_band, points)
        held_to = self._held_to(cluster, day)
        if held_to is not None and held_to >= day and band != points_band:
            self.queued += 1
            expiry = held_to + timedelta(days=1)
            heapq.heappush(self.queue, (expiry, self.queued, root, cluster.version))

    def _link_points(self, root: str) -> tuple[float, float]:
        """A child's link points: all of them, and those through named suspects only."""
        findings = self.link_findings(root)
        full, _ = link_score(findings, self.weights.child)
        suspects, _ = link_score([f for f in findings if f.named_suspect], self.weights.child)
        return full, suspects

    def _gated(self, base: float, points: tuple[float, float]) -> float:
        """Every link counts over a child's own `links.min_own_points`; under it, only links
        to a named suspect (`points.link_score`)."""
        return points[0] if base >= self.weights.child.links.min_own_points else points[1]

    def _schedule_decay(
        self, root: str, day: date, base_band: str, band: str, link_points: tuple[float, float]
    ) -> None:
        """Queue the first later date on which this person's base or final band falls."""
        cluster = self.clusters[root]
        cluster.version += 1
        if not cluster.hits or (band == "none" and base_band == "none"):
            return  # nothing left to fall
        self._find_fall(root, day, (base_band, band), link_points)

    def _find_fall(
        self, root: str, after: date, now: tuple[str, str], link_points: tuple[float, float]
    ) -> None:
        """Queue the first decay date after `after` on which the bands differ from `now`.

        Scores only fall between facts (weights.py checks the multipliers), so that date
        can be found by bisection. Most people are scored again (a new fact) long before
        their later decay dates, so only the next `DECAY_LOOKAHEAD` dates are searched; if
        the bands hold through them, an entry comes back on the last of them to look
        further (the cluster's `version` tells whether anything changed meanwhile).
        """
        cluster = self.clusters[root]
        start = bisect.bisect_right(cluster.decays, after)
        dates = list(dict.fromkeys(cluster.decays[start:]))  # sorted, without repeats
        if not dates:
            return
        model = self.model

        def bands_on(when: date) -> tuple[str, str]:
            base = model.total(model.recent(cluster.hits, when), when)
            floor = self._floor(cluster, when)
            return (
                model.band(base, floor),
                model.band(round(base + self._gated(base, link_points), 2), floor),
            )

        if len(dates) > DECAY_LOOKAHEAD:
            dates = dates[:DECAY_LOOKAHEAD]
            if bands_on(dates[-1]) == now:
                self.queued += 1
                heapq.heappush(
                    self.queue,
                    (dates[-1], self.queued, root, cluster.version, now, link_points),
                )
                return
        low, high = 0, len(dates)
        while low < high:
            middle = (low + high) // 2
            if bands_on(dates[middle]) == now:
                low = middle + 1
            else:
                high = middle
        if low < len(dates):
            self.queued += 1
            heapq.heappush(self.queue, (dates[low], self.queued, root, cluster.version))

    def adult_links(self, root: str) -> list[ChildLink]:
        cluster = self.clusters[root]
        links = []
        for record in cluster.records:
            for fact in self.facts_to_target.get("R:" + record, ()):
                if not fact.qualifies:
                    continue
                child = self.find(fact.child_record)
                if child == root:
                    continue
                links.append(_child_link(self.clusters[child], fact))
        return links

    def children_recorded_with(self, root: str, links: list[ChildLink]) -> int:
        """How many children (as-of persons) the adult is tied to: by a scoring link, or by
        any of the graph's evidence outside a protective role available so far."""
        labels = {link.child_label for link in links}
        for record in self.clusters[root].records:
            for child in self.children_near.get(record, ()):
                if child in self.parent and self.find(child) != root:
                    labels.add(self.clusters[self.find(child)].label)
        return len(labels)

    def _adult_score(self, root: str) -> Score:
        links = self.adult_links(root)
        return adult_score(links, self.weights.adult, self.children_recorded_with(root, links))

    def _score_adult(self, root: str, day: date) -> None:
        cluster = self.clusters[root]
        score = self._adult_score(root)
        if score.band != cluster.adult_band:
            cluster.adult_band = score.band
            self.history.append(BandChange(cluster.label, "adult", day, score.score, score.band))

    # the man known only by a thing ------------------------------------------------

    def thing_links(self, thing: str) -> list[ChildLink]:
        """The children linked to a car, phone or handle, as `adult_links` links a person's
        records: a man recorded only by his car or phone is scored as an adult would be."""
        links = []
        for fact in self.facts_to_target.get(thing, ()):
            if not fact.qualifies:
                continue
            links.append(_child_link(self.clusters[self.find(fact.child_record)], fact))
        return links

    def _thing_score(self, thing: str) -> Score:
        return adult_score(self.thing_links(thing), self.weights.adult)

    def _score_thing(self, thing: str, day: date) -> None:
        score = self._thing_score(thing)
        label = THING_PREFIX + thing
        if thing not in self.thing_band:  # a part carried forward keeps its history only
            self.thing_band[thing] = next(
                (c.band for c in reversed(self.history) if c.cluster == label), "none"
            )
        if score.band != self.thing_band[thing]:
            self.thing_band[thing] = score.band
            self.history.append(BandChange(label, THING_TRACK, day, score.score, score.band))

    def _state(self, until: date) -> ReplayResult:
        child_scores: dict[str, Score] = {}
        adult_scores: dict[str, Score] = {}
        for root, cluster in self.clusters.items():
            if cluster.hits or any(self.facts_of_child.get(r) for r in cluster.records):
                child_scores[root] = self.child_score(root, until)
            if self.adult_links(root):
                adult_scores[root] = self._adult_score(root)
        thing_scores = {
            thing: self._thing_score(thing)
            for thing in self.facts_to_target
            if not thing.startswith("R:") and self.children_of_target.get(thing)
        }
        root_of = {record: self.find(record) for record in self.parent}
        return ReplayResult(
            self.history, self.clusters, root_of, child_scores, adult_scores, thing_scores
        )


def _hold_text(
    cluster: Cluster, points: float, weights: ChildWeights, minor: tuple[date, str] | None
) -> str:
    """The held band's reason: which of the hold's three grounds holds it (the longest), and
    until when."""
    held_until = cluster.held_until
    assert held_until is not None
    days = weights.flag_hold_days
    if points >= weights.bands.low:
        return (
            f"flagged earlier; held at medium while signs remain ({points:g} points, low) and "
            f"for {days} days after they fall away, unless a person reviews it"
        )
    if minor is not None and minor[0] > held_until:
        return (
            f"flagged earlier; held at medium while under {weights.flag_hold_to_age}, until "
            f"{minor[0].isoformat()} ({minor[1]}), unless a person reviews it"
        )
    return (
        f"flagged earlier; held at medium until {held_until.isoformat()} ({days} days after "
        "the signs that supported it fell away) unless a person reviews it"
    )


def _child_link(child: Cluster, fact: LinkFact) -> ChildLink:
    """An adult's (or a thing's) link to the child `child` by the link fact `fact`."""
    return ChildLink(
        child.label,
        child.base_flagged or child.flagged_on is not None,
        fact.event_id,
        fact.agency,
        fact.occurred,
        fact.recorded,
        fact.suspect_in_abuse_event,
    )
