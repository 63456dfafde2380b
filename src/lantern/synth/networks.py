"""Planted exploitation networks: adults who groom children over months and years.

Each network has several adults with street names, phones, cars and places they use (a
takeaway, a flat, a park or hotel). Its first victims are vulnerable children near its base;
later victims are friends the earlier ones bring along (same school, similar age). Each
victim's records escalate across agencies from a first signal to a late formal recognition: a
strategy discussion naming CSE, or a sexual-offence report. How much each victim's agencies see
varies a great deal (a per-victim visibility draw): some leave a trail, some almost none.

Prevalence: `VICTIM_RATE` of children are planted victims (0.6%, within the 0.3-1% range
suggested by Oxfordshire's 373 known victims among roughly 140,000 children over 15 years and by
the Rotherham and Telford reviews), in networks of 3-14 children and 3-7 adults; never fewer
than `MIN_NETWORKS` networks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lantern.synth import evidence_plants as plants
from lantern.synth import followup, formats
from lantern.synth.background import YEAR, ordinary_spec
from lantern.synth.calendar import Calendar, school_day
from lantern.synth.confounders import care_episode, childrens_home_for
from lantern.synth.output import TableWriter
from lantern.synth.population import NETWORK_ADULT, Population, new_address, person_id
from lantern.synth.recorder import Recorder, Thing
from lantern.synth.timing import missing_day, missing_minute
from lantern.synth.vocabulary import Vocabulary

VICTIM_RATE = 0.006
MEAN_VICTIMS = 7.5
MIN_NETWORKS = 3
HISTORIC_DISCLOSURE_RATE = 0.3  # victims who later disclose how it began, recorded years on
RECOGNITION = ("prompt", "late")
# Late-recognition scenario (a sensitivity test, off by default): years between the point the
# prompt county recognises a network's victims and their recognition; (low, mode, high) of a
# triangular draw per network. See `late_recognition`.
LATE_DELAY_YEARS = (1.0, 3.0, 6.0)
LATE_JITTER_DAYS = 90
LATE_MAX_SIGNALS = 400  # a bound on one victim's records, whatever the delay
ESCALATION = 0.7  # a signal falls at u**ESCALATION of the way from grooming to recognition

# Boys: about 50 of Oxfordshire's 373 known victims (Bullfinch SCR, 2015), so about 1 in 7:
# 10% of networks target mainly boys (80% of their victims), elsewhere 7.5% of victims are
# boys (0.1 * 0.8 + 0.9 * 0.075 = 0.15; seeds 1-40 at 2,000 children: 133 of 776, 0.17;
# a 2,000-child county has 3 networks, so one county's share varies a great deal).
# Boys were recorded as offending, not as at risk ("associating with older males", possession, found in a car at night, shoplifting,
# arrested): their signs lean to arrests and stops (`SIGNALS`, `AVAILABLE`), with the boy as
# suspect, written with the `*_boy` templates (`BOY_TEMPLATE_SHARE` of the time).
BOYS_NETWORK_SHARE = 0.1
BOYS_IN_BOYS_NETWORK = 0.8
BOYS_ELSEWHERE = 0.075
BOY_TEMPLATE_SHARE = 0.8
# signal kind -> (agency, event_type, template, weight for girls, weight for boys)
SIGNALS: dict[str, tuple[str, str, str, float, float]] = {
    "grooming": ("education", "school_concern", "grooming_school", 4, 3),
    "absence": ("education", "absence", "absence_network", 6, 6),
    "exclusion": ("education", "exclusion", "exclusion_network", 1.5, 3),
    "missing": ("police", "missing_report", "missing_network", 10, 9),
    "found": ("police", "found_report", "found_network", 3, 3),
    "vehicle_stop": ("police", "vehicle_stop", "vehicle_stop_network", 2, 2),
    "intelligence": ("police", "intelligence", "intelligence_network", 2.5, 2),
    "ed": ("health", "ed_attendance", "ed_network", 2.5, 2),
    "sexual_health": ("health", "sexual_health_attendance", "sexual_health_network", 2.5, 0.3),
    "sti": ("health", "sti_diagnosis", "sti_network", 1.2, 0.5),
    "self_harm": ("health", "self_harm", "self_harm_network", 1.2, 0.8),
    "substance": ("health", "substance_misuse_service", "substance_network", 1, 2),
    "parent_report": ("police", "concern_for_welfare", "parent_report_network", 1.5, 1.2),
    "victim_blaming": ("social_care", "assessment", "victim_blaming_network", 1.5, 1),
    "disclosure": ("education", "school_concern", "disclosure_withdrawn", 0.8, 0.5),
    "arrest": ("police", "arrest", "arrest_network", 0.6, 6),
    "stop_search": ("police", "stop_search", "stop_search_network", 0.2, 3.5),
    "referral": ("social_care", "referral", "sc_referral_network", 1.5, 1.5),
    "missing_from_care": ("social_care", "missing_from_care", "missing_from_care_network", 0, 0),
}
ONCE = {"pregnancy", "termination"}
# sexual-health records of a victim start at 13, as ordinary business's do (data/rates.yaml):
# younger children are seen (and harmed) but through A&E, school and the police here
SEXUAL_HEALTH = {"sexual_health", "sti", "pregnancy", "termination"}
SEXUAL_HEALTH_FROM = 13
# signal kind -> probability that a victim's agencies ever see this kind of sign (girls, boys)
AVAILABLE: dict[str, tuple[float, float]] = {
    "grooming": (0.55, 0.4),
    "absence": (0.75, 0.75),
    "exclusion": (0.25, 0.45),
    "missing": (0.6, 0.75),
    "found": (0.35, 0.35),
    "vehicle_stop": (0.25, 0.25),
    "intelligence": (0.4, 0.3),
    "ed": (0.4, 0.3),
    "sexual_health": (0.4, 0.05),
    "sti": (0.2, 0.05),
    "self_harm": (0.3, 0.2),
    "substance": (0.3, 0.45),
    "parent_report": (0.35, 0.25),
    "victim_blaming": (0.4, 0.3),
    "disclosure": (0.15, 0.1),
    "arrest": (0.1, 0.8),
    "stop_search": (0.05, 0.6),
    "referral": (0.5, 0.45),
    "missing_from_care": (0.0, 0.0),  # added for looked-after victims
}


# --profile hard: a network man nobody identified, seen only as his car (network_adult records)
UNNAMED_STOPS = (
    "{vrm} ({car}) sighted {town} 0140 hrs, failed to stop for patrol. lost sight. RK no trace at "
    "address, vehicle not insured. marker placed.",
    "ANPR activation {vrm}. vehicle located parked up {town}, unattended. no keeper at address "
    "on record. intel log updated.",
    "Stop {vrm}, {car}. driver provided name and DOB which came back no trace; released, "
    "details to be verified. local name believed to be {nick}.",
    "{vrm} drove off from the forecourt without paying, {town}. {car}. keeper sold vehicle, "
    "no new keeper notified.",
)


UNNAMED_INTELLIGENCE = (
    "intel 3/C/4: male known as '{nick}' dealing cannabis from a car around {town}. not "
    "identified.",
    "Intelligence: '{nick}' described as 30s, local, drives; no further identifiers. {town}.",
    "intel: street name '{nick}' linked to a flat in {town}, occupants unknown.",
)


@dataclass
class Adult:
    person: int
    nicknames: list[str]
    phones: list[str]  # E.164
    vehicle: tuple[str, str] | None  # (VRM, description)
    handle: str = ""  # a social media handle, e.g. "@bash_07"


@dataclass
class Victim:
    person: int
    groomed_from: int
    recognised: int
    recruited_by: int | None
    in_care: bool
    visibility: float
    first_signal: int = 0
    recognition_kind: str = ""
    due: int = 0  # when the prompt scenario recognises the victim (the signs are stark by then)
    home: Any = None  # --profile hard: the children's home a looked-after victim lives in


@dataclass
class Network:
    network_id: str
    started: int
    ended: int
    district: int
    town: str
    flat_postcode: str
    places: list[str]
    boys: bool
    adults: list[Adult] = field(default_factory=list)
    victims: list[Victim] = field(default_factory=list)
    # actions taken against its adults, cars and places, and their effects (evidence_plants)
    disruptions: list[plants.Disruption] = field(default_factory=list)


def network_count(n_children: int) -> int:
    return max(MIN_NETWORKS, round(n_children * VICTIM_RATE / MEAN_VICTIMS))


def plan_networks(
    pop: Population,
    calendar: Calendar,
    rng: random.Random,
    nprng: np.random.Generator,
    vocab: Vocabulary,
    taken: np.ndarray,
    recognition: str = "prompt",
    delay_rng: random.Random | None = None,
) -> list[Network]:
    """Choose the networks, their adults and their victims (no records yet).

    Marks each victim in `taken` so that no child is in two planted stories. With
    `recognition="late"` each network's victims are recognised years after the signs are
    stark (`late_recognition`); the draws for it come from `delay_rng`, so every other draw
    (which children, which adults, when grooming began) is the same as in the prompt county."""
    if recognition not in RECOGNITION:
        raise ValueError(f"recognition must be one of {', '.join(RECOGNITION)}")
    district_of = np.array(
        [pop.households[h].district for h in pop.household[: pop.n_children]], dtype=np.int64
    )
    span = calendar.end - calendar.start
    networks: list[Network] = []
    for k in range(network_count(pop.n_children)):
        latest = calendar.end - max(int(0.35 * span), 300)
        started = calendar.start + rng.randrange(0, max(1, latest - calendar.start))
        ended = min(calendar.end - 20, started + rng.randrange(int(1.5 * YEAR), int(6 * YEAR)))
        flat_postcode, flat_address, town, district = new_address(rng, vocab)
        places = [
            rng.choice(vocab.places["takeaways"]),
            flat_address,
            rng.choice(vocab.places["parks"] + vocab.places["hotels"]),
            rng.choice(vocab.places["landmarks"]),
        ]
        net = Network(
            f"SN{k + 1:03d}",
            started,
            ended,
            district,
            town,
            flat_postcode,
            places,
            boys=rng.random() < BOYS_NETWORK_SHARE,
        )
        net.adults = _adults(pop, net, calendar, rng, vocab)
        net.victims = _victims(pop, net, taken, district_of, calendar, rng, nprng)
        if net.victims:
            networks.append(net)
    if recognition == "late":
        late_recognition(networks, pop, calendar, delay_rng or random.Random(0))
    return networks


def late_recognition(
    networks: list[Network], pop: Population, calendar: Calendar, rng: random.Random
) -> None:
    """Move each network's recognition years past the point the signs are stark.

    One delay per network (agencies recognise a group, in an operation), drawn from
    `LATE_DELAY_YEARS` (triangular), plus up to `LATE_JITTER_DAYS` per victim; bounded by the
    victim turning 18 and the end of the records, and never earlier than the prompt date.
    Sources (docs/synthetic-county.md): Operation Bullfinch, a ring suspected in 2005 and
    again in 2007, "what was known by 2007 was close to what triggered the operation in 2011"
    (4-6 years); Rochdale, a health team's 100+ referrals 2004-2010 (about 6 years)."""
    low, mode, high = LATE_DELAY_YEARS
    for net in networks:
        delay = int(rng.triangular(low, high, mode) * YEAR)
        for victim in net.victims:
            eighteen = pop.dob[victim.person] + int(18 * YEAR)
            latest = min(calendar.end - 20, eighteen - 10)
            late = victim.due + delay + rng.randrange(0, LATE_JITTER_DAYS)
            if late > latest:  # the operation comes at the end of the records, or at 18
                late = latest - rng.randrange(0, 60)
            victim.recognised = max(victim.due, late)
        net.ended = max([net.ended] + [v.recognised for v in net.victims])


