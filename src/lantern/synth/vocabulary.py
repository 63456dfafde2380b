"""The synthetic county's word lists and templates, loaded from the YAML files in `data/`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

AGES = re.compile(r"^(\d+)(?:\+|-(\d+))\|")
ANY_AGE = (0, 200)


def _aged(variants: list[str]) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Variants without their age prefix ("13+|", "5-11|"), and each one's (lowest, highest)
    age: a variant is only used for a child of that age on the day (realism)."""
    texts: list[str] = []
    ages: list[tuple[int, int]] = []
    for variant in variants:
        match = AGES.match(variant)
        if match:
            low = int(match.group(1))
            ages.append((low, int(match.group(2)) if match.group(2) else ANY_AGE[1]))
            texts.append(variant[match.end() :])
        else:
            ages.append(ANY_AGE)
            texts.append(variant)
    return tuple(texts), tuple(ages)


def _load(name: str) -> Any:
    text = resources.files("lantern.synth").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass(frozen=True)
class Vocabulary:
    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family: tuple[str, ...]
    street_nicknames: tuple[str, ...]
    nicknames: dict[str, tuple[str, ...]]  # given name -> everyday short forms
    districts: tuple[tuple[str, str], ...]  # (postcode district, town)
    streets: tuple[str, ...]
    places: dict[str, tuple[str, ...]]  # takeaways, parks, hotels, landmarks
    cars: tuple[str, ...]
    taxi_firms: tuple[str, ...]
    ethnicity_codes: tuple[str, ...]
    ethnicity_weights: tuple[float, ...]
    templates: dict[str, tuple[str, ...]]
    hard_cases: dict[str, tuple[str, ...]]
    openers: dict[str, tuple[str, ...]]  # agency -> phrases that start a record
    closers: dict[str, tuple[str, ...]]
    rates: tuple[dict[str, Any], ...]
    # the second narrative style (--profile hard): its own templates and hard-case sentences
    second: dict[str, tuple[str, ...]]
    second_hard_cases: tuple[str, ...]
    # (style, key) -> each variant's (lowest, highest) age, for keys where any variant has one
    ages: dict[tuple[str, str], tuple[tuple[int, int], ...]]


@cache
def vocabulary() -> Vocabulary:
    """Load the vocabulary once per process (it is read-only)."""
    from nicknames import NickNamer

    names = _load("names.yaml")
    places = _load("places.yaml")
    narratives = _load("narratives.yaml")
    namer = NickNamer()
    nick: dict[str, tuple[str, ...]] = {}
    for given in names["given_female"] + names["given_male"]:
        forms = sorted(n.capitalize() for n in namer.nicknames_of(given.lower()) if len(n) > 1)
        nick[given] = tuple(forms)
    hard = narratives.pop("hard_cases")
    openers = narratives.pop("openers")
    closers = narratives.pop("closers")
    second = _load("narratives_second.yaml")
    second_hard = second.pop("hard_cases")
    templates: dict[str, tuple[str, ...]] = {}
    seconds: dict[str, tuple[str, ...]] = {}
    ages: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {}
    hard_cases: dict[str, tuple[str, ...]] = {}
    for style, source, into in (
        ("first", narratives, templates),
        ("second", second, seconds),
        ("hard", hard, hard_cases),
        ("second_hard", {"": second_hard}, {}),
    ):
        for key, variants in source.items():
            texts, spans = _aged(variants)
            into[key] = texts
            if any(span != ANY_AGE for span in spans):
                ages[(style, key)] = spans
    second_hard_cases = _aged(second_hard)[0]
    eth = places["ethnicity"]
    total = sum(eth.values())
    return Vocabulary(
        given_female=tuple(names["given_female"]),
        given_male=tuple(names["given_male"]),
        family=tuple(names["family"]),
        street_nicknames=tuple(names["street_nicknames"]),
        nicknames=nick,
        districts=tuple((d["district"], d["town"]) for d in places["districts"]),
        streets=tuple(places["streets"]),
        places={k: tuple(places[k]) for k in ("takeaways", "parks", "hotels", "landmarks")},
        cars=tuple(places["cars"]),
        taxi_firms=tuple(places["taxi_firms"]),
        ethnicity_codes=tuple(eth),
        ethnicity_weights=tuple(v / total for v in eth.values()),
        templates=templates,
        hard_cases=hard_cases,
        openers={k: tuple(v) for k, v in openers.items()},
        closers={k: tuple(v) for k, v in closers.items()},
        rates=tuple(_load("rates.yaml")["background"]),
        second=seconds,
        second_hard_cases=second_hard_cases,
        ages=ages,
    )
