"""Planted evidence around the networks' adults (issue 22): withdrawn disclosures, professionals'
sightings, and disruption actions with their effects.

- **Withdrawn disclosures.** Some victims disclose (an ABE interview, a disclosure to a social
  worker or teacher, written up as a sexual-offence report naming an adult) and, days or months
  later, withdraw: they will not support a prosecution, say nothing happened, or deny it. Some
  go missing or are seen with the men in between.
- **Professionals' sightings.** A patrol, a PCSO or school staff see a victim with a network
  adult or getting into his car: evidence that does not rest on the child's account.
- **Disruption actions.** A child abduction warning notice or a sexual risk order against an
  adult, an ANPR marker or a licensing referral on a car, a visit to a takeaway or hotel, written
  as the interchange's `disruption_actions`. Each has an effect on the records after its date
  (`networks._fields` asks `adult_at`, `vehicle_at`, `place_at`): it **works** (the adult, car or
  place no longer figures in the children's records), it **displaces** (the adult drives another
  car, the children are taken to another place), or it has **no effect**.

Every plan is drawn from its own random stream (`plan_rng`), and the records are written after
every other record of the county, so the rest of the county is as it was; the records of the
planted stories differ only where an action took effect. Truth: `truth/evidence_plants.csv`
(each planted disclosure, withdrawal and sighting) and `truth/disruptions.csv` (each action,
its target and its effect).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lantern.synth import formats
from lantern.synth.background import YEAR
from lantern.synth.population import Population, person_id
from lantern.synth.recorder import Recorder, Thing
from lantern.synth.vocabulary import Vocabulary

if TYPE_CHECKING:
    from lantern.synth.calendar import Calendar
    from lantern.synth.networks import Adult, Network, Victim
    from lantern.synth.output import TableWriter

WITHDRAWN_DISCLOSURE_RATE = 0.3  # victims who disclose and later withdraw
BETWEEN_MISSING_RATE = 0.5  # of those, who go missing between the two records
BETWEEN_CONTACT_RATE = 0.35  # of those, who are found with the men between the two records
SIGHTING_RATE = 0.35  # victims a professional sees with a network adult or his car
DISRUPTED_NETWORK_RATE = 0.75  # networks the partnership takes action against

# action -> (target kind, weight)
ACTIONS: dict[str, tuple[str, float]] = {
    "cawn": ("person", 3.0),
    "sexual_risk_order": ("person", 1.0),
    "bail_conditions": ("person", 1.0),
    "arrest": ("person", 1.0),
    "anpr_marker": ("vehicle", 1.5),
    "licensing_referral": ("vehicle", 1.0),
    "premises_visit": ("place", 2.0),
}
# target kind -> (effect, weight): an order against a man works or it does not; a car or a place
# the police watch is often swapped for another
EFFECTS: dict[str, tuple[tuple[str, float], ...]] = {
    "person": (("works", 0.5), ("none", 0.5)),
    "vehicle": (("works", 0.35), ("displaces", 0.45), ("none", 0.2)),
    "place": (("works", 0.35), ("displaces", 0.45), ("none", 0.2)),
}
OUTCOMES: dict[str, tuple[str, ...]] = {
    "cawn": ("served in person", "served; signed", "served at home address"),
    "sexual_risk_order": ("granted at magistrates' court, 2 years", "interim order granted"),
    "bail_conditions": ("not to contact named children; curfew 2100-0700", "RUI, then bailed"),
    "arrest": ("interviewed, released under investigation", "no comment interview; RUI"),
    "anpr_marker": ("marker placed", "ANPR marker set, 6 months"),
    "licensing_referral": ("licence suspended pending review", "referred to licensing committee"),
    "premises_visit": (
        "manager spoken to, staff briefed, CCTV requested",
        "advice given; premises on watch list",
        "hotel watch scheme leaflet given to reception",
    ),
}
OWNERS: dict[str, tuple[str, ...]] = {
    "cawn": ("CSE team", "DS {family}", "DC {family}"),
    "sexual_risk_order": ("DS {family}", "CSE team"),
    "bail_conditions": ("DC {family}", "OIC DC {family}"),
    "arrest": ("DC {family}", "CSE team"),
    "anpr_marker": ("Intelligence unit", "DC {family}"),
    "licensing_referral": ("Licensing officer {family}", "PC {family}, licensing"),
    "premises_visit": ("Neighbourhood team", "PCSO {family}", "CSE team"),
}


@dataclass
class Disruption:
    action: str
    target_kind: str
    day: int
    effect: str
    adult: int | None = None  # index into the network's adults (a person or their car)
    place: str = ""
    replacement: str = ""  # the new place, or the new car's VRM (displaces)
    replacement_car: str = ""
    owner: str = ""
    outcome: str = ""


# ------------------------------------------------------------------ the plan and its effects


def plan_disruptions(
    networks: list[Network], pop: Population, rng: random.Random, vocab: Vocabulary
) -> None:
    """Choose each network's actions (none for some), their dates and their effects."""
    for net in networks:
        if rng.random() >= DISRUPTED_NETWORK_RATE or net.ended - net.started < 300:
            continue
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            names = list(ACTIONS)
            action = rng.choices(names, weights=[ACTIONS[a][1] for a in names])[0]
            kind = ACTIONS[action][0]
            day = _action_day(net, rng)
            effects = EFFECTS[kind]
            effect = rng.choices([e for e, _ in effects], weights=[w for _, w in effects])[0]
            d = Disruption(action, kind, day, effect)
            named = [i for i, a in enumerate(net.adults) if a.person not in pop.unnamed]
            with_car = [i for i, a in enumerate(net.adults) if a.vehicle]
            if kind == "person":
                if not named:
                    continue
                d.adult = rng.choice(named)
            elif kind == "vehicle":
                d.adult = rng.choice(with_car)
                if effect == "displaces":
                    d.replacement = formats.vrm(rng)
                    d.replacement_car = rng.choice(vocab.cars)
            else:  # premises: the takeaway, or the hotel when the network uses one
                premises = [net.places[0]] + [
                    p for p in net.places[2:3] if p in vocab.places["hotels"]
                ]
                d.place = rng.choice(premises)
                if effect == "displaces":
                    pool = [p for p in vocab.places["takeaways"] + vocab.places["hotels"]
                            if p not in net.places]  # fmt: skip
                    d.replacement = rng.choice(pool)
            if any((o.target_kind, o.adult, o.place) == (kind, d.adult, d.place)
                   for o in net.disruptions):  # fmt: skip
                continue  # one action per target: its effect is then its own
            d.owner = rng.choice(OWNERS[action]).format(family=rng.choice(vocab.family))
            d.outcome = rng.choice(OUTCOMES[action])
            net.disruptions.append(d)