def _adults(
    pop: Population, net: Network, calendar: Calendar, rng: random.Random, vocab: Vocabulary
) -> list[Adult]:
    adults: list[Adult] = []
    shared_family = rng.choice(vocab.family)
    nicknames = rng.sample(vocab.street_nicknames, 14)
    for a in range(rng.choice((3, 4, 4, 5, 5, 6, 7))):
        sex = "F" if rng.random() < 0.08 else "M"
        dob = net.started - rng.randrange(19 * 365, 46 * 365)
        family = shared_family if a < 2 and rng.random() < 0.5 else rng.choice(vocab.family)
        postcode = formats.postcode(vocab.districts[net.district][0], rng)
        address = f"{rng.randrange(1, 90)} {rng.choice(vocab.streets)}, {net.town}"
        phones = [formats.mobile_e164(rng) for _ in range(rng.choice((1, 1, 2, 3)))]
        person = pop.add(
            NETWORK_ADULT,
            sex,
            dob,
            pop.given_name_for(sex, rng, vocab),
            family,
            rng=rng,
            vocab=vocab,
            postcode=postcode,
            address=address,
            phone=phones[0],
            role_detail="network adult",
        )
        pop.issue_nhs(person)
        names = [nicknames[2 * a]] + ([nicknames[2 * a + 1]] if rng.random() < 0.3 else [])
        pop.aliases[person] = names
        pop.extra_phones[person] = phones[1:]
        vehicle = (formats.vrm(rng), rng.choice(vocab.cars)) if rng.random() < 0.6 else None
        handle = ""
        if rng.random() < 0.5:
            handle = f"@{names[0].lower().replace(' ', '_')}{rng.choice(('', '_', '.'))}{rng.randrange(1, 99):02d}"
        adults.append(Adult(person, names, phones, vehicle, handle))
    if not any(a.vehicle for a in adults):
        adults[0].vehicle = (formats.vrm(rng), rng.choice(vocab.cars))
    return adults


