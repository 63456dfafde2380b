"""What agencies record after a child's missing episode ends, the same for every child.

Statutory guidance (DfE, *Children who run away or go missing from home or care*, 2014) asks
for an independent return interview within 72 hours of a child's return, for children missing
from home as well as from care. In practice many are late, many are never recorded, and many
children decline or say little ("with friends"). Whether a child is a planted victim, a
looked-after child missing to family, a county-lines child or an ordinary teenager who stayed
out, an episode that ends gets a return interview with the same probability and timing, in the
same wording; only what fills the wording differs (a victim's "older friend" is a network
adult's street name, an ordinary child's is anybody's).

The police and social care record a looked-after child's missing episode twice (the carer
reports it to the police), with the same probability for every looked-after child.
"""

from __future__ import annotations

from lantern.synth import formats
from lantern.synth.population import Population
from lantern.synth.recorder import Recorder

RETURN_INTERVIEW_RATE = 0.55  # share of ended missing episodes with a return interview recorded
FOUND_REPORT_RATE = 0.3  # police missing-from-home episodes closed with a found report
POLICE_TWIN_RATE = 0.6  # share of missing-from-care episodes the police also record
# Of recorded return interviews: declined or did not engage / completed, nothing of note /
# completed and the child names an older friend, a lift or a place.
DECLINED, PLAIN = 0.4, 0.45
OUTCOMES = {
    "rhi_declined": ("declined", "offered - declined", "did not engage", "not completed"),
    "rhi_ordinary": ("completed", "completed", "accepted", ""),
    "rhi_hint": ("completed", "accepted", "completed - shared with police"),
}


def police_twin(
    rec: Recorder,
    pop: Population,
    child: int,
    carer: int,
    day: int,
    ended_day: int | None,
    narrative: str,
    *,
    scenario: str,
    network_id: str = "",
    minute: int | None = None,
) -> int:
    """The police copy of a looked-after child's missing-from-care episode, recorded with the
    same probability for every looked-after child; returns the number of events written."""
    rng = rec.rng
    if rng.random() >= POLICE_TWIN_RATE:
        return 0
    rec.event(
        "police",
        "missing_report",
        day,
        minute=minute if minute is not None else rng.randrange(18 * 60, 24 * 60),
        people=[
            (child, "subject"),
            (carer, "reporter"),
            (rng.choice(pop.officers), "professional"),
        ],
        narrative=narrative,
        ended_day=ended_day,
        outcome="located",
        scenario=scenario,
        network_id=network_id,
        signal_person=child,
    )
    return 1


def return_interview(
    rec: Recorder,
    child: int,
    back_day: int,
    worker: int,
    *,
    scenario: str = "",
    network_id: str = "",
    **fields: str,
) -> int:
    """Maybe record a return interview after an episode that ended on `back_day`; returns 0/1.

    `fields` fill the wording of an interview in which the child names someone or somewhere
    (`nick`, `place`, `car`, `town`, `friend`); anything not given is made up."""
    rng = rec.rng
    if rng.random() >= RETURN_INTERVIEW_RATE:
        return 0
    roll = rng.random()
    template = (
        "rhi_declined"
        if roll < DECLINED
        else "rhi_ordinary"
        if roll < DECLINED + PLAIN
        else "rhi_hint"
    )
    rec.event(
        "social_care",
        "return_home_interview",
        back_day + rng.randrange(1, 6),
        people=[(child, "subject"), (worker, "professional")],
        narrative=rec.narrative(template, child, **fields),
        outcome=rng.choice(OUTCOMES[template]),
        lag_days=rng.randrange(0, 7),
        scenario=scenario,
        network_id=network_id,
        signal_person=child if scenario else None,
    )
    return 1


def found_report(rec: Recorder, child: int, back_day: int, *, scenario: str = "") -> int:
    """Maybe record the police's note that a child reported missing from home was found.

    Planted victims' found reports are their own signals (found with adults, in cars, at
    flats: `networks.SIGNALS["found"]`, at about this share of their missing reports); this
    gives every other child's missing episodes the same kind of record, so that the event
    type alone does not mark a victim."""
    rng = rec.rng
    if rng.random() >= FOUND_REPORT_RATE:
        return 0
    rec.event(
        "police",
        "found_report",
        back_day,
        minute=rng.randrange(0, 1440),
        people=[(child, "subject"), (rng.choice(rec.pop.officers), "professional")],
        narrative=rec.narrative("found_ordinary", child),
        outcome=rng.choice(("found safe and well", "returned home", "located", "self-returned")),
        lag_days=0 if rng.random() < 0.9 else rng.randrange(1, 3),
        scenario=scenario,
        signal_person=child if scenario else None,
    )
    return 1


def home_postcode(pop: Population, child: int, rec: Recorder) -> str:
    """The postcode a police record carries when it happened at home: 70% of police records."""
    if rec.rng.random() < 0.7:
        return formats.postcode_as_written(pop.postcode[child], rec.rng)
    return ""
