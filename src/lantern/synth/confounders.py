"""Patterns that look like exploitation to a naive rule and are not.

- Children in care: placements with foster carers (who look after many children over the
  years), missing from care *to family*, return interviews, taxis to school (drivers and their
  cars recur with many children).
- Relatives: uncles, grandparents and older brothers who appear alongside children.
- Teenage partners: 16- and 17-year-olds with 18- and 19-year-old partners, known to family.

- Children's homes (`--profile hard`): looked-after teenagers placed in a home whose staff are
  the only recorder of their missing episodes (`care_home_missing`: no police record), and one
  home that logs every late return as a missing episode and rings the police each time
  (`care_home_late_return`).

Every event written here is labelled in `truth/signal_events` with its scenario.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lantern.synth import followup, formats
from lantern.synth.background import YEAR, age_window, professional_for
from lantern.synth.calendar import Calendar
from lantern.synth.population import PARTNER, Population, new_address
from lantern.synth.recorder import Recorder, Thing
from lantern.synth.timing import missing_day, missing_minute

CARE_RATE = 0.012  # share of children with a care episode in the window (times vulnerability)
PARTNER_RATE = 0.03  # share of 16-17-year-olds with a partner of 18 or 19 who shows up in records


def looked_after(
    pop: Population,
    children: np.ndarray,
    calendar: Calendar,
    nprng: np.random.Generator,
    rec: Recorder,
) -> list[int]:
    """Care episodes for some of the chunk's children; returns the children taken into care."""
    start, end = age_window(pop, children, calendar, 0, 16.5)
    chance = np.clip(CARE_RATE * pop.vulnerability[children] ** 1.5, 0, 0.5)
    chosen = (nprng.random(len(children)) < chance) & (end - start > 120)
    rng = rec.rng
    in_care: list[int] = []
    for i in np.flatnonzero(chosen).tolist():
        child = int(children[i])
        in_care.append(child)
        first = int(start[i]) + rng.randrange(0, int(end[i] - start[i]))
        eighteen = pop.dob[child] + int(18 * YEAR)
        last = min(calendar.end - 1, eighteen - 1, first + rng.randrange(180, 6 * 365))
        sw = professional_for(pop, child, "social_care", rng)
        parent = rng.choice(pop.households[pop.household[child]].parents)
        carer = rng.choice(pop.foster_carers)
        home = childrens_home_for(pop, child, first, rec)
        care_episode(
            pop,
            child,
            first,
            last,
            home.staff[0] if home else carer,
            sw,
            parent,
            calendar,
            rec,
            home=home,
        )
    return in_care


def childrens_home_for(pop: Population, child: int, day: int, rec: Recorder) -> Any:
    """`--profile hard`: a children's home for a looked-after teenager (None: foster care)."""
    share = rec.profile.childrens_home
    if not share or not pop.homes or pop.age_years(child, day) < 11:
        return None
    if rec.rng.random() >= share:
        return None
    # the home that logs every late return (the first) is the largest: twice the places
    return rec.rng.choices(pop.homes, weights=[2] + [1] * (len(pop.homes) - 1))[0]


def care_episode(
    pop: Population,
    child: int,
    first: int,
    last: int,
    carer: int,
    sw: int,
    parent: int,
    calendar: Calendar,
    rec: Recorder,
    home: Any = None,
) -> None:
    """A care episode from `first` to `last`: its start, visits, taxis, placement moves, going
    missing to family, and its end if it ends in the window. Planted victims who are looked
    after live through the same episode (networks._victim_story). In a children's home
    (`home`, --profile hard) the home's staff record what happens (`_home_stretch`)."""
    rng = rec.rng
    eighteen = pop.dob[child] + int(18 * YEAR)
    rec.event(
        "social_care",
        "care_episode_start",
        first,
        people=[(child, "subject"), (parent, "parent"), (sw, "professional"), (carer, "carer")],
        narrative=rec.narrative("care_start", child),
        lag_days=rng.randrange(0, 5),
        codes="cin:N1" if rng.random() < 0.5 else "",
        scenario="looked_after",
        signal_person=child,
    )
    day = first
    while True:
        day += rng.randrange(20, 200)
        if day >= last:
            break
        if home is not None:
            _home_stretch(pop, child, day, home, sw, rec)
            continue
        _care_month(pop, child, day, carer, sw, calendar, rec)
        if rng.random() < 0.08:
            carer = rng.choice(pop.foster_carers)
            rec.event(
                "social_care",
                "placement_move",
                day,
                people=[(child, "subject"), (carer, "carer"), (sw, "professional")],
                narrative=rec.narrative("placement_move", child),
                lag_days=rng.randrange(0, 10),
                scenario="looked_after",
                signal_person=child,
            )
    if last < calendar.end - 1 and last < eighteen - 1:
        rec.event(
            "social_care",
            "care_episode_end",
            last,
            people=[(child, "subject"), (sw, "professional"), (parent, "parent")],
            narrative=rec.narrative("care_end", child),
            lag_days=rng.randrange(0, 10),
            scenario="looked_after",
            signal_person=child,
        )