def _victims(
    pop: Population,
    net: Network,
    taken: np.ndarray,
    district_of: np.ndarray,
    calendar: Calendar,
    rng: random.Random,
    nprng: np.random.Generator,
) -> list[Victim]:
    wanted = max(2, min(14, int(round(rng.lognormvariate(np.log(MEAN_VICTIMS) - 0.1, 0.45)))))
    victims: list[Victim] = []
    attempts = 0
    while len(victims) < wanted and attempts < wanted * 6:
        attempts += 1
        recruiter = (
            victims[rng.randrange(len(victims))] if victims and rng.random() < 0.75 else None
        )
        if recruiter is None:
            groomed = net.started + rng.randrange(0, 200 + 90 * len(victims))
        else:
            groomed = recruiter.groomed_from + rng.randrange(30, 400)
        if groomed > net.ended - 150:
            continue
        age = (groomed - pop.child_dob) / YEAR
        ok = (age >= 11.0) & (age <= 16.3) & ~taken
        male_wanted = rng.random() < (BOYS_IN_BOYS_NETWORK if net.boys else BOYS_ELSEWHERE)
        ok &= pop.child_male == male_wanted
        weight = pop.vulnerability**1.5 * ok
        if recruiter is None:
            weight = weight * np.where(district_of == net.district, 6.0, 1.0)
        else:
            same_school = pop.school == pop.school[recruiter.person]
            near_age = np.abs(pop.child_dob - pop.child_dob[recruiter.person]) < 2 * YEAR
            weight = weight * np.where(same_school & near_age, 40.0, 1.0)
        total = weight.sum()
        if total <= 0:
            continue
        child = int(nprng.choice(pop.n_children, p=weight / total))
        eighteen = pop.dob[child] + int(18 * YEAR)
        latest = min(calendar.end - 20, eighteen - 10, net.ended + 200)
        recognised = groomed + rng.randrange(150, int(3.5 * YEAR))
        if recognised > latest:  # the operation: victims recognised within weeks of each other
            recognised = latest - rng.randrange(0, 60)
        if recognised - groomed < 120:
            continue
        taken[child] = True
        victims.append(
            Victim(
                child,
                groomed,
                recognised,
                recruiter.person if recruiter else None,
                in_care=rng.random() < 0.3,
                visibility=min(3.0, rng.lognormvariate(-0.3, 0.8)),
                due=recognised,
            )
        )
    return victims


