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


def hash_pick(key: int, options: tuple[str, ...]) -> str:
    """A fixed choice per key (the same person always uses the same email provider)."""
    return options[(key * 2654435761) % 2**32 % len(options)]


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
        # --profile hard: agency -> share of children's records holding only a birth year
        self.year_only: dict[str, float] = {}
        self._counter: dict[str, int] = {}

    def ref(self, person: int, agency: str, day: int | None = None) -> str:
        """The person_ref `agency` uses for `person` in an event on `day` (creating records as
        needed: a record holds what the agency knew when it first met the person)."""
        refs = self._refs.get((agency, person))
        if refs is None:
            refs = [self._create(person, agency, day, duplicate=False)]
            if self.rng.random() < DUPLICATE_RATE.get(agency, 0.02):
                refs.append(self._create(person, agency, day, duplicate=True))
            self._refs[(agency, person)] = refs
        if len(refs) > 1 and self.rng.random() < 0.35:
            return refs[1]
        return refs[0]

    def record_count(self) -> int:
        return sum(len(v) for v in self._refs.values())

    def _create(self, person: int, agency: str, day: int | None, *, duplicate: bool) -> str:
        n = self._counter.get(agency, 0) + 1
        self._counter[agency] = n
        ref = f"{REF_PREFIX.get(agency, 'R')}{n:07d}"
        self.dataset.row("people", self._render(person, agency, ref, day, duplicate))
        self.truth.row("records", (agency, ref, person_id(person)))
        return ref

    def _render(
        self, person: int, agency: str, ref: str, day: int | None, duplicate: bool
    ) -> tuple[str, ...]:
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
        if kind == CHILD and rng.random() < 0.06 * noise:
            # known by the mother's family name, or both
            mother = pop.households[pop.household[person]].parents[0]
            if pop.family[mother] != family:
                family = rng.choice((pop.family[mother], f"{family}-{pop.family[mother]}"))
        if kind == NETWORK_ADULT:
            aliases = pop.aliases.get(person, [])
            if agency == "police":
                other.extend(a for a in aliases if rng.random() < 0.6)
            elif aliases and rng.random() < 0.55:  # known to social care only by a street name
                given, family = rng.choice(aliases), ("" if rng.random() < 0.7 else family)
        dob = pop.dob[person]
        date_of_birth, birth_year = self._dob(person, agency, kind, dob, noise)
        roll = rng.random()
        sex = "" if roll < 0.03 * noise else pop.sex[person]
        if 0.03 * noise <= roll < 0.03 * noise + 0.004:
            sex = "M" if sex == "F" else "F"  # recorded wrongly
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
        if nhs and rng.random() < 0.005:  # two digits transposed: fails the check digit
            i = rng.randrange(0, 8)
            nhs = nhs[:i] + nhs[i + 1] + nhs[i] + nhs[i + 2 :]
        if nhs and rng.random() < 0.3:
            nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        if duplicate and rng.random() < 0.5:
            nhs = upn = ""
        postcode = address = ""
        home_postcode, home_address = pop.home_on(person, day)
        if home_postcode and rng.random() < (0.6 if kind == NETWORK_ADULT else 0.9):
            postcode = formats.postcode_as_written(home_postcode, rng)
            if rng.random() < 0.7:
                address = home_address
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
            self._email(person, kind, agency, given, family),
            pop.ethnicity[person] if rng.random() < 0.85 else "",
        )

    def _email(self, person: int, kind: str, agency: str, given: str, family: str) -> str:
        """Parents and older children sometimes give an email address."""
        rng = self.rng
        chance = {"parent": 0.3, "foster_carer": 0.6, "partner": 0.2}.get(kind, 0.0)
        if kind == CHILD and agency in ("education", "social_care", "health"):
            chance = 0.08
        if rng.random() >= chance or not given:
            return ""
        first = self.pop.given[person].lower()
        last = self.pop.family[person].lower().replace("'", "").replace(" ", "")
        year = self.calendar.date(self.pop.dob[person])[2:4]
        forms = (
            f"{first}.{last}",
            f"{first}{last}{year}",
            f"{first[0]}{last}",
            f"{first}_{year}",
            f"{last}{first[0]}",
        )
        local = hash_pick(person, forms)
        domains = (
            "hotmail.co.uk",
            "gmail.com",
            "yahoo.co.uk",
            "outlook.com",
            "btinternet.com",
            "icloud.com",
        )
        domain = hash_pick(person + 7, domains)
        return f"{local}@{domain}" if rng.random() < 0.9 else f"{local.upper()}@{domain.upper()}"

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
            if rng.random() < 0.3:  # the system wanted a full date: 1 January of the year
                return f"{self.calendar.date(dob)[:4]}-01-01", ""
            return "", self.calendar.date(dob)[:4]
        if rng.random() < 0.015 * noise:
            return "", ""
        share = self.year_only.get(agency)
        if share and kind == CHILD and rng.random() < share:  # the system keeps a year only
            return "", self.calendar.date(dob)[:4]
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
