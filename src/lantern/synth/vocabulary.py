"""The synthetic county's word lists and templates, loaded from the YAML files in `data/`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


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
        templates={k: tuple(v) for k, v in narratives.items()},
        hard_cases={k: tuple(v) for k, v in hard.items()},
        openers={k: tuple(v) for k, v in openers.items()},
        closers={k: tuple(v) for k, v in closers.items()},
        rates=tuple(_load("rates.yaml")["background"]),
    )