# ---------------------------------------------------------------------- writing the records


def record_networks(
    networks: list[Network], pop: Population, calendar: Calendar, rec: Recorder, truth: TableWriter
) -> int:
    """Write every network's events and its ground truth; returns the number of events."""
    written = 0
    for net in networks:
        for victim in net.victims:
            written += _victim_story(net, victim, pop, calendar, rec)
        written += _adults_own_records(net, pop, calendar, rec)
        _truth(net, pop, calendar, truth)
    return written


def _victim_story(
    net: Network, victim: Victim, pop: Population, calendar: Calendar, rec: Recorder
) -> int:
    rng = rec.rng
    child = victim.person
    male = pop.sex[child] == "M"
    hh = pop.households[pop.household[child]]
    parent = rng.choice(hh.parents)
    carer = rng.choice(pop.foster_carers)
    sw = pop.social_workers[(child * 7 + pop.household[child]) % len(pop.social_workers)]
    written = 0
    if (
        victim.in_care
    ):  # the same care episode as any looked-after child's, lasting past recognition
        start = max(calendar.start, victim.groomed_from - rng.randrange(0, 700))
        eighteen = pop.dob[child] + int(18 * YEAR)
        length = max(rng.randrange(180, 6 * 365), victim.recognised - start + rng.randrange(0, 365))
        last = min(calendar.end - 1, eighteen - 1, start + length)
        victim.home = childrens_home_for(pop, child, start, rec)
        if victim.home is not None:
            carer = victim.home.staff[0]
        care_episode(pop, child, start, last, carer, sw, parent, calendar, rec, home=victim.home)
        written += 1
    months = (victim.recognised - victim.groomed_from) / 30.4
    count = int(np.clip(rng.gauss(1.3, 0.4) * months**0.7 * victim.visibility, 1, 60))
    # each victim's agencies see only some kinds of sign: many victims are never reported
    # missing, most never attend a sexual health clinic
    kinds = [k for k in SIGNALS if rng.random() < AVAILABLE[k][1 if male else 0]]
    if victim.in_care and rng.random() < 0.8:
        kinds.append("missing_from_care")
    if not kinds:
        kinds = ["absence"]
    weights = [float(SIGNALS[k][4] if male else SIGNALS[k][3]) or 6.0 for k in kinds]
    early = [k for k in ("grooming", "absence", "missing") if k in kinds]
    span = victim.due - victim.groomed_from
    # (day, early in the grooming): escalating towards the prompt recognition date, then, if
    # recognition is late, on at the rate reached by then (a Poisson process) until it comes
    moments = []
    for _ in range(count):
        u = rng.random() ** ESCALATION  # escalation: signals thicken towards recognition
        moments.append((victim.groomed_from + int(u * (span - 10)), u < 0.25))
    if victim.recognised > victim.due:
        per_day = count / ESCALATION / max(span - 10, 1)  # the density of u**0.7 at u = 1
        day_f = float(victim.due - 10)
        while len(moments) < LATE_MAX_SIGNALS:
            day_f += rng.expovariate(per_day)
            if day_f >= victim.recognised - 10:
                break
            moments.append((int(day_f), False))
    first_recorded: int | None = None
    used_once: set[str] = set()
    for day, beginning in moments:
        kind = rng.choices(kinds, weights=weights)[0]
        if beginning and early and rng.random() < 0.5:
            kind = rng.choice(early)
        if not male and kind == "sexual_health" and rng.random() < 0.25:
            kind = rng.choice(("pregnancy", "termination"))
            if kind in used_once:
                continue
            used_once.add(kind)
        if kind in SEXUAL_HEALTH and pop.age_years(child, day) < SEXUAL_HEALTH_FROM:
            continue  # realism: no clinic records these for an 11- or 12-year-old here
        if kind == "missing" and victim.in_care:
            kind = "missing_from_care"  # a looked-after child is missing from care
        agency, event_type = _recorded_by(kind, rng)
        if event_type in ("missing_report", "missing_from_care"):  # more at weekends
            day = max(victim.groomed_from, min(victim.recognised - 2, missing_day(day, rng)))
        if agency == "education":
            day = school_day(day, forward=True)  # never before the grooming began
        lag = _lag(kind, rng)
        lag = min(lag, victim.recognised - day - 1)
        written += _signal(
            kind, net, victim, day, lag, pop, calendar, rec, parent, carer, sw, agency, event_type
        )
        first_recorded = day + lag if first_recorded is None else min(first_recorded, day + lag)
    victim.first_signal = first_recorded if first_recorded is not None else victim.recognised - 1
    written += _recognition(net, victim, pop, rec, sw)
    if rng.random() < HISTORIC_DISCLOSURE_RATE:
        written += _historic_disclosure(net, victim, pop, rec)
    return written


