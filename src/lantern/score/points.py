"""The points model: what a child's or adult's facts are worth on a given date.

Pure functions of (facts known, date, weights). The replay decides which
facts are known on which date; this module only adds them up, and explains
every point as a `Reason` that cites the record it came from.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from lantern.score.weights import BAND_RANK, CATEGORIES, AdultWeights, ChildWeights

# How a legal floor's reason begins (the reason shown; the floor itself is `assessments.legal_floor`).
FLOOR_EVIDENCE = "the law on age sets at least {band}: "


@dataclass(frozen=True, slots=True)
class Hit:
    """One indicator hit about one person record, as the score sees it."""

    hit_id: str
    record_id: str
    indicator: str
    category: str
    weight: float
    agency: str
    event_id: str | None
    occurred: date
    recorded: date
    evidence: str
    legal_floor: str | None = None
    # The legal hit rests on a reading of a note's words (not on a structured record or a
    # code): its floor holds while the reading is current (`ChildModel.floor`).
    read_in_text: bool = False
    occ: int = field(init=False, repr=False, compare=False)  # occurred as an ordinal, for speed
    # (windows, weight x scale, category, agency, model), filled in by the ChildModel using it.
    prep: tuple | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "occ", self.occurred.toordinal())


@dataclass(frozen=True, slots=True)
class Reason:
    """Points with the record that earned them (event_id None for a pattern over records)."""

    points: float
    category: str
    indicator: str
    agency: str | None
    event_id: str | None
    occurred: date | None
    recorded: date | None
    evidence: str


def ranked_reasons(reasons: list[Reason]) -> list[Reason]:
    """Reasons as a row's top reasons show them: most points first, then the latest record."""
    return sorted(
        reasons, key=lambda r: (-r.points, -(r.recorded or date.min).toordinal(), r.evidence)
    )


def reason_line(reason: Reason) -> str:
    """A reason as a top reason reads: its evidence, and the agency and date it rests on."""
    where = (
        f" ({reason.agency}, {reason.occurred.isoformat()})"
        if reason.agency and reason.occurred
        else ""
    )
    return f"{reason.evidence}{where}"


@dataclass(frozen=True, slots=True)
class LinkFinding:
    """A child's repeated link to an adult or thing also linked to other flagged children."""

    target: str  # the thing's value, or a description of the person
    target_kind: str  # "person" or the thing's kind
    events: tuple[tuple[str, str, date, date], ...]  # (event_id, agency, occurred, recorded)
    flagged_others: int
    # a person named as suspect or offender in a child's record, or a thing recorded there
    # as used by a suspect
    named_suspect: bool = False


@dataclass(slots=True)
class Score:
    score: float
    band: str
    reasons: list[Reason] = field(default_factory=list)
    floor: str | None = None


def _occ(hit: Hit) -> int:
    return hit.occ


def _age_days(on: date, occurred: date) -> int:
    return max(0, (on - occurred).days)


