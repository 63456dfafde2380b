"""The `--profile hard` confounder of intra-familial child sexual abuse (issue 16).

Most sexual offences recorded against children are not exploitation: much of it is within the
family (docs/decisions/0011-sexual-abuse-not-cse.md). Here a father, a stepfather, a mother's
partner, an uncle, a grandfather or an older cousin abuses one child of a household, sometimes
two; the child tells someone (a teacher, a parent, a school nurse); and the records follow as
agencies write them: the school's safeguarding log of the disclosure, the police report with
the relative as suspect and a Home Office code, the strategy discussion and section 47 under the
category of sexual abuse, a paediatric examination, a child protection conference, a later note
of the child's low mood. The relative is a person with records of his own (a car, a phone, an
address, often the child's family name), and with two children he is a suspect for both.

A CSE rule that reads every sexual-abuse report as exploitation puts these children on a CSE
list (and at a legal floor when they are under 13), and the relative among the adults of
interest, tying siblings into a "network". They are a child-protection matter, with their own
response: the truth files count them as not at risk of CSE, the relative as `relative`.

Drawn from its own random stream after everything else is written, so the rest of a county is
the same with or without it (the tuning figures before and after compare like with like).
"""

from __future__ import annotations

import random

from lantern.synth import formats
from lantern.synth.background import professional_for
from lantern.synth.calendar import Calendar, school_day
from lantern.synth.population import RELATIVE, Population, new_address_near
from lantern.synth.recorder import Recorder, Thing
from lantern.synth.vocabulary import Vocabulary

YEAR = 365.25
# (relation as written, lives in the household, years older than the child: low, high)
RELATIONS = (
    ("stepdad", True, (22, 40)),
    ("mum's partner", True, (20, 38)),
    ("father", True, (22, 45)),
    ("uncle", False, (18, 40)),
    ("grandad", False, (40, 62)),
    ("older cousin", False, (5, 10)),
)
SECOND_CHILD = 0.35  # a sibling abused too (or named in the same enquiry)


def _code(sex: str, age: int, rng: random.Random) -> str:
    """The Home Office classification a police report would carry (domain brief, section 5)."""
    if age < 13:
        return "hocr:" + (rng.choice(("19E", "20B")) if sex == "F" else rng.choice(("19H", "17B")))
    return "hocr:" + ("22B" if rng.random() < 0.7 else ("19D" if sex == "F" else "19G"))


def plant(
    pop: Population,
    calendar: Calendar,
    rec: Recorder,
    rng: random.Random,
    vocab: Vocabulary,
    share: float,
) -> int:
    """Plant intra-familial abuse in `share` of households with a child old enough to tell
    someone; returns how many children it was recorded for. `rec`'s random stream is `rng`
    while it runs (and restored after)."""
    if share <= 0:
        return 0
    kept, rec.rng = rec.rng, rng
    try:
        return _plant(pop, calendar, rec, rng, vocab, share)
    finally:
        rec.rng = kept


def _plant(
    pop: Population,
    calendar: Calendar,
    rec: Recorder,
    rng: random.Random,
    vocab: Vocabulary,
    share: float,
) -> int:
    children_recorded = 0
    last_day = calendar.end - 200
    for hh_index, hh in enumerate(pop.households):
        if not hh.children or rng.random() >= share:
            continue
        # the child who tells: 6 to 15 on a day inside the window
        candidates = []
        for child in hh.children:
            first = max(calendar.start + 30, pop.dob[child] + int(6 * YEAR))
            last = min(last_day, pop.dob[child] + int(15.9 * YEAR))
            if last - first > 60:
                candidates.append((child, first, last))
        if not candidates:
            continue
        child, first, last = rng.choice(candidates)
        day = school_day(first + rng.randrange(0, last - first))
        relation, lives_in, (low, high) = rng.choice(RELATIONS)
        abuser = _abuser(pop, hh_index, child, relation, lives_in, (low, high), rng, vocab)
        siblings = [
            c for c in hh.children if c != child and 5 * YEAR < day - pop.dob[c] < 17 * YEAR
        ]
        victims = [child]
        if siblings and rng.random() < SECOND_CHILD:
            victims.append(rng.choice(siblings))
        _records(pop, rec, rng, day, victims, abuser, relation, lives_in)
        children_recorded += len(victims)
    return children_recorded


