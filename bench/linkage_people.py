"""Synthetic person records with known truth, for testing and benchmarking linkage.

Each true person gets one or more agency records, corrupted the way real
records are: nicknames, typos, day/month swaps, year-only dates of birth,
missing fields, moves of address, double-barrelled surnames written three
ways. The hard cases are planted on purpose: twins (same surname, date of
birth, address and phone; different given names) and fathers and sons with
one name (same address and phone; dates of birth a generation apart).

This is not the synthetic county (`lantern synth`), which plants exploitation
networks; it is a fast generator of `people` rows at any scale for linkage.
"""

from __future__ import annotations

import itertools
import random
import string
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from lantern.resolve.normalise_identifiers import nhs_check_digit, upn_check_letter
from lantern.resolve.normalise_nicknames import _tables

AGENCIES = ("police", "social_care", "health", "education")
_SYLLABLES = (
    "ash ber bri brook by car chester clar dal den don ell ers fair field ford gar "
    "good green ham har hart hay hill holt how ing kin lan ley lock mar mer mil "
    "more ness new nor ock par per ram rid rob ros sal shaw sing smith stan ton "
    "wal war well wick win wood worth yar"
).split()


@dataclass
class SyntheticPeople:
    people: pa.Table  # columns of the store's `people` table
    truth: pa.Table  # record_id, entity_id


def _zipf_choice(rng: random.Random, items: list[str], cumulative: list[float]) -> str:
    return rng.choices(items, cum_weights=cumulative)[0]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1 :]
    if i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word + rng.choice("aeiou")


def _nhs(rng: random.Random) -> str:
    while True:
        nine = "".join(rng.choice(string.digits) for _ in range(9))
        check = nhs_check_digit(nine)
        if check is not None:
            return nine + str(check)


def _upn(rng: random.Random) -> str:
    body = f"{rng.randrange(800, 940):03d}{rng.randrange(1000, 9999):04d}{rng.randrange(0, 99):02d}{rng.randrange(0, 999):03d}"
    return upn_check_letter(body) + body


def _phone(rng: random.Random) -> str:
    digits = f"7{rng.randrange(100000000, 999999999)}"
    form = rng.random()
    if form < 0.5:
        return f"0{digits[:4]} {digits[4:]}"
    if form < 0.8:
        return f"+44{digits}"
    return f"0{digits}"


def _postcodes(rng: random.Random, count: int) -> list[str]:
    areas = ["OX", "RG", "SN", "HP", "MK", "GL", "CV", "B", "NN", "SL"]
    inward_letters = "ABDEFGHJLNPQRSTUWXYZ"
    result: set[str] = set()
    while len(result) < count:
        outward = f"{rng.choice(areas)}{rng.randrange(1, 30)}"
        inward = f"{rng.randrange(0, 10)}{rng.choice(inward_letters)}{rng.choice(inward_letters)}"
        result.add(f"{outward} {inward}")
    return sorted(result)


def _display_name(rng: random.Random, name: str) -> str:
    form = rng.random()
    if form < 0.6:
        return name.title()
    if form < 0.9:
        return name.upper()
    return name.lower()