class ChildModel:
    """The child weights compiled for speed: the replay asks for totals many times.

    `total` and `explain` share one computation, so the score the replay
    records and the reasons it shows always add up to the same number.
    """

    def __init__(self, weights: ChildWeights) -> None:
        self.weights = weights
        self.scale = dict(weights.category_scale)
        self.windows = {
            category: tuple((w.up_to_days, w.multiplier) for w in weights.recency.windows(category))
            for category in CATEGORIES
        }
        days = [d for windows in self.windows.values() for d, _ in windows]
        days.append(weights.corroboration.window_days)
        days.extend(rule.window_days for rule in weights.escalation)
        self.horizon = max(days)  # older hits count for nothing but their legal floor
        self.unfloored = set(weights.legal_floors.not_applied)
        self.info = {
            category: (self.windows[category], self.scale.get(category, 1.0))
            for category in CATEGORIES
        }
        # For `bound`: the most a hit of each category can be worth on any day.
        self.most = {
            category: self.scale.get(category, 1.0) * max((m for _, m in windows), default=0.0)
            for category, windows in self.windows.items()
        }
        self.escalation_most = sum(rule.points for rule in weights.escalation)
        # A bound this far below `low` cannot round up into it (scores are rounded to 0.01).
        self.quiet_line = weights.bands.low - 0.01
        self.decay_offsets = {
            category: _decay_offsets(category, weights) for category in self.windows
        }

    def decay_dates(self, hit: Hit) -> list[date]:
        """`decay_dates(hit, weights)`, from offsets worked out once per category."""
        offsets = self.decay_offsets.get(hit.category)
        if offsets is None:
            return decay_dates(hit, self.weights)
        occurred = hit.occurred
        return [occurred + offset for offset in offsets]

    def most_points(self, hit: Hit) -> float:
        """An upper bound on what `hit` can add to its category on any day."""
        return max(0.0, hit.weight * self.most.get(hit.category, self.most["missing"]))

    def bound(
        self, by_category: dict[str, float], categories: set[str], agencies: set[str]
    ) -> float:
        """An upper bound on `total` for hits whose `most_points` per category sum to
        `by_category`, with `categories` and `agencies` those of hits that could be
        significant: each category is capped, repeats count at most in full
        (`repeat_factor` <= 1), and corroboration counts at most those categories and
        agencies."""
        rules = self.weights.corroboration
        cap = self.weights.category_cap
        total = sum(min(points, cap) for points in by_category.values())
        total += max(0, min(len(categories), rules.max_categories_counted) - 1) * (
            rules.per_extra_category
        )
        total += max(0, min(len(agencies), rules.max_agencies_counted) - 1) * (
            rules.per_extra_agency
        )
        return total + self.escalation_most

    def points(self, hit: Hit, age: int) -> float:
        for up_to, multiplier in self.windows.get(hit.category, self.windows["missing"]):
            if age <= up_to:
                return hit.weight * self.scale.get(hit.category, 1.0) * multiplier
        return 0.0

    def floor(self, hit: Hit, on: date | None = None) -> str | None:
        """The band the law on age sets for this hit (on `on`, for one read in text).

        A floor resting on a structured record or a code -- a crime classification, a
        sexual offence report, an STI diagnosed at 12 -- is a record of the offence and does
        not fade. One resting only on a reading of a note's words is the software's reading:
        it sets the band while the reading is current (its category's recency windows, as
        long as it scores points), and then fades like any other sign unless something
        recorded since supports it. On the make_county tuning counties a referral form's
        "Category: sexual abuse." field, read as a disclosure at 10-12, held children at
        `high` for up to nine years."""
        floor = hit.legal_floor
        if floor not in BAND_RANK or hit.indicator in self.unfloored:
            return None
        if hit.read_in_text and on is not None and not self.reading_current(hit, on):
            return None
        return floor

    def reading_current(self, hit: Hit, on: date) -> bool:
        """Whether a hit still scores on `on` (within its category's last recency window)."""
        windows = self.windows.get(hit.category, self.windows["missing"])
        last = windows[-1][0] if windows else 0
        return (on - hit.occurred).days <= last

    def _ranked(self, hits: list[Hit], on: date) -> dict[str, list[tuple[float, Hit]]]:
        by_category: dict[str, list[tuple[float, Hit]]] = defaultdict(list)
        horizon = self.horizon
        for hit in hits:
            age = (on - hit.occurred).days
            if age > horizon:
                continue
            points = self.points(hit, age if age > 0 else 0)
            if points > 0:
                by_category[hit.category].append((points, hit))
        for ranked in by_category.values():
            ranked.sort(key=lambda ph: (-ph[0], ph[1].recorded, ph[1].hit_id))
        return by_category

    def _category_points(self, ranked: list[tuple[float, Hit]]) -> list[float]:
        earned_list = []
        room = self.weights.category_cap
        factor = self.weights.repeat_factor
        for rank, (points, _) in enumerate(ranked):
            earned = min(points * factor**rank, room)
            if earned < 0.005:
                break
            room -= earned
            earned_list.append(earned)
        return earned_list

    def _significant(self, by_category: dict[str, list[tuple[float, Hit]]], on: date) -> list[Hit]:
        rules = self.weights.corroboration
        return [
            hit
            for ranked in by_category.values()
            for points, hit in ranked
            if points >= rules.significant_points and (on - hit.occurred).days <= rules.window_days
        ]

    def total(self, hits: list[Hit], on: date) -> float:
        """The child's points on `on` from these hits (no reasons, no floor).

        The fast path of `explain`: the same sums in the same order, without
        building reasons. `hits` may be in any order; hits sorted by `occ`
        let old ones be skipped (`recent`).
        """
        on_ord = on.toordinal()
        horizon = self.horizon
        rules = self.weights.corroboration
        significant, window = rules.significant_points, rules.window_days
        by_category: dict[str, list[float]] = {}
        categories: set[str] = set()
        agencies: set[str] = set()
        for hit in hits:
            age = on_ord - hit.occ
            if age > horizon:
                continue
            if age < 0:
                age = 0
            prep = hit.prep
            if prep is None or prep[4] is not self:
                prep = self._prepare(hit)
            for up_to, multiplier in prep[0]:
                if age <= up_to:
                    # weight x scale x multiplier, multiplied in that order as in `points`
                    points = prep[1] * multiplier
                    break
            else:
                continue
            if points <= 0:
                continue
            category = prep[2]
            if category in by_category:
                by_category[category].append(points)
            else:
                by_category[category] = [points]
            if points >= significant and age <= window:
                categories.add(category)
                agencies.add(prep[3])
        total = 0.0
        cap, factor = self.weights.category_cap, self.weights.repeat_factor
        for category in sorted(by_category):
            ranked = sorted(by_category[category], reverse=True)
            room = cap
            for rank, points in enumerate(ranked):
                earned = min(points * factor**rank, room)
                if earned < 0.005:
                    break
                room -= earned
                total += earned
        extra = min(len(categories), rules.max_categories_counted) - 1
        if extra > 0:
            total += extra * rules.per_extra_category
        extra = min(len(agencies), rules.max_agencies_counted) - 1
        if extra > 0:
            total += extra * rules.per_extra_agency
        if self.weights.escalation:
            total += _escalation(hits, on, self.weights, None)
        return round(total, 2)

    def _prepare(self, hit: Hit) -> tuple:
        windows, scale = self.info[hit.category]
        prep = (windows, hit.weight * scale, hit.category, hit.agency, self)
        object.__setattr__(hit, "prep", prep)
        return prep

    def recent(self, hits_by_occ: list[Hit], on: date) -> list[Hit]:
        """The tail of a list sorted by `occ` that is young enough to count on `on`."""
        start = bisect.bisect_left(hits_by_occ, on.toordinal() - self.horizon, key=_occ)
        return hits_by_occ[start:]

    def band(self, points: float, floor: str | None) -> str:
        band = self.weights.bands.band(points)
        if floor and BAND_RANK[floor] > BAND_RANK[band]:
            return floor
        return band

    def explain(self, hits: list[Hit], on: date) -> Score:
        """The child's score on `on`, with a reason for every point and the legal floor."""
        by_category = self._ranked(hits, on)
        reasons: list[Reason] = []
        total = 0.0
        for category in sorted(by_category):
            ranked = by_category[category]
            for earned, (_, hit) in zip(self._category_points(ranked), ranked, strict=False):
                total += earned
                reasons.append(
                    Reason(round(earned, 2), category, hit.indicator, hit.agency, hit.event_id,
                           hit.occurred, hit.recorded, hit.evidence)
                )  # fmt: skip
        total += _corroboration(self._significant(by_category, on), self.weights, reasons)
        total += _escalation(hits, on, self.weights, reasons)
        floor: Hit | None = None
        for hit in hits:
            if self.floor(hit, on) and (floor is None or _floor_before(hit, floor)):
                floor = hit
        floor_band = self.floor(floor, on) if floor else None
        if floor is not None and floor_band:
            reasons.append(
                Reason(0.0, floor.category, floor.indicator, floor.agency, floor.event_id,
                       floor.occurred, floor.recorded,
                       FLOOR_EVIDENCE.format(band=floor_band) + floor.evidence)
            )  # fmt: skip
        total = round(total, 2)
        return Score(total, self.band(total, floor_band), reasons, floor_band)