def _care_month(
    pop: Population, child: int, day: int, carer: int, sw: int, calendar: Calendar, rec: Recorder
) -> None:
    """One stretch of a placement: a visit, and for teenagers, going missing to family."""
    rng = rec.rng
    age = pop.age_years(child, day)
    roll = rng.random()
    carer_name = f"{pop.given[carer]} {pop.family[carer]}"
    if roll < 0.35:
        rec.event(
            "social_care",
            "contact",
            day,
            people=[(child, "subject"), (carer, "carer"), (sw, "professional")],
            narrative=rec.narrative("foster_carer_note", child, carer_name=carer_name),
            lag_days=rng.randrange(0, 14),
            scenario="looked_after",
            signal_person=child,
        )
    elif roll < 0.55 and 5 <= age <= 16:
        driver = rng.choice(pop.taxi_drivers)
        vrm, car, firm = pop.taxi_vehicles[driver]
        written = formats.vrm_as_written(vrm, rng)
        agency = rng.choice(("education", "social_care"))
        rec.event(
            agency,
            "note",
            day,
            people=[(child, "subject"), (driver, "other")],
            narrative=rec.narrative(
                "taxi_note",
                child,
                vrm=written,
                car=car,
                firm=firm,
                driver=f"{pop.given[driver]} {pop.family[driver]}",
            ),
            lag_days=rng.randrange(0, 3),
            things=[Thing("vehicle", written, "seen_with_subject", car)],
            scenario="taxi",
            signal_person=child,
        )
    elif age >= 11 and rng.random() < min(0.9, 0.35 * float(pop.vulnerability[child])):
        hh = pop.households[pop.household[child]]
        family_member = rng.choice(hh.parents + hh.relatives)
        missing_from = missing_day(day, rng)
        minute = missing_minute(rng)
        back = missing_from + rng.randrange(0, 3)
        text = rec.narrative("missing_from_care_family", child)
        event_type = rng.choice(("missing_from_care", "missing_from_care", "away_from_placement"))
        rec.event(
            "social_care",
            event_type,
            missing_from,
            minute=minute,
            people=[(child, "subject"), (carer, "carer"), (family_member, "associate")],
            narrative=text,
            ended_day=back,
            lag_days=rng.randrange(0, 4),
            postcode=formats.postcode_as_written(pop.postcode[family_member], rng)
            if rng.random() < 0.5
            else "",
            scenario="missing_to_family",
            signal_person=child,
        )
        followup.police_twin(
            rec,
            pop,
            child,
            carer,
            missing_from,
            back,
            text,
            scenario="missing_to_family",
            minute=minute,
        )
        followup.return_interview(rec, child, back, sw, scenario="missing_to_family")


def _home_stretch(pop: Population, child: int, day: int, home: Any, sw: int, rec: Recorder) -> None:
    """One stretch of a placement in a children's home: the daily log, missing episodes that
    only the home records, and (in the home that logs every late return) late returns logged
    as missing and rung through to the police."""
    rng = rec.rng
    age = pop.age_years(child, day)
    worker = rng.choice(home.staff)
    fields = {"home": home.name, "age": str(age)}
    if rng.random() < 0.4:
        rec.event(
            "social_care",
            "note",
            day,
            minute=rng.randrange(7 * 60, 23 * 60),
            people=[(child, "subject"), (worker, "carer")],
            narrative=rec.narrative("home_daily_log", child, **fields),
            lag_days=rng.randrange(0, 3),
            scenario="looked_after",
            signal_person=child,
        )
    if age >= 11 and rng.random() < min(0.9, 0.45 * float(pop.vulnerability[child])):
        gone = missing_day(day, rng)
        back = gone + rng.randrange(0, 3)
        rec.event(
            "social_care",
            "missing_from_care",
            gone,
            minute=missing_minute(rng),
            people=[(child, "subject"), (worker, "carer")],
            narrative=rec.narrative("home_missing", child, **fields),
            ended_day=back,
            lag_days=rng.randrange(0, 3),
            postcode=formats.postcode_as_written(home.postcode, rng),
            scenario="care_home_missing",
            signal_person=child,
        )
        followup.return_interview(rec, child, back, sw, scenario="care_home_missing")
    if home.logs_every_late_return and age >= 11:
        for _ in range(rng.randrange(1, 4)):
            late = missing_day(day + rng.randrange(0, 60), rng)
            minute = rng.randrange(21 * 60 + 30, 24 * 60)
            rec.event(
                "social_care",
                "missing_from_care",
                late,
                minute=minute,
                people=[(child, "subject"), (worker, "carer")],
                narrative=rec.narrative("home_late_return", child, **fields),
                ended_day=late + (1 if rng.random() < 0.5 else 0),
                lag_days=rng.randrange(0, 2),
                postcode=formats.postcode_as_written(home.postcode, rng),
                scenario="care_home_late_return",
                signal_person=child,
            )
            if rng.random() < 0.7:  # and rings it through, every time
                rec.event(
                    "police",
                    "missing_report",
                    late,
                    minute=minute,
                    people=[(child, "subject"), (worker, "reporter")],
                    narrative=rec.narrative("home_late_return_police", child, **fields),
                    ended_day=late + 1,
                    postcode=formats.postcode_as_written(home.postcode, rng),
                    outcome=rng.choice(("self-returned", "returned", "located")),
                    scenario="care_home_late_return",
                    signal_person=child,
                )