def _historic_disclosure(net: Network, victim: Victim, pop: Population, rec: Recorder) -> int:
    """A report recorded long after recognition about how it began (occurred_at early)."""
    rng = rec.rng
    day = victim.groomed_from + rng.randrange(0, 90)
    fields, adults = _fields(net, victim, day, pop, rng)
    rec.event(
        "police",
        "sexual_offence_report",
        day,
        people=[(victim.person, "victim")] + [(a.person, "suspect") for a in adults[1:2]],
        narrative=rec.narrative("historic_disclosure", victim.person, **fields),
        lag_days=victim.recognised - day + rng.randrange(30, 900),
        codes="hocr:71",
        outcome="historic; investigation",
        scenario="network_historic_disclosure",
        network_id=net.network_id,
        signal_person=victim.person,
        decorate=False,
    )
    return 1


def _recorded_by(kind: str, rng: random.Random) -> tuple[str, str]:
    """(agency, event_type) that records this kind of sign."""
    if kind in ONCE:
        return "health", kind
    if kind == "parent_report" and rng.random() < 0.4:
        return "social_care", "contact"
    if kind == "victim_blaming":  # professionals in any agency write like this
        return rng.choice(
            (
                ("social_care", "assessment"),
                ("education", "school_concern"),
                ("police", "missing_report"),
                ("social_care", "contact"),
            )
        )
    return SIGNALS[kind][0], SIGNALS[kind][1]


def _lag(kind: str, rng: random.Random) -> int:
    if kind in ("missing", "found", "vehicle_stop", "ed"):
        return 0 if rng.random() < 0.9 else rng.randrange(1, 3)
    if kind == "intelligence":
        return rng.randrange(1, 45)
    if rng.random() < 0.06:
        return rng.randrange(30, 120)  # a backlog
    return rng.randrange(0, 15)


