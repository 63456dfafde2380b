"""The ordinary business of every agency, for a chunk of children at a time.

Counts and dates are drawn with numpy over the whole chunk (one Poisson draw per child per event
type, rates from `data/rates.yaml`); only writing the rows is a loop.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from lantern.synth import followup, formats
from lantern.synth.calendar import Calendar
from lantern.synth.population import Population
from lantern.synth.recorder import Recorder
from lantern.synth.timing import missing_days, missing_minutes
from lantern.synth.vocabulary import Vocabulary

YEAR = 365.25


def age_window(
    pop: Population, children: np.ndarray, calendar: Calendar, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per child, the [start, end) days within the county's window when aged lo..hi inclusive."""
    dob = pop.child_dob[children]
    start = np.maximum(calendar.start, dob + np.ceil(lo * YEAR).astype(np.int64))
    end = np.minimum(calendar.end, dob + np.floor((hi + 1) * YEAR).astype(np.int64))
    return start, np.maximum(start, end)


def ordinary_business(
    pop: Population,
    children: np.ndarray,
    calendar: Calendar,
    nprng: np.random.Generator,
    rec: Recorder,
) -> int:
    """Write the chunk's ordinary events; returns how many."""
    written = 0
    rng = rec.rng
    for spec in rec.vocab.rates:
        agency, event_type, template = spec["agency"], spec["event_type"], spec["template"]
        lo, hi = spec["ages"]
        start, end = age_window(pop, children, calendar, lo, hi)
        years = (end - start) / YEAR
        rate = spec["rate"] * years * pop.vulnerability[children] ** spec.get("vulnerability", 0)
        male = pop.child_male[children]
        if spec.get("sex") == "F":
            rate = np.where(male, 0.0, rate)
        elif spec.get("sex") == "M":
            rate = np.where(male, rate, 0.0)
        elif "sex_ratio_m" in spec:
            ratio = spec["sex_ratio_m"]
            rate = rate * np.where(male, 2 * ratio / (1 + ratio), 2 / (1 + ratio))
        counts = nprng.poisson(rate)
        local = np.repeat(np.arange(len(children)), counts)
        if local.size == 0:
            continue
        span = end[local] - start[local]
        days = start[local] + np.floor(nprng.random(local.size) * span).astype(np.int64)
        if spec.get("missing"):  # evenings and nights, more at weekends (timing.py)
            days = np.clip(missing_days(days, nprng), start[local], end[local] - 1)
        if agency == "education":  # schools record on school days (see calendar.school_day)
            weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
            days = days - np.where(weekday >= 5, weekday - 4, 0)
        lags = np.floor(nprng.exponential(spec.get("lag", 0) or 1e-9, local.size)).astype(np.int64)
        hours = (8, 16) if agency == "education" else (7, 23)
        minutes = nprng.integers(hours[0] * 60, hours[1] * 60, local.size)
        if spec.get("missing"):
            minutes = missing_minutes(local.size, nprng)
        role = spec.get("role", "subject")
        outcomes = spec.get("outcome", [""])
        codes = spec.get("codes", [""])
        for j, i in enumerate(local.tolist()):
            child = int(children[i])
            day = int(days[j])
            people = [(child, role)]
            if rng.random() < spec.get("parent", 0):
                parents = pop.households[pop.household[child]].parents
                people.append((rng.choice(parents), "reporter" if agency == "police" else "parent"))
            if rng.random() < spec.get("professional", 0):
                people.append((professional_for(pop, child, agency, rng), "professional"))
            text = rec.narrative(template, child, age=str(pop.age_years(child, day)))
            if rng.random() < spec.get("hard", 0):
                text = rec.with_hard_case(text, child, pop.age_years(child, day))
            ended = day + rng.randrange(0, 3) if spec.get("missing") else None
            postcode = ""
            if agency == "police" and rng.random() < 0.7:
                postcode = formats.postcode_as_written(pop.postcode[child], rng)
            rec.event(
                agency,
                event_type,
                day,
                people=people,
                narrative=text,
                minute=int(minutes[j]),
                lag_days=int(lags[j]),
                ended_day=ended,
                postcode=postcode,
                outcome=rng.choice(outcomes),
                codes=_with_cse_risk(rng.choice(codes), spec.get("cse_risk_code", 0), rng),
            )
            written += 1
            if ended is not None:  # a missing episode: found, and the return interview
                written += followup.found_report(rec, child, ended)
                sw = professional_for(pop, child, "social_care", rng)
                written += followup.return_interview(rec, child, ended, sw)
    return written


def _with_cse_risk(codes: str, chance: float, rng: random.Random) -> str:
    """Add the clinician's 'at increased risk of CSE' code (SNOMED 716565009) with `chance`."""
    if chance and rng.random() < chance:
        return ";".join(c for c in (codes, "snomed:716565009") if c)
    return codes


def ordinary_spec(vocab: Vocabulary, agency: str, event_type: str) -> dict[str, Any]:
    """The `data/rates.yaml` entry for how this agency writes this kind of record ({} if none),
    so that records written by a planted story use the same outcomes, codes and hard cases."""
    specs = _SPECS.get(id(vocab))
    if specs is None:
        specs = {}
        for spec in vocab.rates:
            specs.setdefault((spec["agency"], spec["event_type"]), spec)
        _SPECS[id(vocab)] = specs
    return specs.get((agency, event_type), {})


_SPECS: dict[int, dict[tuple[str, str], dict[str, Any]]] = {}


def professional_for(pop: Population, child: int, agency: str, rng: random.Random) -> int:
    """The professional an agency would attach: the child's school lead, an allocated social
    worker (the same one across a caseload), any officer on duty, a school nurse."""
    if agency == "education":
        return pop.school_staff[int(pop.school[child]) % len(pop.school_staff)]
    if agency == "social_care":
        return pop.social_workers[(child * 7 + pop.household[child]) % len(pop.social_workers)]
    if agency == "police":
        return rng.choice(pop.officers)
    return rng.choice(pop.nurses)