def _action_day(net: Network, rng: random.Random) -> int:
    """A day while the network is at its busiest: as many victims as possible groomed at least
    two months before and not recognised for six months after (so a panel has months either
    side to compare), drawn among such days."""
    spans = [(v.groomed_from + 60, v.recognised - 180) for v in net.victims]
    edges = sorted({d for span in spans for d in span if span[0] < span[1]})
    best, days = 0, []
    for day in edges:
        live = sum(1 for low, high in spans if low <= day <= high)
        if live > best:
            best, days = live, [day]
        elif live == best and best:
            days.append(day)
    if not days:  # no victim long enough: the middle of the network's life
        return net.started + int((net.ended - net.started) * rng.uniform(0.3, 0.7))
    low = rng.choice(days)
    high = min(high for lo, high in spans if lo <= low <= high)
    return rng.randrange(low, max(low + 1, min(high, low + 120)))


def _stopped(net: Network, day: int, kind: str) -> list[Disruption]:
    return [
        d
        for d in net.disruptions
        if d.target_kind == kind and d.effect in ("works", "displaces") and day >= d.day
    ]


def adult_at(net: Network, adult: Adult, day: int) -> Adult:
    """The adult as he figures in a child's record on `day`: one an order stopped is replaced
    by another of the network's adults (the network goes on without him)."""
    stopped = {
        net.adults[d.adult].person for d in _stopped(net, day, "person") if d.adult is not None
    }
    if adult.person not in stopped:
        return adult
    others = [a for a in net.adults if a.person not in stopped]
    return others[(adult.person + day) % len(others)] if others else adult


def vehicle_at(net: Network, adult: Adult, day: int) -> tuple[str, str] | None:
    """The car `adult` drives on `day`: a displaced car is swapped for its replacement."""
    for d in _stopped(net, day, "vehicle"):
        if d.adult is not None and net.adults[d.adult].person == adult.person:
            if d.effect == "displaces":
                return (d.replacement, d.replacement_car)
            return None  # works: the car is off the road (sold, seized, kept away)
    return adult.vehicle


def driver_at(net: Network, driver: Adult, day: int) -> Adult:
    """The network's driver on `day`: another adult with a car when this one's car stopped."""
    driver = adult_at(net, driver, day)
    if vehicle_at(net, driver, day) is not None:
        return driver
    others = [a for a in net.adults if vehicle_at(net, adult_at(net, a, day), day) is not None]
    return others[day % len(others)] if others else driver