def _fields(
    net: Network, victim: Victim, day: int, pop: Population, rng: random.Random
) -> tuple[dict[str, str], list[Adult]]:
    adults = rng.sample(net.adults, min(len(net.adults), rng.choice((1, 1, 2, 2, 3))))
    with_car = [a for a in net.adults if a.vehicle]
    driver = rng.choice(with_car)
    vehicle = driver.vehicle
    if net.disruptions:  # after an action took effect: another man, another car (no new draws)
        adults = [plants.adult_at(net, a, day) for a in adults]
        now = plants.driver_at(net, driver, day)
        car_now = plants.vehicle_at(net, now, day)
        if car_now is not None:  # (no car left at all: the network keeps the one it had)
            driver, vehicle = now, car_now
    lead = adults[0]
    assert vehicle is not None
    vrm, car = vehicle
    written = formats.vrm_as_written(vrm, rng)
    nicks = [rng.choice(a.nicknames) for a in adults]
    fields = {
        "nick": nicks[0],
        "nick2": nicks[1] if len(nicks) > 1 else rng.choice(rng.choice(net.adults).nicknames),
        "adult": f"{pop.given[lead.person]} {pop.family[lead.person]}"
        if lead.person not in pop.unnamed
        else f"'{nicks[0]}'",
        "adult_age": str(pop.age_years(lead.person, day)),
        "vrm": written,
        "vrm_partial": written.replace(" ", "")[:4],
        "car": car,
        "place": plants.place_at(net, rng.choice(net.places[:1] + net.places[2:]), day),
        "town": net.town,
        "phone": formats.phone_as_written(rng.choice(lead.phones), rng),
        "age": str(pop.age_years(victim.person, day)),
        "partner_age": str(pop.age_years(lead.person, day)),
    }
    handles = [a.handle for a in adults if a.handle]
    if handles:
        fields["handle"] = handles[0]
    if victim.recruited_by is not None:
        fields["friend"] = pop.given[victim.recruited_by]
    return fields, [driver] + adults