def base_score(hits: list[Hit], on: date, weights: ChildWeights) -> Score:
    """A child's score from their own indicator hits, before links to other children."""
    return ChildModel(weights).explain(hits, on)


def _floor_before(hit: Hit, other: Hit) -> bool:
    """The floor shown is the strongest, then the earliest recorded."""
    rank, other_rank = (
        BAND_RANK.get(hit.legal_floor or "", -1),
        BAND_RANK.get(other.legal_floor or "", -1),
    )
    return (rank, other.recorded, other.hit_id) > (other_rank, hit.recorded, hit.hit_id)


def _corroboration(
    significant: list[Hit], weights: ChildWeights, reasons: list[Reason] | None
) -> float:
    """Points for significant signals of different kinds, from different agencies."""
    rules = weights.corroboration
    categories = sorted({h.category for h in significant})
    agencies = sorted({h.agency for h in significant})
    extra_categories = min(len(categories), rules.max_categories_counted) - 1
    extra_agencies = min(len(agencies), rules.max_agencies_counted) - 1
    points = 0.0
    for extra, per, indicator, signals, names in (
        (extra_categories, rules.per_extra_category, "different_categories",
         f"significant signals of {len(categories)} different kinds", categories),
        (extra_agencies, rules.per_extra_agency, "different_agencies",
         f"significant signals recorded by {len(agencies)} agencies", agencies),
    ):  # fmt: skip
        if extra <= 0:
            continue
        earned = extra * per
        points += earned
        if reasons is not None:
            reasons.append(
                Reason(earned, "corroboration", indicator, None, None, None, None,
                       f"{signals} in the last {rules.window_days} days: {', '.join(names)}")
            )  # fmt: skip
    return points