def place_at(net: Network, place: str, day: int) -> str:
    """The place a child's record names on `day`: a place that works is given up (another of
    the network's places is used), a displaced one swapped for its replacement."""
    for d in _stopped(net, day, "place"):
        if d.place == place:
            if d.effect == "displaces":
                return d.replacement
            others = [p for p in net.places[:1] + net.places[2:] if p != place]
            return others[day % len(others)] if others else place
    return place


# ------------------------------------------------------------------ the records


def record_plants(
    networks: list[Network],
    pop: Population,
    calendar: Calendar,
    rec: Recorder,
    truth: TableWriter,
    rng: random.Random,
) -> int:
    """Write the withdrawn disclosures, sightings and disruption actions; returns events."""
    written = 0
    for net in networks:
        for victim in net.victims:
            if rng.random() < WITHDRAWN_DISCLOSURE_RATE:
                written += _withdrawn_disclosure(net, victim, pop, calendar, rec, truth, rng)
            if rng.random() < SIGHTING_RATE:
                written += _sighting(net, victim, pop, calendar, rec, truth, rng)
        _actions(net, pop, calendar, rec, truth, rng)
    return written


def _story_fields(net: Network, victim: Victim, day: int, pop: Population, rng: random.Random):
    from lantern.synth.networks import _fields

    return _fields(net, victim, day, pop, rng)


