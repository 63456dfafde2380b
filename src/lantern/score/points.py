"""The points model: what a child's or adult's facts are worth on a given date.

Pure functions of (facts known, date, weights). The replay decides which
facts are known on which date; this module only adds them up, and explains
every point as a `Reason` that cites the record it came from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from lantern.score.weights import BAND_RANK, AdultWeights, ChildWeights


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


@dataclass(frozen=True, slots=True)
class LinkFinding:
    """A child's repeated link to an adult or thing also linked to other flagged children."""

    target: str  # the thing's value, or a description of the person
    target_kind: str  # "person" or the thing's kind
    events: tuple[tuple[str, str, date, date], ...]  # (event_id, agency, occurred, recorded)
    flagged_others: int


@dataclass(slots=True)
class Score:
    score: float
    band: str
    reasons: list[Reason] = field(default_factory=list)
    floor: str | None = None


def _age_days(on: date, occurred: date) -> int:
    return max(0, (on - occurred).days)


def base_score(hits: list[Hit], on: date, weights: ChildWeights) -> Score:
    """A child's score from their own indicator hits, before links to other children."""
    by_category: dict[str, list[tuple[float, Hit]]] = defaultdict(list)
    floor: Hit | None = None
    for hit in hits:
        if hit.legal_floor and (floor is None or _floor_before(hit, floor)):
            floor = hit
        multiplier = weights.recency.multiplier(hit.category, _age_days(on, hit.occurred))
        points = hit.weight * weights.category_scale.get(hit.category, 1.0) * multiplier
        if points > 0:
            by_category[hit.category].append((points, hit))

    reasons: list[Reason] = []
    total = 0.0
    for category in sorted(by_category):
        ranked = sorted(
            by_category[category], key=lambda ph: (-ph[0], ph[1].recorded, ph[1].hit_id)
        )
        room = weights.category_cap
        for rank, (points, hit) in enumerate(ranked):
            earned = min(points * weights.repeat_factor**rank, room)
            if earned < 0.005:
                break
            room -= earned
            total += earned
            reasons.append(
                Reason(
                    round(earned, 2),
                    category,
                    hit.indicator,
                    hit.agency,
                    hit.event_id,
                    hit.occurred,
                    hit.recorded,
                    hit.evidence,
                )
            )

    total += _corroboration(hits, on, weights, reasons)
    total += _escalation(hits, on, weights, reasons)

    band = weights.bands.band(total)
    floor_band = floor.legal_floor if floor else None
    if floor is not None and floor_band in BAND_RANK:
        reasons.append(
            Reason(
                0.0,
                floor.category,
                floor.indicator,
                floor.agency,
                floor.event_id,
                floor.occurred,
                floor.recorded,
                f"the law on age sets at least {floor_band}: {floor.evidence}",
            )
        )
        if BAND_RANK[floor_band] > BAND_RANK[band]:
            band = floor_band
    return Score(round(total, 2), band, reasons, floor_band)


def _floor_before(hit: Hit, other: Hit) -> bool:
    """The floor shown is the strongest, then the earliest recorded."""
    rank, other_rank = (
        BAND_RANK.get(hit.legal_floor or "", -1),
        BAND_RANK.get(other.legal_floor or "", -1),
    )
    return (rank, other.recorded, other.hit_id) > (other_rank, hit.recorded, hit.hit_id)


def _corroboration(
    hits: list[Hit], on: date, weights: ChildWeights, reasons: list[Reason]
) -> float:
    rules = weights.corroboration
    recent = [h for h in hits if _age_days(on, h.occurred) <= rules.window_days]
    categories = sorted({h.category for h in recent})
    agencies = sorted({h.agency for h in recent})
    extra_categories = min(len(categories), rules.max_categories_counted) - 1
    extra_agencies = min(len(agencies), rules.max_agencies_counted) - 1
    points = 0.0
    if extra_categories > 0:
        earned = extra_categories * rules.per_extra_category
        points += earned
        reasons.append(
            Reason(
                earned, "corroboration", "different_categories", None, None, None, None,
                f"signals of {len(categories)} different kinds in the last "
                f"{rules.window_days} days: {', '.join(categories)}",
            )
        )  # fmt: skip
    if extra_agencies > 0:
        earned = extra_agencies * rules.per_extra_agency
        points += earned
        reasons.append(
            Reason(
                earned, "corroboration", "different_agencies", None, None, None, None,
                f"signals recorded by {len(agencies)} agencies in the last "
                f"{rules.window_days} days: {', '.join(agencies)}",
            )
        )  # fmt: skip
    return points


def _escalation(hits: list[Hit], on: date, weights: ChildWeights, reasons: list[Reason]) -> float:
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


def decay_dates(hit: Hit, weights: ChildWeights) -> list[date]:
    """The dates on which this hit's contribution can fall without any new fact."""
    from datetime import timedelta

    days = {w.up_to_days for w in weights.recency.windows(hit.category)}
    days.add(weights.corroboration.window_days)
    days.update(rule.window_days for rule in weights.escalation if rule.category == hit.category)
    return sorted(hit.occurred + timedelta(days=d + 1) for d in days)


def link_score(findings: list[LinkFinding], weights: ChildWeights) -> tuple[float, list[Reason]]:
    """Points for links to adults and things around other flagged children."""
    rules = weights.links
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
                f"linked in {len(finding.events)} records to {finding.target}, who is also "
                f"linked to {finding.flagged_others} other flagged "
                f"child{'ren' if finding.flagged_others != 1 else ''}"
                if finding.target_kind == "person"
                else f"linked in {len(finding.events)} records to {finding.target_kind} "
                f"{finding.target}, also linked to {finding.flagged_others} other flagged "
                f"child{'ren' if finding.flagged_others != 1 else ''}",
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


def adult_score(links: list[ChildLink], weights: AdultWeights) -> Score:
    """An adult's score from the children linked to them and what those links were."""
    reasons: list[Reason] = []
    total = 0.0
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
            text = f"linked to a flagged child in {len(child_links)} records"
        elif others < weights.max_other_children_counted:
            others += 1
            earned = weights.points_per_other_child
            text = f"linked to a child in {len(child_links)} records"
        else:
            earned = 0.0
        if earned:
            total += earned
            reasons.append(
                Reason(earned, "links", "linked_child", latest.agency, latest.event_id,
                       latest.occurred, latest.recorded, text)
            )  # fmt: skip
        abuse = [x for x in child_links if x.suspect_in_abuse_event]
        if abuse and not abuse_cited and weights.suspect_in_sexual_abuse_event:
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