def _escalation(
    hits: list[Hit], on: date, weights: ChildWeights, reasons: list[Reason] | None
) -> float:
    points = 0.0
    for rule in weights.escalation:
        recent = sorted(
            (
                h
                for h in hits
                if h.category == rule.category and _age_days(on, h.occurred) <= rule.window_days
            ),
            key=lambda h: (h.occurred, h.hit_id),
        )
        episodes = {(h.event_id or h.hit_id) for h in recent}
        if len(episodes) >= rule.min_count:
            latest = recent[-1]
            points += rule.points
            if reasons is None:
                continue
            reasons.append(
                Reason(
                    rule.points,
                    rule.category,
                    "escalation",
                    latest.agency,
                    latest.event_id,
                    latest.occurred,
                    latest.recorded,
                    f"{rule.label}: {len(episodes)} times, latest {latest.occurred.isoformat()}",
                )
            )
    return points


def _decay_offsets(category: str, weights: ChildWeights) -> list[timedelta]:
    days = {w.up_to_days for w in weights.recency.windows(category)}
    days.add(weights.corroboration.window_days)
    days.update(rule.window_days for rule in weights.escalation if rule.category == category)
    return [timedelta(days=d + 1) for d in sorted(days)]


def decay_dates(hit: Hit, weights: ChildWeights) -> list[date]:
    """The dates on which this hit's contribution can fall without any new fact."""
    return [hit.occurred + offset for offset in _decay_offsets(hit.category, weights)]


def _records(n: int) -> str:
    return f"{n} record{'s' if n != 1 else ''}"


def _link_text(finding: LinkFinding) -> str:
    records = _records(len(finding.events))
    others = f"{finding.flagged_others} other flagged child{'ren' if finding.flagged_others != 1 else ''}"
    if finding.target_kind == "person":
        suspect = ", named as a suspect in a child's record," if finding.named_suspect else ""
        return f"linked in {records} to {finding.target}{suspect} who is also linked to {others}"
    used = ", recorded as used by a suspect," if finding.named_suspect else ","
    return f"linked in {records} to {finding.target_kind} {finding.target}{used} also linked to {others}"