def _withdrawn_disclosure(
    net: Network,
    victim: Victim,
    pop: Population,
    calendar: Calendar,
    rec: Recorder,
    truth: TableWriter,
    rng: random.Random,
) -> int:
    child = victim.person
    span = victim.recognised - victim.groomed_from
    day = victim.groomed_from + int(span * rng.uniform(0.3, 0.85))
    gap = rng.randrange(5, 150)
    last = min(calendar.end - 2, pop.dob[child] + int(18 * YEAR) - 2)
    if day + gap > last or day < calendar.start:
        return 0
    fields, adults = _story_fields(net, victim, day, pop, rng)
    suspect = adults[1] if len(adults) > 1 else adults[0]
    fields["adult"] = (
        f"{pop.given[suspect.person]} {pop.family[suspect.person]}"
        if suspect.person not in pop.unnamed
        else f"'{rng.choice(suspect.nicknames)}'"
    )
    fields["nick"] = rng.choice(suspect.nicknames)
    disclosure = rec.event(
        "police",
        "sexual_offence_report",
        day,
        people=[(child, "victim"), (suspect.person, "suspect")],
        narrative=rec.narrative("plant_disclosure", child, **fields),
        lag_days=rng.randrange(0, 3),
        codes="hocr:19D" if pop.age_years(child, day) < 16 else "hocr:71",
        outcome="investigation",
        scenario="network_planted_disclosure",
        network_id=net.network_id,
        signal_person=child,
        decorate=False,
    )
    written = 1
    truth.row(
        "evidence_plants",
        ("disclosure", net.network_id, person_id(child), person_id(suspect.person), "police",
         disclosure, calendar.date(day)),
    )  # fmt: skip
    between = day + max(1, gap // 2)
    if rng.random() < BETWEEN_MISSING_RATE and between < day + gap:
        parent = rng.choice(pop.households[pop.household[child]].parents)
        rec.event(
            "police",
            "missing_report",
            between,
            people=[(child, "subject"), (parent, "reporter")],
            narrative=rec.narrative("missing_network", child, **fields),
            ended_day=between + 1,
            minute=rng.randrange(18 * 60, 24 * 60),
            scenario="network_missing",
            network_id=net.network_id,
            signal_person=child,
        )
        written += 1
    if rng.random() < BETWEEN_CONTACT_RATE and between + 1 < day + gap:
        rec.event(
            "police",
            "found_report",
            between + 1,
            people=[(child, "subject"), (suspect.person, "associate")],
            narrative=rec.narrative("found_network", child, **fields),
            minute=rng.randrange(20 * 60, 24 * 60),
            scenario="network_found",
            network_id=net.network_id,
            signal_person=child,
        )
        written += 1
    police = rng.random() < 0.6
    template = "plant_withdrawal_police" if police else "plant_withdrawal_sc"
    sw = pop.social_workers[(child * 7 + pop.household[child]) % len(pop.social_workers)]
    people = (
        [(child, "victim"), (suspect.person, "suspect")]
        if police
        else [(child, "subject"), (sw, "professional")]
    )
    outcome = ""
    codes = ""
    if police:
        outcome = rng.choice(
            ("filed", "Outcome 16", "NFA - evidential difficulties", "filed pending new evidence")
        )
        codes = "hoco:16" if rng.random() < 0.3 else ""
    withdrawal = rec.event(
        "police" if police else "social_care",
        "crime_report" if police else "contact",
        day + gap,
        people=people,
        narrative=rec.narrative(template, child, **fields),
        lag_days=rng.randrange(0, 5),
        outcome=outcome,
        codes=codes,
        scenario="network_withdrawal",
        network_id=net.network_id,
        signal_person=child,
        decorate=False,
    )
    truth.row(
        "evidence_plants",
        ("withdrawal", net.network_id, person_id(child), person_id(suspect.person),
         "police" if police else "social_care", withdrawal, calendar.date(day + gap)),
    )  # fmt: skip
    return written + 1


def _sighting(
    net: Network,
    victim: Victim,
    pop: Population,
    calendar: Calendar,
    rec: Recorder,
    truth: TableWriter,
    rng: random.Random,
) -> int:
    child = victim.person
    day = victim.groomed_from + rng.randrange(30, max(31, victim.recognised - victim.groomed_from))
    if day >= min(victim.recognised, calendar.end - 1):
        return 0
    fields, adults = _story_fields(net, victim, day, pop, rng)
    driver = adults[0]
    things = [Thing("vehicle", fields["vrm"], "seen_with_subject", fields["car"])]
    if rng.random() < 0.6 and driver.person not in pop.unnamed:  # a patrol knows the man
        fields["adult"] = f"{pop.given[driver.person]} {pop.family[driver.person]}"
        fields["adult_age"] = str(pop.age_years(driver.person, day))
        agency, event_type, template = "police", "incident", "plant_sighting_police"
        people = [(child, "subject"), (driver.person, "associate")]
        people.append((rng.choice(pop.officers), "professional"))
    else:  # school staff see the car, not who drives it
        agency, event_type, template = "education", "school_concern", "plant_sighting_school"
        people = [(child, "subject")]
        people.append(
            (pop.school_staff[int(pop.school[child]) % len(pop.school_staff)], "professional")
        )
        day = _weekday(day)
    ref = rec.event(
        agency,
        event_type,
        day,
        people=people,
        narrative=rec.narrative(template, child, **fields),
        minute=rng.randrange(15 * 60, 23 * 60)
        if agency == "police"
        else rng.randrange(12 * 60, 16 * 60),
        lag_days=rng.randrange(0, 3),
        things=things,
        place_name=fields["place"] if agency == "police" and rng.random() < 0.5 else "",
        scenario="network_sighting",
        network_id=net.network_id,
        signal_person=child,
    )
    truth.row(
        "evidence_plants",
        ("sighting", net.network_id, person_id(child), person_id(driver.person), agency, ref,
         calendar.date(day)),
    )  # fmt: skip
    return 1


def _weekday(day: int) -> int:
    from lantern.synth.calendar import school_day

    return school_day(day, forward=True)


def _actions(
    net: Network,
    pop: Population,
    calendar: Calendar,
    rec: Recorder,
    truth: TableWriter,
    rng: random.Random,
) -> None:
    for n, d in enumerate(net.disruptions, start=1):
        ref = f"DA{net.network_id}{n:02d}"
        person_ref, value, target = "", "", ""
        if d.target_kind == "person" and d.adult is not None:
            person = net.adults[d.adult].person
            person_ref = rec.registry.ref(person, "police", d.day)
            target = person_id(person)
        elif d.target_kind == "vehicle" and d.adult is not None:
            vrm = net.adults[d.adult].vehicle
            assert vrm is not None
            value = formats.vrm_as_written(vrm[0], rng)
            target = vrm[0]
        else:
            value = d.place
            target = d.place
        ended = ""
        if d.action in ("sexual_risk_order", "anpr_marker", "bail_conditions"):
            ended = calendar.date(min(calendar.end - 1, d.day + rng.randrange(90, 730)))
        recorded = calendar.timestamp(d.day + rng.randrange(0, 4), rng.randrange(8 * 60, 18 * 60))
        rec.dataset.row(
            "disruption_actions",
            ("police", ref, d.action, d.target_kind, person_ref, value, calendar.date(d.day),
             ended, recorded, d.owner, d.outcome, ""),
        )  # fmt: skip
        if d.effect == "displaces" and d.target_kind == "vehicle" and d.adult is not None:
            truth.row(
                "network_things",
                (net.network_id, "vehicle", d.replacement,
                 person_id(net.adults[d.adult].person), d.replacement_car),
            )  # fmt: skip
        truth.row(
            "disruptions",
            (net.network_id, "police", ref, d.action, d.target_kind, target, calendar.date(d.day),
             d.effect, d.replacement),
        )  # fmt: skip