def _signal(
    kind: str,
    net: Network,
    victim: Victim,
    day: int,
    lag: int,
    pop: Population,
    calendar: Calendar,
    rec: Recorder,
    parent: int,
    carer: int,
    sw: int,
    agency: str,
    event_type: str,
) -> int:
    rng = rec.rng
    child = victim.person
    template = f"{kind}_network" if kind in ONCE else SIGNALS[kind][2]
    if kind == "missing_from_care" and victim.home is not None:
        template = "home_missing_network"  # the children's home's own log
    male = pop.sex[child] == "M"
    if male and f"{template}_boy" in rec.vocab.templates and rng.random() < BOY_TEMPLATE_SHARE:
        template = f"{template}_boy"  # recorded as offending, not as at risk
    fields, adults = _fields(net, victim, day, pop, rng)
    driver = adults[0]
    # arrested and searched children are suspects in the record, victims or not
    people: list[tuple[int, str]] = [
        (child, "suspect" if kind in ("arrest", "stop_search") else "subject")
    ]
    things: list[Thing] = []
    text = rec.narrative(template, child, **fields)
    minute = rng.randrange(17 * 60, 24 * 60) if agency == "police" else None
    if event_type in ("missing_report", "missing_from_care"):
        minute = missing_minute(rng)  # evenings and nights (timing.py)
    ended = None
    place_name = ""
    postcode = followup.home_postcode(pop, child, rec) if agency == "police" else ""
    if kind in ("missing", "missing_from_care"):
        ended = day + rng.randrange(0, 3)
        people.append((carer if victim.in_care else parent, "reporter"))
        if victim.recruited_by is not None and rng.random() < 0.3:
            people.append((victim.recruited_by, "associate"))
        if "{vrm" in text or fields["vrm"] in text:
            things.append(Thing("vehicle", fields["vrm"], "seen_with_subject", fields["car"]))
    elif event_type == "missing_report":  # a judgement written on a missing report: an episode too
        ended = day + rng.randrange(0, 3)
        people.append((carer if victim.in_care else parent, "reporter"))
    if kind in ("found", "vehicle_stop", "stop_search"):
        people.append((driver.person, "associate" if rng.random() < 0.7 else "suspect"))
        for extra in adults[1:]:
            if rng.random() < 0.4:
                people.append((extra.person, "associate"))
        if fields["vrm"] in text:
            things.append(Thing("vehicle", fields["vrm"], "seen_with_subject", fields["car"]))
        place_name = fields["place"] if rng.random() < 0.6 else ""
        if rng.random() < 0.4:
            postcode = formats.postcode_as_written(net.flat_postcode, rng)
    if kind == "intelligence":
        if fields["vrm"] in text:
            things.append(Thing("vehicle", fields["vrm"], "used_by_suspect", fields["car"]))
        if fields["phone"] in text:
            things.append(Thing("phone", fields["phone"], "used_by_suspect"))
        if rng.random() < 0.35:
            people.append((adults[1].person, "suspect"))
    if "handle" in fields and fields["handle"] in text:
        things.append(Thing("social_handle", fields["handle"], "used_by_suspect"))
    if kind in ("missing_from_care", "referral", "victim_blaming") and rng.random() < 0.35:
        people.append((adults[-1].person, "associate"))  # social care knows them by a street name
    if kind == "parent_report":
        people.append((parent, "reporter"))
        if fields["vrm"] in text:
            things.append(Thing("vehicle", fields["vrm"], "seen_with_subject", fields["car"]))
        if fields["phone"] in text:
            things.append(Thing("phone", fields["phone"], "other"))
    if kind in ("grooming", "exclusion", "disclosure"):
        people.append(
            (pop.school_staff[int(pop.school[child]) % len(pop.school_staff)], "professional")
        )
    if agency == "social_care":
        people.append((sw, "professional"))
    if agency == "police" and rng.random() < 0.7:
        people.append((rng.choice(pop.officers), "professional"))
    if kind == "sexual_health" and rng.random() < 0.3 and not victim.in_care:
        things.append(
            Thing(
                "phone",
                formats.phone_as_written(rng.choice(driver.phones), rng),
                "other",
                "number given as 'boyfriend'",
            )
        )
    # written the way the agency writes that kind of record for any child: the same outcomes,
    # codes and share of hard-case sentences as its ordinary business (data/rates.yaml)
    spec = ordinary_spec(rec.vocab, agency, event_type)
    if rng.random() < spec.get("hard", 0.15):
        text = rec.with_hard_case(text, child, pop.age_years(child, day))
    codes = {
        "sti": "snomed:105629000",
        "pregnancy": "snomed:77386006",
        "termination": "snomed:386639001",
        "referral": "cin:10A" if rng.random() < 0.3 else "",
        "self_harm": "cin:15A" if agency == "social_care" else "",
    }.get(kind, "")
    if not codes:
        codes = rng.choice(spec.get("codes", [""]))
    if agency == "health" and rng.random() < 0.15:
        codes = ";".join(c for c in (codes, "snomed:716565009") if c)  # 'at increased risk of CSE'
    written = 1
    rec.event(
        agency,
        event_type,
        day,
        people=people,
        narrative=text,
        minute=minute,
        lag_days=lag,
        ended_day=ended,
        postcode=postcode,
        place_name=place_name,
        outcome=rng.choice(spec.get("outcome", [""])),
        things=things,
        codes=codes,
        scenario=f"network_{kind}",
        network_id=net.network_id,
        signal_person=child,
    )
    # the carer reports it to the police too, as for any looked-after child; a children's home
    # is the only recorder of its residents' episodes, unless it rings every one through
    if kind == "missing_from_care" and victim.home is not None:
        if victim.home.logs_every_late_return and rng.random() < 0.7:
            rec.event(
                "police",
                "missing_report",
                day,
                minute=minute if minute is not None else rng.randrange(18 * 60, 24 * 60),
                people=[(child, "subject"), (carer, "reporter")],
                narrative=rec.narrative("home_late_return_police", child, home=victim.home.name),
                ended_day=ended,
                postcode=formats.postcode_as_written(victim.home.postcode, rng),
                outcome=rng.choice(("self-returned", "returned", "located")),
                scenario="network_missing_from_care",
                network_id=net.network_id,
                signal_person=child,
            )
            written += 1
    elif kind == "missing_from_care":
        written += followup.police_twin(
            rec, pop, child, carer, day, ended, text,
            scenario="network_missing_from_care", network_id=net.network_id, minute=minute,
        )  # fmt: skip
    if ended is not None:
        hints = {k: fields[k] for k in ("nick", "place", "car", "town", "friend") if k in fields}
        written += followup.return_interview(
            rec, child, ended, sw, scenario="network_return_interview",
            network_id=net.network_id, **hints,
        )  # fmt: skip
    return written


def _recognition(net: Network, victim: Victim, pop: Population, rec: Recorder, sw: int) -> int:
    rng = rec.rng
    child = victim.person
    day = victim.recognised
    fields, adults = _fields(net, victim, day, pop, rng)
    if rng.random() < 0.6:
        victim.recognition_kind = "strategy_discussion"
        rec.event(
            "social_care",
            "strategy_discussion",
            day,
            people=[(child, "subject"), (sw, "professional")]
            + [(a.person, "associate") for a in adults[1:] if rng.random() < 0.3],
            narrative=rec.narrative("recognition_strategy", child, **fields),
            lag_days=rng.randrange(0, 4),
            codes="cin:11A",
            outcome="section 47 enquiries",
            scenario="network_recognition",
            decorate=False,
            network_id=net.network_id,
            signal_person=child,
        )
    else:
        victim.recognition_kind = "sexual_offence_report"
        age = pop.age_years(child, day)
        male = pop.sex[child] == "M"
        if age < 13:
            code = "hocr:19H" if male else "hocr:19E"
        elif age < 16:
            code = rng.choice(("hocr:19G", "hocr:22B") if male else ("hocr:19D", "hocr:22B"))
        else:
            code = "hocr:71"
        rec.event(
            "police",
            "sexual_offence_report",
            day,
            people=[(child, "victim")] + [(a.person, "suspect") for a in adults[1:]],
            narrative=rec.narrative("recognition_offence", child, **fields),
            lag_days=rng.randrange(0, 3),
            codes=code,
            outcome="investigation",
            scenario="network_recognition",
            decorate=False,
            network_id=net.network_id,
            signal_person=child,
        )
    return 1