def link_score(
    findings: list[LinkFinding], weights: ChildWeights, own_points: float | None = None
) -> tuple[float, list[Reason]]:
    """Points for links to adults and things around other flagged children.

    With `own_points` (the child's points before links) under `links.min_own_points`, only
    links to a person named as a suspect or offender count: links corroborate a child's own
    signs, and sharing a car, a carer or a place with flagged children is not a concern on
    its own; being found with a man already named as a suspect is.
    """
    rules = weights.links
    if own_points is not None and own_points < rules.min_own_points:
        findings = [f for f in findings if f.named_suspect]
    reasons: list[Reason] = []
    total = 0.0
    ranked = sorted(findings, key=lambda f: (-f.flagged_others, f.target))
    for finding in ranked:
        others = min(finding.flagged_others, rules.max_flagged_others_counted)
        earned = min(others * rules.points_per_flagged_other, rules.cap - total)
        if earned <= 0:
            break
        total += earned
        event_id, agency, occurred, recorded = max(finding.events, key=lambda e: (e[3], e[0]))
        reasons.append(
            Reason(
                earned,
                "links",
                f"linked_{finding.target_kind}",
                agency,
                event_id,
                occurred,
                recorded,
                _link_text(finding),
            )
        )
    return total, reasons


@dataclass(frozen=True, slots=True)
class ChildLink:
    """An adult's link to one child: the child's flag state and the linking event."""

    child_label: str
    flagged: bool
    event_id: str
    agency: str
    occurred: date
    recorded: date
    suspect_in_abuse_event: bool


def adult_score(
    links: list[ChildLink], weights: AdultWeights, children_recorded_with: int | None = None
) -> Score:
    """An adult's score from the children linked to them and what those links were.

    `children_recorded_with`: how many children the adult is recorded with in any evidence of
    the graph outside a protective role (a shared car or phone, a place, an event), scoring
    links or not; None counts the children of `links`."""
    reasons: list[Reason] = []
    total = 0.0
    if children_recorded_with is None:
        children_recorded_with = len({link.child_label for link in links})
    by_child: dict[str, list[ChildLink]] = defaultdict(list)
    for link in links:
        by_child[link.child_label].append(link)
    others = 0
    abuse_cited = False
    for child in sorted(by_child):
        child_links = sorted(by_child[child], key=lambda x: (x.recorded, x.event_id))
        latest = child_links[-1]
        if latest.flagged:
            earned = weights.points_per_flagged_child
            text = f"linked to a flagged child in {_records(len(child_links))}"
        elif others < weights.max_other_children_counted:
            others += 1
            earned = weights.points_per_other_child
            text = f"linked to a child in {_records(len(child_links))}"
        else:
            earned = 0.0
        if earned:
            total += earned
            reasons.append(
                Reason(earned, "links", "linked_child", latest.agency, latest.event_id,
                       latest.occurred, latest.recorded, text)
            )  # fmt: skip
        abuse = [x for x in child_links if x.suspect_in_abuse_event]
        if (
            abuse
            and not abuse_cited
            and weights.suspect_in_sexual_abuse_event
            and children_recorded_with >= weights.suspect_in_sexual_abuse_min_children
        ):
            abuse_cited = True
            first = abuse[0]
            total += weights.suspect_in_sexual_abuse_event
            reasons.append(
                Reason(weights.suspect_in_sexual_abuse_event, "sexual_abuse_disclosed",
                       "suspect_in_sexual_abuse_event", first.agency, first.event_id,
                       first.occurred, first.recorded,
                       "named as suspect or offender where a child's record holds a "
                       "disclosure or report of sexual abuse")
            )  # fmt: skip
    return Score(round(total, 2), weights.bands.band(total), reasons)