def generate(
    persons: int, *, seed: int = 1, twins: float = 0.01, fathers_and_sons: float = 0.01
) -> SyntheticPeople:
    """Records for `persons` true people (about 1.9 records each); deterministic for a seed."""
    rng = random.Random(seed)
    canonical, counts = _tables()
    given_pool = sorted(n for n in counts if len(n) >= 3)
    given_weights = list(itertools.accumulate(1.0 / (i + 1) ** 0.7 for i in range(len(given_pool))))
    rng.shuffle(given_pool)
    family_pool = sorted({a + b for a in _SYLLABLES for b in _SYLLABLES if a != b})
    rng.shuffle(family_pool)
    family_weights = list(
        itertools.accumulate(1.0 / (i + 1) ** 0.9 for i in range(len(family_pool)))
    )
    postcodes = _postcodes(rng, max(200, persons // 3))
    nicknames = {k: sorted(v) for k, v in _tables()[0].items()}
    reverse: dict[str, list[str]] = {}
    for nickname, canonicals in nicknames.items():
        for name in canonicals:
            reverse.setdefault(name, []).append(nickname)

    entities: list[dict[str, Any]] = []
    while len(entities) < persons:
        sex = rng.choice("FM")
        given = _zipf_choice(rng, given_pool, given_weights)
        family = _zipf_choice(rng, family_pool, family_weights)
        if rng.random() < 0.03:
            family = family + "-" + _zipf_choice(rng, family_pool, family_weights)
        dob = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))
        base = {
            "given": given,
            "family": family,
            "dob": dob,
            "sex": sex,
            "postcode": rng.choice(postcodes),
            "phone": _phone(rng) if rng.random() < 0.6 else None,
            "nhs": _nhs(rng),
            "upn": _upn(rng) if dob.year >= 1995 else None,
        }
        entities.append(base)
        roll = rng.random()
        if roll < twins and len(entities) < persons:
            other = _zipf_choice(rng, given_pool, given_weights)
            if other != given and not (set(canonical.get(other, ())) | {other}) & (
                set(canonical.get(given, ())) | {given}
            ):
                entities.append(
                    {**base, "given": other, "nhs": _nhs(rng), "upn": base["upn"] and _upn(rng)}
                )
        elif roll < twins + fathers_and_sons and len(entities) < persons and dob.year < 1985:
            son_dob = dob + timedelta(days=rng.randrange(365 * 20, 365 * 35))
            entities.append(
                {
                    **base,
                    "sex": "M",
                    "dob": son_dob,
                    "nhs": _nhs(rng),
                    "upn": _upn(rng) if son_dob.year >= 1995 else None,
                }
            )
            base["sex"] = "M"

    rows: dict[str, list[Any]] = {
        c: []
        for c in (
            "record_id agency person_ref given_name family_name other_names date_of_birth birth_year "
            "sex nhs_number upn postcode address phone email"
        ).split()
    }
    truth_records: list[str] = []
    truth_entities: list[int] = []
    refs = {agency: 0 for agency in AGENCIES}
    for entity_id, entity in enumerate(entities):
        n_records = 1 + min(int(rng.expovariate(1.1)), 6)
        for _ in range(n_records):
            agency = rng.choice(AGENCIES)
            refs[agency] += 1
            ref = f"{agency[0].upper()}{refs[agency]:07d}"
            record_id = f"{agency}:{ref}"
            true_given: str = entity["given"]
            r_given: str | None = true_given
            roll = rng.random()
            if roll < 0.10 and reverse.get(true_given):
                r_given = rng.choice(reverse[true_given])
            elif roll < 0.15:
                r_given = _typo(rng, true_given)
            elif roll < 0.17:
                r_given = None
            true_family: str = entity["family"]
            r_family: str | None = true_family
            roll = rng.random()
            if roll < 0.06:
                r_family = _typo(rng, true_family)
            elif roll < 0.08 and "-" in true_family:
                r_family = rng.choice(
                    [
                        true_family.replace("-", " "),
                        true_family.replace("-", ""),
                        true_family.split("-")[0],
                    ]
                )
            elif roll < 0.10:
                r_family = None
            true_dob: date = entity["dob"]
            r_dob: date | None = true_dob
            birth_year = None
            roll = rng.random()
            if roll < 0.03 and true_dob.day <= 12 and true_dob.day != true_dob.month:
                r_dob = date(true_dob.year, true_dob.day, true_dob.month)
            elif roll < 0.06:
                text = true_dob.isoformat()
                i = rng.choice([2, 3, 6, 8, 9])
                candidate = text[:i] + rng.choice(string.digits) + text[i + 1 :]
                try:
                    r_dob = date.fromisoformat(candidate)
                except ValueError:
                    pass
            elif roll < 0.11:
                birth_year, r_dob = true_dob.year + rng.choice([-1, 0, 0, 0, 1]), None
            elif roll < 0.13:
                r_dob = None
            postcode = entity["postcode"]
            roll = rng.random()
            if roll < 0.12:
                postcode = rng.choice(postcodes)
            elif roll < 0.25:
                postcode = None
            elif roll < 0.5:
                postcode = postcode.replace(" ", "").lower()
            rows["record_id"].append(record_id)
            rows["agency"].append(agency)
            rows["person_ref"].append(ref)
            rows["given_name"].append(_display_name(rng, r_given) if r_given else None)
            rows["family_name"].append(_display_name(rng, r_family) if r_family else None)
            rows["other_names"].append(None)
            rows["date_of_birth"].append(r_dob)
            rows["birth_year"].append(birth_year)
            rows["sex"].append(entity["sex"] if rng.random() < 0.95 else None)
            has_nhs = (
                agency == "health"
                and rng.random() < 0.9
                or agency == "social_care"
                and rng.random() < 0.4
            )
            rows["nhs_number"].append(entity["nhs"] if has_nhs else None)
            rows["upn"].append(
                entity["upn"] if agency == "education" and rng.random() < 0.9 else None
            )
            rows["postcode"].append(postcode)
            rows["address"].append(None)
            rows["phone"].append(
                entity["phone"] if entity["phone"] and rng.random() < 0.5 else None
            )
            rows["email"].append(None)
            truth_records.append(record_id)
            truth_entities.append(entity_id)
    types = {"date_of_birth": pa.date32(), "birth_year": pa.int32()}
    people = pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in rows.items()})
    truth = pa.table(
        {"record_id": truth_records, "entity_id": pa.array(truth_entities, pa.int64())}
    )
    return SyntheticPeople(people, truth)
