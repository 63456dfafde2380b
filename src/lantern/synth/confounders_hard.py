"""The `--profile hard` confounders: ordinary lives that look, to a naive rule, like grooming.

- Relatives who visit often (`relative_visits`): a nan, an uncle, an older cousin with a car and
  a phone, who collects the children from school, takes them to A&E, has them to stay and
  reports them missing when they do not come back to theirs. One such relative appears in
  dozens of records across three agencies.
- School transport (`taxi`): one private-hire firm holds the council's contract; its drivers
  carry children with special needs and looked-after children for years, several at a time,
  and appear in school, social-care and police records with the same cars.
- Older teenage partners (`teen_partner`): 17-year-olds whose partner is 18 or 19, with a car,
  a flat and a phone, in missing, vehicle-stop, sexual-health and social-care records.
- Missing to family from home (`missing_to_family`): children who go to a father who lives
  apart, or to family, without telling anyone, and are found there.

Children's homes (`care_home_missing`, `care_home_late_return`) are in `confounders.py`, where
every care episode is written. Every event here is labelled in `truth/signal_events` with its
scenario and its child; every person made here is in `truth/persons` with their kind
(`relative`, `taxi_driver`, `partner`, `parent`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from lantern.synth import followup, formats
from lantern.synth.background import YEAR, age_window, professional_for
from lantern.synth.calendar import Calendar, school_day
from lantern.synth.population import (
    PARENT,
    PARTNER,
    RELATIVE,
    TAXI_DRIVER,
    Population,
    add_professional,
    new_address,
    new_address_near,
)
from lantern.synth.profiles import Profile
from lantern.synth.recorder import Recorder, Thing
from lantern.synth.timing import missing_day, missing_minute
from lantern.synth.vocabulary import Vocabulary

VISITS_PER_YEAR = 1.6  # records a visiting relative appears in, per child per year
TRANSPORT_PER_YEAR = 3.0  # records naming the driver, per transported child per year
HOME_NAMES = (
    "Beech House",
    "The Willows",
    "Orchard Lodge",
    "Cedar View",
    "Hillside",
    "Meadow Court",
    "Larch House",
    "Riverside Lodge",
)
VISITOR_RELATIONS = ("grandmother", "grandmother", "grandfather", "uncle", "aunt", "older cousin")


@dataclass
class Home:
    """A children's home: its address, its staff, and whether it logs every late return as a
    missing episode (one home in every county does)."""

    name: str
    postcode: str
    address: str
    staff: list[int] = field(default_factory=list)
    logs_every_late_return: bool = False


def add_pools(
    pop: Population, profile: Profile, calendar: Calendar, rng: random.Random, vocab: Vocabulary
) -> None:
    """Visiting relatives (with cars), the transport firm's drivers, children's homes."""
    for hh_index, hh in enumerate(pop.households):
        if rng.random() >= profile.visiting_relatives:
            continue
        relation = rng.choice(VISITOR_RELATIONS)
        sex = (
            "F"
            if relation in ("grandmother", "aunt")
            else rng.choice("MF" if "cousin" in relation else "M")
        )
        eldest = min(pop.dob[c] for c in hh.children)
        if "grand" in relation:
            dob = eldest - rng.randrange(40 * 365, 62 * 365)
        elif "cousin" in relation:
            dob = eldest - rng.randrange(6 * 365, 12 * 365)
        else:
            dob = eldest - rng.randrange(18 * 365, 40 * 365)
        postcode, address, _, _ = new_address_near(hh.district, rng, vocab)
        family = pop.family[hh.children[0]] if rng.random() < 0.6 else rng.choice(vocab.family)
        relative = pop.add_named(
            RELATIVE,
            sex,
            dob,
            rng=rng,
            vocab=vocab,
            family=family,
            household=hh_index,
            postcode=postcode,
            address=address,
            role_detail=relation,
        )
        pop.issue_nhs(relative)
        hh.relatives.append(relative)
        pop.visitors[hh_index] = relative
        pop.cars[relative] = (formats.vrm(rng), rng.choice(vocab.cars))
    firm = rng.choice(vocab.taxi_firms)
    for _ in range(max(5, pop.n_children // 400)):
        postcode, address, _, _ = new_address(rng, vocab)
        driver = pop.add(
            TAXI_DRIVER,
            "M" if rng.random() < 0.85 else "F",
            calendar.start - rng.randrange(23 * 365, 64 * 365),
            "",
            rng.choice(vocab.family),
            rng=rng,
            vocab=vocab,
            postcode=postcode,
            address=address,
            phone=formats.mobile_e164(rng),
            role_detail="taxi driver",
        )
        pop.given[driver] = pop.given_name_for(pop.sex[driver], rng, vocab)
        pop.contract_drivers.append(driver)
        pop.taxi_vehicles[driver] = (formats.vrm(rng), rng.choice(vocab.cars), firm)
    for k in range(max(2, pop.n_children // 2000)):
        postcode, address, _, _ = new_address(rng, vocab)
        home = Home(HOME_NAMES[k % len(HOME_NAMES)], postcode, address)
        home.logs_every_late_return = k == 0
        for detail in (
            "children's home manager",
            "residential care worker",
            "residential care worker",
        ):
            worker = add_professional(pop, "social_care", detail, calendar, rng, vocab, (22, 55))
            home.staff.append(worker)
        pop.homes.append(home)


def _name(pop: Population, person: int) -> str:
    return f"{pop.given[person]} {pop.family[person]}"


def visiting_relatives(
    pop: Population,
    children: np.ndarray,
    calendar: Calendar,
    nprng: np.random.Generator,
    rec: Recorder,
) -> None:
    """Every child of a household with a visiting relative: the relative in their records."""
    rng = rec.rng
    start, end = age_window(pop, children, calendar, 0, 17)
    for i, child in enumerate(children.tolist()):
        relative = pop.visitors.get(pop.household[child])
        if relative is None or end[i] - start[i] < 30:
            continue
        years = (end[i] - start[i]) / YEAR
        vrm, car = pop.cars[relative]
        relation = pop.role_detail[relative]
        for _ in range(int(nprng.poisson(VISITS_PER_YEAR * years))):
            day = int(start[i]) + rng.randrange(0, int(end[i] - start[i]))
            age = pop.age_years(child, day)
            kinds = ["ed", "stay", "gp"]
            if 4 <= age <= 16:
                kinds += ["collect", "collect", "collect"]
            if age >= 10:
                kinds += ["missing", "welfare"]
            kind = rng.choice(kinds)
            fields = {
                "relative": _name(pop, relative),
                "relation": relation,
                "relative_given": pop.given[relative],
                "car": car,
                "age": str(age),
            }
            if kind == "collect":
                written = formats.vrm_as_written(vrm, rng)
                text = rec.narrative("relative_collects", child, vrm=written, **fields)
                rec.event(
                    "education",
                    "note",
                    school_day(day),
                    minute=rng.randrange(15 * 60, 15 * 60 + 50),
                    people=[(child, "subject"), (relative, "associate")],
                    narrative=text,
                    things=[Thing("vehicle", written, "seen_with_subject", car)]
                    if written in text
                    else [],
                    scenario="relative_visits",
                    signal_person=child,
                )
            elif kind == "ed":
                rec.event(
                    "health",
                    "ed_attendance",
                    day,
                    minute=rng.randrange(0, 1440),
                    people=[(child, "subject"), (relative, "associate")],
                    narrative=rec.narrative("relative_brings_to_ed", child, **fields),
                    outcome=rng.choice(("discharged", "discharged home", "admitted")),
                    scenario="relative_visits",
                    signal_person=child,
                )
            elif kind == "gp":
                rec.event(
                    "health",
                    "gp_consultation",
                    day,
                    people=[(child, "subject"), (relative, "associate")],
                    narrative=rec.narrative("relative_brings_to_gp", child, **fields),
                    scenario="relative_visits",
                    signal_person=child,
                )
            elif kind == "stay":
                rec.event(
                    "social_care",
                    "contact",
                    day,
                    people=[
                        (child, "subject"),
                        (relative, "associate"),
                        (professional_for(pop, child, "social_care", rng), "professional"),
                    ],
                    narrative=rec.narrative("relative_stay", child, **fields),
                    outcome=rng.choice(("NFA", "advice and information", "early help")),
                    lag_days=rng.randrange(0, 6),
                    scenario="relative_visits",
                    signal_person=child,
                )
            elif kind == "welfare":
                rec.event(
                    "police",
                    "concern_for_welfare",
                    day,
                    minute=missing_minute(rng),
                    people=[(child, "subject"), (relative, "reporter")],
                    narrative=rec.narrative("relative_welfare_call", child, **fields),
                    outcome="safe and well",
                    scenario="relative_visits",
                    signal_person=child,
                )
            else:  # staying at the relative's and not back when expected
                day = min(int(end[i]) - 1, missing_day(day, rng))
                back = day + rng.randrange(0, 2)
                rec.event(
                    "police",
                    "missing_report",
                    day,
                    minute=missing_minute(rng),
                    people=[
                        (child, "subject"),
                        (relative, "reporter"),
                        (rng.choice(pop.officers), "professional"),
                    ],
                    narrative=rec.narrative("relative_reports_missing", child, **fields),
                    ended_day=back,
                    postcode=formats.postcode_as_written(pop.postcode[relative], rng),
                    outcome=rng.choice(("returned", "located", "self-located")),
                    scenario="relative_visits",
                    signal_person=child,
                )
                followup.found_report(rec, child, back, scenario="relative_visits")
                sw = professional_for(pop, child, "social_care", rng)
                followup.return_interview(rec, child, back, sw, scenario="relative_visits")


def school_transport(
    pop: Population,
    children: np.ndarray,
    calendar: Calendar,
    nprng: np.random.Generator,
    rec: Recorder,
    in_care: list[int],
) -> None:
    """Contracted transport to school for some children (and every looked-after child in the
    chunk, often): the same few drivers and cars, for years, several children at a time."""
    rng = rec.rng
    profile = rec.profile
    start, end = age_window(pop, children, calendar, 5, 16)
    chance = np.clip(profile.school_transport * pop.vulnerability[children] ** 0.7, 0, 0.3)
    chosen = nprng.random(len(children)) < chance
    looked_after = set(in_care)
    for i, child in enumerate(children.tolist()):
        if not (chosen[i] or (child in looked_after and rng.random() < 0.5)):
            continue
        if end[i] - start[i] < 120:
            continue
        first = int(start[i]) + rng.randrange(0, int(end[i] - start[i]) - 60)
        last = min(int(end[i]), first + rng.randrange(300, 4 * 365))
        driver = rng.choice(pop.contract_drivers)
        riders = pop.riders.setdefault(driver, [])
        riders.append(child)
        years = (last - first) / YEAR
        for _ in range(max(1, int(nprng.poisson(TRANSPORT_PER_YEAR * years)))):
            day = school_day(first + rng.randrange(0, max(1, last - first)))
            if rng.random() < 0.1:  # the rota changes: another driver that day
                driver = rng.choice(pop.contract_drivers)
            vrm, car, firm = pop.taxi_vehicles[driver]
            written = formats.vrm_as_written(vrm, rng)
            fields = {
                "driver": _name(pop, driver),
                "driver_given": pop.given[driver],
                "firm": firm,
                "car": car,
                "vrm": written,
                "age": str(pop.age_years(child, day)),
            }
            others = [c for c in pop.riders.get(driver, []) if c != child]
            people = [(child, "subject"), (driver, "other")]
            if others and rng.random() < 0.35:
                people.append((rng.choice(others[-6:]), "other"))
            roll = rng.random()
            if roll < 0.55:
                agency, event_type, key = "education", "note", "transport_school"
                minute = rng.choice(
                    (rng.randrange(8 * 60, 9 * 60), rng.randrange(15 * 60, 16 * 60))
                )
            elif roll < 0.85:
                agency, event_type, key = "social_care", "contact", "transport_contact"
                minute = rng.randrange(9 * 60, 18 * 60)
            else:
                agency, event_type, key = "police", "incident", "transport_police"
                minute = rng.randrange(7 * 60, 19 * 60)
            text = rec.narrative(key, child, **fields)
            rec.event(
                agency,
                event_type,
                day,
                minute=minute,
                people=people,
                narrative=text,
                things=[Thing("vehicle", written, "seen_with_subject", car)]
                if written in text
                else [],
                lag_days=rng.randrange(0, 4),
                outcome="NFA" if agency == "police" else "",
                scenario="taxi",
                signal_person=child,
            )


def older_teen_partners(
    pop: Population,
    children: np.ndarray,
    calendar: Calendar,
    nprng: np.random.Generator,
    rec: Recorder,
) -> None:
    """17-year-olds with a partner of 18 or 19 who has a car, a flat and a phone."""
    rng, vocab = rec.rng, rec.vocab
    start, end = age_window(pop, children, calendar, 17, 17)
    chosen = (nprng.random(len(children)) < rec.profile.older_teen_partners) & (end - start > 90)
    for i in np.flatnonzero(chosen).tolist():
        child = int(children[i])
        if pop.sex[child] == "F":
            sex = "M" if rng.random() < 0.93 else "F"
        else:
            sex = "F" if rng.random() < 0.85 else "M"
        gap = rng.randrange(int(1.05 * YEAR), int(2.9 * YEAR))
        postcode, address, _, _ = new_address_near(
            pop.households[pop.household[child]].district, rng, vocab
        )
        partner = pop.add_named(
            PARTNER,
            sex,
            pop.dob[child] - gap,
            rng=rng,
            vocab=vocab,
            postcode=postcode,
            address=address,
            role_detail="partner",
        )
        pop.issue_nhs(partner)
        car = (formats.vrm(rng), rng.choice(vocab.cars)) if rng.random() < 0.55 else None
        parent = rng.choice(pop.households[pop.household[child]].parents)
        for _ in range(rng.randrange(3, 8)):
            day = int(start[i]) + rng.randrange(0, int(end[i] - start[i]))
            if not 18 <= pop.age_years(partner, day) <= 19:
                continue
            fields = {
                "partner_noun": {"M": "boyfriend", "F": "girlfriend"}[sex],
                "partner": pop.given[partner],
                "partner_full": _name(pop, partner),
                "partner_age": str(pop.age_years(partner, day)),
                "age": str(pop.age_years(child, day)),
                "town": address.rsplit(", ", 1)[-1],
            }
            things: list[Thing] = []
            kinds = ["missing", "sexual_health", "contact", "argument"]
            if car:
                kinds += ["stop", "stop"]
            kind = rng.choice(kinds)
            if kind in ("stop",) and car:
                written = formats.vrm_as_written(car[0], rng)
                fields.update(vrm=written, car=car[1])
                text = rec.narrative("partner_stop", child, **fields)
                if written in text:
                    things.append(Thing("vehicle", written, "seen_with_subject", car[1]))
                rec.event(
                    "police",
                    "vehicle_stop",
                    day,
                    minute=missing_minute(rng),
                    people=[(child, "subject"), (partner, "associate")],
                    narrative=text,
                    things=things,
                    outcome=rng.choice(("words of advice", "NFA", "traffic offence report")),
                    scenario="teen_partner",
                    signal_person=child,
                )
            elif kind == "missing":
                day = min(int(end[i]) - 1, missing_day(day, rng))
                back = day + rng.randrange(0, 2)
                rec.event(
                    "police",
                    "missing_report",
                    day,
                    minute=missing_minute(rng),
                    people=[(child, "subject"), (parent, "reporter"), (partner, "associate")],
                    narrative=rec.narrative("partner_missing", child, **fields),
                    ended_day=back,
                    postcode=formats.postcode_as_written(postcode, rng)
                    if rng.random() < 0.5
                    else "",
                    outcome=rng.choice(("located", "returned", "found safe and well")),
                    scenario="teen_partner",
                    signal_person=child,
                )
                sw = professional_for(pop, child, "social_care", rng)
                followup.return_interview(rec, child, back, sw, scenario="teen_partner")
            elif kind == "sexual_health":
                text = rec.narrative("partner_sexual_health", child, **fields)
                if rng.random() < 0.4:
                    things.append(
                        Thing(
                            "phone",
                            formats.phone_as_written(pop.phone[partner], rng),
                            "other",
                            "partner's number",
                        )
                    )
                rec.event(
                    "health",
                    "sexual_health_attendance",
                    day,
                    people=[(child, "subject")]
                    + ([(partner, "associate")] if rng.random() < 0.5 else []),
                    narrative=text,
                    things=things,
                    scenario="teen_partner",
                    signal_person=child,
                )
            elif kind == "contact":
                rec.event(
                    "social_care",
                    "contact",
                    day,
                    people=[(child, "subject"), (parent, "parent"), (partner, "associate")],
                    narrative=rec.narrative("partner_contact", child, **fields),
                    outcome=rng.choice(("NFA", "advice and information")),
                    lag_days=rng.randrange(0, 5),
                    scenario="teen_partner",
                    signal_person=child,
                )
            else:
                rec.event(
                    "police",
                    "incident",
                    day,
                    minute=missing_minute(rng),
                    people=[(child, "subject"), (partner, "associate")],
                    narrative=rec.narrative("partner_argument", child, **fields),
                    outcome=rng.choice(("words of advice", "NFA", "no offences disclosed")),
                    scenario="teen_partner",
                    signal_person=child,
                )


def missing_to_family_home(
    pop: Population,
    children: np.ndarray,
    calendar: Calendar,
    nprng: np.random.Generator,
    rec: Recorder,
    in_care: list[int],
) -> None:
    """Children who go missing from home to a parent who lives apart or to family, and are
    found there: reported like any missing child, benign."""
    rng, vocab = rec.rng, rec.vocab
    start, end = age_window(pop, children, calendar, 10, 17)
    chance = np.clip(
        rec.profile.missing_to_family_home * pop.vulnerability[children] ** 0.8, 0, 0.4
    )
    chosen = (nprng.random(len(children)) < chance) & (end - start > 60)
    looked_after = set(in_care)
    for i in np.flatnonzero(chosen).tolist():
        child = int(children[i])
        if child in looked_after:
            continue
        hh = pop.households[pop.household[child]]
        mother = hh.parents[0]
        family_member = pop.away_parent.get(pop.household[child])
        if family_member is None and len(hh.parents) == 1:
            postcode, address, _, _ = new_address_near(hh.district, rng, vocab)
            family_member = pop.add_named(
                PARENT,
                "M",
                pop.dob[mother] + rng.randrange(-6 * 365, 8 * 365),
                rng=rng,
                vocab=vocab,
                family=pop.family[child],
                family_odds=0.7,
                postcode=postcode,
                address=address,
                role_detail="father, lives apart",
            )
            pop.issue_nhs(family_member)
            pop.away_parent[pop.household[child]] = family_member
        if family_member is None:
            family_member = rng.choice(hh.relatives) if hh.relatives else hh.parents[-1]
        relation = pop.role_detail[family_member].split(",")[0]
        for _ in range(rng.randrange(1, 5)):
            day = int(start[i]) + rng.randrange(0, int(end[i] - start[i]))
            day = min(int(end[i]) - 1, missing_day(day, rng))
            back = day + rng.randrange(0, 3)
            fields = {
                "relative": _name(pop, family_member),
                "relation": relation,
                "relative_given": pop.given[family_member],
                "age": str(pop.age_years(child, day)),
            }
            rec.event(
                "police",
                "missing_report",
                day,
                minute=missing_minute(rng),
                people=[
                    (child, "subject"),
                    (mother, "reporter"),
                    (rng.choice(pop.officers), "professional"),
                ],
                narrative=rec.narrative("missing_to_family_home", child, **fields),
                ended_day=back,
                postcode=followup.home_postcode(pop, child, rec),
                outcome=rng.choice(("located", "returned", "found safe and well")),
                scenario="missing_to_family",
                signal_person=child,
            )
            if rng.random() < 0.6:
                rec.event(
                    "police",
                    "found_report",
                    back,
                    minute=rng.randrange(0, 1440),
                    people=[(child, "subject"), (family_member, "associate")],
                    narrative=rec.narrative("found_with_family", child, **fields),
                    postcode=formats.postcode_as_written(pop.postcode[family_member], rng),
                    outcome="found safe and well",
                    scenario="missing_to_family",
                    signal_person=child,
                )
            sw = professional_for(pop, child, "social_care", rng)
            followup.return_interview(rec, child, back, sw, scenario="missing_to_family")