def relatives(
    pop: Population,
    children: np.ndarray,
    calendar: Calendar,
    nprng: np.random.Generator,
    rec: Recorder,
) -> None:
    """Relatives named alongside the children of their family now and then."""
    rng = rec.rng
    for i in np.flatnonzero(nprng.random(len(children)) < 0.25).tolist():
        child = int(children[i])
        hh = pop.households[pop.household[child]]
        if not hh.relatives:
            continue
        start, end = age_window(pop, children[i : i + 1], calendar, 3, 17)
        if end[0] <= start[0]:
            continue
        relative = rng.choice(hh.relatives)
        for _ in range(rng.randrange(1, 4)):
            day = int(start[0]) + rng.randrange(0, int(end[0] - start[0]))
            agency = rng.choice(("social_care", "education", "police"))
            rec.event(
                agency,
                "contact" if agency == "social_care" else "note",
                day,
                people=[(child, "subject"), (relative, "associate")],
                narrative=rec.narrative(
                    "relative_note",
                    child,
                    relative=f"{pop.given[relative]} {pop.family[relative]}",
                    relation=pop.role_detail[relative],
                ),
                lag_days=rng.randrange(0, 5),
                scenario="relative",
                signal_person=child,
            )


def teen_partners(
    pop: Population,
    children: np.ndarray,
    calendar: Calendar,
    nprng: np.random.Generator,
    rec: Recorder,
) -> None:
    """16-17-year-olds whose partner is 18 or 19: legal, known to family, recorded anyway."""
    rng, vocab = rec.rng, rec.vocab
    start, end = age_window(pop, children, calendar, 16, 17)
    chosen = (nprng.random(len(children)) < PARTNER_RATE) & (end - start > 60)
    for i in np.flatnonzero(chosen).tolist():
        child = int(children[i])
        sex = "M" if pop.sex[child] == "F" else ("F" if rng.random() < 0.7 else "M")
        partner_dob = pop.dob[child] - rng.randrange(int(1.2 * YEAR), int(2.8 * YEAR))
        postcode, address, _, _ = new_address(rng, vocab)
        partner = pop.add_named(
            PARTNER,
            sex,
            partner_dob,
            rng=rng,
            vocab=vocab,
            postcode=postcode,
            address=address,
            role_detail="partner",
        )
        pop.issue_nhs(partner)
        first = int(start[i])
        for _ in range(rng.randrange(2, 5)):
            day = first + rng.randrange(0, int(end[i] - start[i]))
            if pop.age_years(partner, day) < 18:
                # +1: int(18 * YEAR) days after birth is still 17 by age_years' count
                day = pop.dob[partner] + int(18 * YEAR) + 1 + rng.randrange(0, 60)
                if day >= min(int(end[i]), calendar.end):
                    continue
            age = pop.age_years(partner, day)
            agency, event_type = rng.choice(
                (
                    ("health", "sexual_health_attendance"),
                    ("police", "incident"),
                    ("social_care", "contact"),
                    ("health", "sexual_health_attendance"),
                    ("police", "missing_report"),
                )
            )
            rec.event(
                agency,
                event_type,
                day,
                people=[(child, "subject"), (partner, "associate")],
                narrative=rec.narrative(
                    "teen_partner",
                    child,
                    partner=pop.given[partner],
                    partner_age=str(age),
                    age=str(pop.age_years(child, day)),
                ),
                lag_days=rng.randrange(0, 4),
                scenario="teen_partner",
                signal_person=child,
            )
