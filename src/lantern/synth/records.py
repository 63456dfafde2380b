"""Person records: how each agency writes a true person down, once, messily.

A person gets a record in an agency the first time that agency records them; some get two (the
duplicate records every case system holds). Each record is written to `people` and its true
person to `truth/records`.
"""

from __future__ import annotations

import random

from lantern.synth import formats
from lantern.synth.calendar import Calendar
from lantern.synth.output import TableWriter
from lantern.synth.population import (
    CHILD,
    NETWORK_ADULT,
    PROFESSIONAL,
    Population,
    person_id,
)
from lantern.synth.vocabulary import Vocabulary

REF_PREFIX = {"police": "PER", "social_care": "LCS", "health": "RTH", "education": "PUP"}
DUPLICATE_RATE = {"police": 0.08, "social_care": 0.04, "health": 0.02, "education": 0.01}


class Registry:
    """Every agency's person records, created on first use."""

    def __init__(
        self,
        pop: Population,
        calendar: Calendar,
        dataset: TableWriter,
        truth: TableWriter,
        rng: random.Random,
        vocab: Vocabulary,
    ) -> None:
        self.pop = pop
        self.calendar = calendar
        self.dataset = dataset
        self.truth = truth
        self.rng = rng
        self.vocab = vocab
        self._refs: dict[tuple[str, int], list[str]] = {}
        self._counter: dict[str, int] = {}

    def ref(self, person: int, agency: str) -> str:
        """The person_ref `agency` uses for `person` in a new event (creating records as needed)."""
        refs = self._refs.get((agency, person))
        if refs is None:
            refs = [self._create(person, agency, duplicate=False)]
            if self.rng.random() < DUPLICATE_RATE.get(agency, 0.02):
                refs.append(self._create(person, agency, duplicate=True))
            self._refs[(agency, person)] = refs
        if len(refs) > 1 and self.rng.random() < 0.35:
            return refs[1]
        return refs[0]

    def record_count(self) -> int:
        return sum(len(v) for v in self._refs.values())

    def _create(self, person: int, agency: str, *, duplicate: bool) -> str:
        n = self._counter.get(agency, 0) + 1
        self._counter[agency] = n
        ref = f"{REF_PREFIX.get(agency, 'R')}{n:07d}"
        self.dataset.row("people", self._render(person, agency, ref, duplicate))
        self.truth.row("records", (agency, ref, person_id(person)))
        return ref

    def _render(self, person: int, agency: str, ref: str, duplicate: bool) -> tuple[str, ...]:
        pop, rng, vocab = self.pop, self.rng, self.vocab
        kind = pop.kind[person]
        noise = 2.5 if duplicate else 1.0
        given = pop.given[person]
        family = pop.family[person]
        other: list[str] = []
        # names: everyday short forms, typos, the odd alias
        shorts = vocab.nicknames.get(given, ())
        if (
            shorts
            and rng.random() < {"police": 0.12, "social_care": 0.08}.get(agency, 0.03) * noise
        ):
            other_form = rng.choice(shorts)
            if rng.random() < 0.5:
                given = other_form
            else:
                other.append(other_form)
        if rng.random() < 0.025 * noise:
            given = formats.typo(given, rng)
        if rng.random() < 0.03 * noise:
            family = formats.typo(family, rng)
        if kind == NETWORK_ADULT:
            aliases = pop.aliases.get(person, [])
            if agency == "police":
                other.extend(a for a in aliases if rng.random() < 0.6)
            elif aliases and rng.random() < 0.55:  # known to social care only by a street name
                given, family = rng.choice(aliases), ("" if rng.random() < 0.7 else family)
        dob = pop.dob[person]
        date_of_birth, birth_year = self._dob(person, agency, kind, dob, noise)
        sex = pop.sex[person] if rng.random() > 0.03 * noise else ""
        nhs = upn = ""
        if kind == CHILD:
            if agency == "health" and rng.random() < 0.96:
                nhs = pop.nhs[person]
            elif agency == "social_care" and rng.random() < 0.45:
                nhs = pop.nhs[person]
            elif agency == "education" and rng.random() < 0.05:
                nhs = pop.nhs[person]
            if agency == "education" and rng.random() < 0.97:
                upn = pop.upn[person]
            elif agency == "social_care" and rng.random() < 0.25:
                upn = pop.upn[person]
        elif agency == "health" and kind != PROFESSIONAL and rng.random() < 0.7:
            nhs = pop.nhs[person]
        if nhs and rng.random() < 0.3:
            nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        if duplicate and rng.random() < 0.5:
            nhs = upn = ""
        postcode = address = ""
        if pop.postcode[person] and rng.random() < (0.6 if kind == NETWORK_ADULT else 0.9):
            postcode = formats.postcode_as_written(pop.postcode[person], rng)
            if rng.random() < 0.7:
                address = pop.address[person]
        phones: list[str] = []
        if pop.phone[person] and rng.random() < (
            0.35 if agency == "education" and kind == CHILD else 0.6
        ):
            phones.append(formats.phone_as_written(pop.phone[person], rng))
        for extra in pop.extra_phones.get(person, ()):  # network adults' other phones
            if rng.random() < 0.4:
                phones.append(formats.phone_as_written(extra, rng))
        return (
            agency,
            ref,
            formats.name_case(given, rng),
            formats.name_case(family, rng),
            ";".join(other),
            date_of_birth,
            birth_year,
            sex,
            nhs,
            upn,
            postcode,
            address,
            ";".join(phones),
            "",
            pop.ethnicity[person] if rng.random() < 0.85 else "",
        )

    def _dob(self, person: int, agency: str, kind: str, dob: int, noise: float) -> tuple[str, str]:
        rng = self.rng
        if kind == PROFESSIONAL:
            return "", ""
        if kind == NETWORK_ADULT and agency != "police":
            if rng.random() < 0.6:
                return "", str(int(self.calendar.date(dob)[:4]) + rng.randrange(-3, 4))
            if rng.random() < 0.5:
                return "", ""
        if kind != CHILD and rng.random() < 0.25:
            return "", self.calendar.date(dob)[:4]
        if rng.random() < 0.015 * noise:
            return "", ""
        text = self.calendar.date(dob)
        roll = rng.random()
        if roll < 0.03 * noise and int(text[8:]) <= 12 and text[8:] != text[5:7]:
            text = f"{text[:4]}-{text[8:]}-{text[5:7]}"  # day and month swapped
        elif roll < 0.045 * noise:
            text = self.calendar.date(dob + rng.choice((-1, 1)))
        elif roll < 0.055 * noise:
            text = f"{int(text[:4]) + rng.choice((-1, 1))}{text[4:]}"
            if text.endswith("02-29"):
                text = text[:-2] + "28"
        return text, ""
