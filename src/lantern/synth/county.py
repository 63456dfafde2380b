"""Generating a whole county: population, planted networks, ordinary business, truth.

`generate` streams every table to disk as it goes; only the people (not their events) are held
in memory. The same seed and options give byte-for-byte the same files.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from lantern.synth import (
    background,
    confounders,
    confounders_hard,
    criminal_exploitation,
    evidence_plants,
    intrafamilial,
    networks,
)
from lantern.synth.calendar import Calendar
from lantern.synth.output import DATASET_TABLES, TRUTH_TABLES, TableWriter
from lantern.synth.population import build_population, person_id
from lantern.synth.profiles import PROFILES
from lantern.synth.recorder import Recorder
from lantern.synth.records import Registry
from lantern.synth.vocabulary import vocabulary

CHUNK = 5000  # children per step of the ordinary-business generators
EXTRACT_DELAY_DAYS = 150  # the extract is taken this long after the window closes
# 2: victims and other children followed up and recorded alike; --recognition
# 3: --profile hard; boys' networks recorded as offending; wording fitted to age; missing
#    episodes in the evening and at weekends
# 4: withdrawn disclosures, professionals' sightings, disruption actions and their effects
GENERATOR_VERSION = 4
# persons.csv `detail` of a network adult who has no person record in any agency (--profile hard)
UNNAMED_DETAIL = "network adult, known only by car, phone or street name"


@dataclass(frozen=True)
class CountySummary:
    out: Path
    children: int
    persons: int
    person_records: int
    events: int
    networks: int
    victims: int
    seconds: float


def generate(
    out: Path,
    *,
    seed: int,
    children: int,
    years: int,
    start_year: int = 2004,
    recognition: str = "prompt",
    profile: str = "default",
    progress: Callable[[int, int], None] | None = None,
) -> CountySummary:
    """Write a synthetic county to `out` (interchange tables) and `out/truth` (ground truth).

    `recognition="late"` is the late-recognition sensitivity test (networks.late_recognition):
    the same children, adults and grooming as the prompt county of the same seed, recognised
    years later, with their signs going on meanwhile. `profile="hard"` adds the confounders,
    the identity gaps and the second narrative style of `profiles.HARD`."""
    if children < 1 or years < 1:
        raise ValueError("children and years must be positive")
    if recognition not in networks.RECOGNITION:
        raise ValueError(f"recognition must be one of {', '.join(networks.RECOGNITION)}")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}")
    chosen = PROFILES[profile]
    began = time.perf_counter()
    vocab = vocabulary()
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    calendar = Calendar.for_years(start_year, years)
    out.mkdir(parents=True, exist_ok=True)
    dataset = TableWriter(out, DATASET_TABLES)
    truth = TableWriter(out / "truth", TRUTH_TABLES)
    try:
        pop = build_population(children, calendar, rng, nprng, vocab)
        year_only: list[str] = []
        if chosen.hard:
            confounders_hard.add_pools(pop, chosen, calendar, rng, vocab)
            year_only = sorted(
                rng.sample(("police", "social_care", "health"), chosen.year_only_agencies)
            )
        registry = Registry(pop, calendar, dataset, truth, rng, vocab)
        registry.year_only = {agency: chosen.year_only_share for agency in year_only}
        recorder = Recorder(
            pop,
            registry,
            calendar,
            dataset,
            truth,
            rng,
            vocab,
            latest_recorded=calendar.end + EXTRACT_DELAY_DAYS - 1,
            profile=chosen,
        )
        taken = np.zeros(children, dtype=bool)  # children already in a planted story
        delay_rng = random.Random(seed * 1_000_003 + 17)  # only the late scenario draws from it
        planted = networks.plan_networks(
            pop, calendar, rng, nprng, vocab, taken, recognition, delay_rng
        )
        if chosen.unnamed_adults:
            for net in planted:
                for adult in net.adults:
                    if rng.random() < chosen.unnamed_adults:
                        pop.unnamed.add(adult.person)
                        pop.role_detail[adult.person] = UNNAMED_DETAIL
        # issue 22's plants draw from their own stream: the rest of the county is unchanged
        plant_rng = random.Random(seed * 1_000_003 + 22)
        evidence_plants.plan_disruptions(planted, pop, plant_rng, vocab)
        criminal_exploitation.plant_groups(pop, calendar, rng, nprng, vocab, taken, recorder, truth)
        steps = (children + CHUNK - 1) // CHUNK
        for step in range(steps):
            ids = np.arange(step * CHUNK, min(children, (step + 1) * CHUNK), dtype=np.int64)
            background.ordinary_business(pop, ids, calendar, nprng, recorder)
            in_care = confounders.looked_after(pop, ids, calendar, nprng, recorder)
            confounders.relatives(pop, ids, calendar, nprng, recorder)
            confounders.teen_partners(pop, ids, calendar, nprng, recorder)
            if chosen.hard:
                confounders_hard.visiting_relatives(pop, ids, calendar, nprng, recorder)
                confounders_hard.school_transport(pop, ids, calendar, nprng, recorder, in_care)
                confounders_hard.older_teen_partners(pop, ids, calendar, nprng, recorder)
                confounders_hard.missing_to_family_home(
                    pop, ids, calendar, nprng, recorder, in_care
                )
            if progress:
                progress(int(ids[-1]) + 1, children)
        # the planted stories last, so that everything else is the same whichever way they are
        # told (prompt or late recognition, same seed): a sensitivity test compares like with like
        networks.record_networks(planted, pop, calendar, recorder, truth)
        evidence_plants.record_plants(planted, pop, calendar, recorder, truth, plant_rng)
        # its own stream, last: the rest of the county is the same with or without it
        intrafamilial.plant(
            pop, calendar, recorder, random.Random(seed * 1_000_003 + 16), vocab,
            chosen.intrafamilial_abuse,
        )  # fmt: skip
        for person in range(len(pop.kind)):
            truth.row(
                "persons",
                (
                    person_id(person),
                    pop.kind[person],
                    pop.role_detail[person],
                    pop.sex[person],
                    calendar.date(pop.dob[person]),
                    pop.given[person],
                    pop.family[person],
                    pop.household[person] if pop.household[person] >= 0 else "",
                ),
            )
    finally:
        dataset.close()
        truth.close()
    extracted = calendar.date(calendar.end + EXTRACT_DELAY_DAYS)
    manifest = {
        "lantern_interchange": 1,
        "name": f"synthetic-county-seed{seed}-{children}c-{years}y"
        + ("" if profile == "default" else f"-{profile}")
        + ("" if recognition == "prompt" else f"-{recognition}-recognition"),
        "extracted_at": f"{extracted}T00:00:00Z",
    }
    (out / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    victims = sum(len(n.victims) for n in planted)
    about = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "children": children,
        "years": years,
        "start_year": start_year,
        "recognition": recognition,
        "profile": profile,
        "birth_year_only": {agency: chosen.year_only_share for agency in year_only},
        "window": [calendar.date(calendar.start), calendar.date(calendar.end - 1)],
        "victim_rate_target": networks.VICTIM_RATE,
        "networks": len(planted),
        "victims": victims,
        "victim_rate": round(victims / children, 5),
        "persons": len(pop.kind),
        "rows": dict(dataset.counts),
        "truth_rows": dict(truth.counts),
    }
    (out / "truth" / "manifest.yaml").write_text(yaml.safe_dump(about, sort_keys=False))
    return CountySummary(
        out,
        children,
        len(pop.kind),
        dataset.counts["people"],
        dataset.counts["events"],
        len(planted),
        victims,
        time.perf_counter() - began,
    )