def _abuser(
    pop: Population,
    hh_index: int,
    child: int,
    relation: str,
    lives_in: bool,
    gap: tuple[int, int],
    rng: random.Random,
    vocab: Vocabulary,
) -> int:
    hh = pop.households[hh_index]
    if relation == "father":
        fathers = [p for p in hh.parents if pop.sex[p] == "M"]
        if fathers:
            return fathers[0]
    visitor = pop.visitors.get(hh_index)
    if visitor is not None and not lives_in and pop.sex[visitor] == "M":
        return visitor  # the uncle or cousin who already visits
    dob = pop.dob[child] - rng.randrange(int(gap[0] * YEAR), int(gap[1] * YEAR))
    if lives_in:
        postcode, address = hh.postcode, hh.address
    else:
        postcode, address, _, _ = new_address_near(hh.district, rng, vocab)
    own_family = relation in ("father", "uncle", "grandad", "older cousin") and rng.random() < 0.7
    abuser = pop.add_named(
        RELATIVE,
        "M",
        dob,
        rng=rng,
        vocab=vocab,
        family=pop.family[child] if own_family else None,
        household=hh_index if lives_in else -1,
        postcode=postcode,
        address=address,
        role_detail=relation,
    )
    pop.issue_nhs(abuser)
    hh.relatives.append(abuser)
    if rng.random() < 0.6:
        pop.cars.setdefault(abuser, (formats.vrm(rng), rng.choice(vocab.cars)))
    return abuser


def _records(
    pop: Population,
    rec: Recorder,
    rng: random.Random,
    day: int,
    victims: list[int],
    abuser: int,
    relation: str,
    lives_in: bool,
) -> None:
    child = victims[0]
    age = pop.age_years(child, day)
    fields = {
        "relation": relation,
        "abuser": f"{pop.given[abuser]} {pop.family[abuser]}",
        "abuser_given": pop.given[abuser],
        "age": str(age),
    }
    scenario = "intrafamilial_abuse"
    teacher = professional_for(pop, child, "education", rng)
    rec.event(
        "education",
        "school_concern",
        day,
        minute=rng.randrange(9 * 60, 15 * 60),
        people=[(child, "subject"), (teacher, "reporter")],
        narrative=rec.narrative("intrafamilial_disclosure", child, **fields),
        outcome="referred to MASH",
        scenario=scenario,
        signal_person=child,
    )
    things = []
    car = pop.cars.get(abuser)
    text = rec.narrative("intrafamilial_police", child, **fields)
    if car and rng.random() < 0.4:
        written = formats.vrm_as_written(car[0], rng)
        text += rng.choice(
            (
                f" Suspect's vehicle {written} seized for forensic examination.",
                f" Suspect drives a {car[1]} ({written}), PNC checked.",
            )  # fmt: skip
        )
        things.append(Thing("vehicle", written, "used_by_suspect", car[1]))
    rec.event(
        "police",
        "sexual_offence_report",
        day + rng.randrange(0, 2),
        people=[(v, "victim") for v in victims] + [(abuser, "suspect")],
        narrative=text,
        codes=_code(pop.sex[child], age, rng),
        things=things,
        outcome=rng.choice(
            (
                "under investigation",
                "suspect arrested, released on bail",
                "suspect interviewed, RUI",
            )
        ),  # fmt: skip
        lag_days=rng.randrange(0, 3),
        scenario=scenario,
        signal_person=child,
    )
    sw = professional_for(pop, child, "social_care", rng)
    for event_type, key, after in (
        ("strategy_discussion", "intrafamilial_strategy", rng.randrange(1, 4)),
        ("section47", "intrafamilial_s47", rng.randrange(5, 20)),
        ("cp_conference", "intrafamilial_conference", rng.randrange(20, 40)),
    ):
        if event_type == "cp_conference" and (lives_in and rng.random() < 0.5):
            continue  # the suspect moved out and the plan was not needed
        rec.event(
            "social_care",
            event_type,
            day + after,
            people=[(v, "subject") for v in victims] + [(sw, "professional")],
            narrative=rec.narrative(key, child, **fields),
            outcome="",
            lag_days=rng.randrange(0, 5),
            scenario=scenario,
            signal_person=child,
        )
    rec.event(
        "health",
        "safeguarding_referral",
        day + rng.randrange(2, 12),
        people=[(child, "subject")],
        narrative=rec.narrative("intrafamilial_paediatric", child, **fields),
        scenario=scenario,
        signal_person=child,
    )
    if rng.random() < 0.5:
        later = day + rng.randrange(60, 300)
        rec.event(
            "education",
            "school_concern",
            school_day(later),
            people=[(child, "subject")],
            narrative=rec.narrative("intrafamilial_after", child, **fields),
            scenario=scenario,
            signal_person=child,
        )