def _adults_own_records(net: Network, pop: Population, calendar: Calendar, rec: Recorder) -> int:
    """The adults' own police records: stops, arrests, intelligence with no child named."""
    rng = rec.rng
    written = 0
    for adult in net.adults:
        for _ in range(rng.randrange(0, 4)):
            day = net.started + rng.randrange(-365, max(1, net.ended - net.started))
            day = max(calendar.start, min(calendar.end - 1, day))
            things = []
            vehicle = plants.vehicle_at(net, adult, day) if net.disruptions else adult.vehicle
            if adult.vehicle and rng.random() < 0.6 and vehicle:
                written_vrm = formats.vrm_as_written(vehicle[0], rng)
                things.append(Thing("vehicle", written_vrm, "owned_by", vehicle[1]))
                text = (
                    f"Vehicle {written_vrm} stopped, driver {pop.given[adult.person]} "
                    f"{pop.family[adult.person]}. Documents checked. No offences."
                )
                if adult.person in pop.unnamed:  # never identified: only the car is on record
                    things = [Thing("vehicle", written_vrm, "other", vehicle[1])]
                    text = rng.choice(UNNAMED_STOPS).format(
                        vrm=written_vrm,
                        car=vehicle[1],
                        town=net.town,
                        nick=adult.nicknames[0],
                    )
                event_type = "vehicle_stop"
            else:
                text = rng.choice(
                    (
                        "Arrested for possession of class B. Cautioned.",
                        "Intelligence: believed to be dealing cannabis from an address in {town}.",
                        "Arrested for driving while disqualified. Charged.",
                        "Assault on a male outside a pub in {town}. NFA, victim would not support.",
                    )
                ).format(town=net.town)
                event_type = "arrest" if text.startswith("Arrested") else "intelligence"
                if adult.person in pop.unnamed:  # never identified: the police hold a street name
                    text = rng.choice(UNNAMED_INTELLIGENCE).format(
                        nick=adult.nicknames[0], town=net.town
                    )
                    event_type = "intelligence"
            rec.event(
                "police",
                event_type,
                day,
                people=[(adult.person, "suspect" if event_type != "vehicle_stop" else "subject")],
                narrative=text,
                minute=rng.randrange(0, 1440),
                things=things,
                lag_days=0 if event_type != "intelligence" else rng.randrange(1, 30),
                scenario="network_adult",
                network_id=net.network_id,
                signal_person=adult.person,
            )
            written += 1
    return written


def _truth(net: Network, pop: Population, calendar: Calendar, truth: TableWriter) -> None:
    truth.row(
        "networks",
        (
            net.network_id,
            calendar.date(net.started),
            calendar.date(net.ended),
            len(net.adults),
            len(net.victims),
            ";".join(net.places),
        ),
    )
    for adult in net.adults:
        truth.row(
            "network_members",
            (net.network_id, person_id(adult.person), "adult", ";".join(adult.nicknames)),
        )
        for phone in adult.phones:
            truth.row(
                "network_things", (net.network_id, "phone", phone, person_id(adult.person), "")
            )
        if adult.vehicle:
            truth.row(
                "network_things",
                (
                    net.network_id,
                    "vehicle",
                    adult.vehicle[0],
                    person_id(adult.person),
                    adult.vehicle[1],
                ),
            )
    for victim in net.victims:
        truth.row("network_members", (net.network_id, person_id(victim.person), "child", ""))
        truth.row(
            "victims",
            (
                person_id(victim.person),
                net.network_id,
                pop.sex[victim.person],
                calendar.date(pop.dob[victim.person]),
                calendar.date(victim.groomed_from),
                calendar.date(victim.first_signal),
                calendar.date(victim.recognised),
                victim.recognition_kind,
                person_id(victim.recruited_by) if victim.recruited_by is not None else "",
                calendar.date(victim.due),
            ),
        )
