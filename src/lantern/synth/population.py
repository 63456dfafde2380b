"""The county's true people: children in households, parents, professionals, carers, drivers.

A person is an integer id (its index here); `person_id(i)` is its ground-truth name
(`T0000042`). Attributes are kept as parallel lists (append-only), with numpy copies of the
children's columns for the vectorised event generators.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lantern.synth import formats
from lantern.synth.calendar import Calendar
from lantern.synth.vocabulary import Vocabulary

CHILD = "child"
PARENT = "parent"
RELATIVE = "relative"
PROFESSIONAL = "professional"
FOSTER_CARER = "foster_carer"
TAXI_DRIVER = "taxi_driver"
PARTNER = "partner"
NETWORK_ADULT = "network_adult"


def person_id(index: int) -> str:
    return f"T{index:07d}"


@dataclass
class Household:
    postcode: str
    address: str
    town: str
    district: int
    phone: str
    children: list[int] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    relatives: list[int] = field(default_factory=list)
    moved_on: int | None = None  # the day the family moved house, if it did
    new_postcode: str = ""
    new_address: str = ""


@dataclass
class Population:
    """True persons as parallel lists; index = person number."""

    kind: list[str] = field(default_factory=list)
    sex: list[str] = field(default_factory=list)
    dob: list[int] = field(default_factory=list)  # days since 1970-01-01
    given: list[str] = field(default_factory=list)
    family: list[str] = field(default_factory=list)
    household: list[int] = field(default_factory=list)  # -1 when none
    postcode: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)  # E.164 or ""
    nhs: list[str] = field(default_factory=list)
    upn: list[str] = field(default_factory=list)
    ethnicity: list[str] = field(default_factory=list)
    role_detail: list[str] = field(default_factory=list)  # e.g. "police officer", "uncle"
    aliases: dict[int, list[str]] = field(default_factory=dict)  # street names
    extra_phones: dict[int, list[str]] = field(default_factory=dict)  # beyond `phone`
    agency_of: dict[int, str] = field(default_factory=dict)  # professionals' employer
    households: list[Household] = field(default_factory=list)
    # children's columns as numpy arrays (children are persons 0..n_children-1)
    n_children: int = 0
    child_dob: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    child_male: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    vulnerability: np.ndarray = field(default_factory=lambda: np.zeros(0))
    school: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # pools
    officers: list[int] = field(default_factory=list)
    social_workers: list[int] = field(default_factory=list)
    school_staff: list[int] = field(default_factory=list)  # one designated lead per school
    nurses: list[int] = field(default_factory=list)
    foster_carers: list[int] = field(default_factory=list)
    taxi_drivers: list[int] = field(default_factory=list)
    taxi_vehicles: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # vrm, car, firm
    spare_nhs: list[str] = field(default_factory=list)  # for people added later
    # --profile hard: network adults who never get a person record (known only by things)
    unnamed: set[int] = field(default_factory=set)
    visitors: dict[int, int] = field(default_factory=dict)  # household -> visiting relative
    cars: dict[int, tuple[str, str]] = field(default_factory=dict)  # person -> (VRM, car)
    contract_drivers: list[int] = field(default_factory=list)  # the transport firm's drivers
    riders: dict[int, list[int]] = field(default_factory=dict)  # driver -> children carried
    homes: list[Any] = field(default_factory=list)  # children's homes (confounders_hard.Home)
    away_parent: dict[int, int] = field(default_factory=dict)  # household -> parent living apart

    def issue_nhs(self, person: int) -> None:
        if self.spare_nhs:
            self.nhs[person] = self.spare_nhs.pop()

    def add(
        self,
        kind: str,
        sex: str,
        dob: int,
        given: str,
        family: str,
        *,
        rng: random.Random,
        vocab: Vocabulary,
        household: int = -1,
        postcode: str = "",
        address: str = "",
        phone: str = "",
        role_detail: str = "",
    ) -> int:
        index = len(self.kind)
        self.kind.append(kind)
        self.sex.append(sex)
        self.dob.append(dob)
        self.given.append(given)
        self.family.append(family)
        self.household.append(household)
        self.postcode.append(postcode)
        self.address.append(address)
        self.phone.append(phone)
        self.nhs.append("")
        self.upn.append("")
        self.ethnicity.append(
            rng.choices(vocab.ethnicity_codes, weights=vocab.ethnicity_weights)[0]
        )
        self.role_detail.append(role_detail)
        return index

    def given_name_for(self, sex: str, rng: random.Random, vocab: Vocabulary) -> str:
        return rng.choice(vocab.given_female if sex == "F" else vocab.given_male)

    def add_named(
        self,
        kind: str,
        sex: str,
        dob: int,
        *,
        rng: random.Random,
        vocab: Vocabulary,
        family: str | None = None,
        family_odds: float | None = None,
        household: int = -1,
        postcode: str = "",
        address: str = "",
        role_detail: str = "",
        work_phone: bool = False,
    ) -> int:
        """`add` a person with a given name for their sex, a family name and a phone (a mobile,
        or with `work_phone` an office landline), drawn in that order (the order every caller
        drew them in, so a seed still gives the same county). `family`: the family name, or
        None for one from the vocabulary; with `family_odds`, that name only with those odds,
        else one from the vocabulary."""
        given = self.given_name_for(sex, rng, vocab)
        if family is None or (family_odds is not None and rng.random() >= family_odds):
            family = rng.choice(vocab.family)
        return self.add(
            kind,
            sex,
            dob,
            given,
            family,
            rng=rng,
            vocab=vocab,
            household=household,
            postcode=postcode,
            address=address,
            phone=f"+441865{rng.randrange(10**6):06d}" if work_phone else formats.mobile_e164(rng),
            role_detail=role_detail,
        )

    def home_on(self, person: int, day: int | None) -> tuple[str, str]:
        """(postcode, address) where `person` lived on `day` (households may move once)."""
        h = self.household[person]
        if h >= 0 and self.kind[person] in (CHILD, PARENT):
            hh = self.households[h]
            if hh.moved_on is not None and day is not None and day >= hh.moved_on:
                return hh.new_postcode, hh.new_address
        return self.postcode[person], self.address[person]

    def age_years(self, person: int, day: int) -> int:
        return int((day - self.dob[person]) // 365.25)


def new_address(rng: random.Random, vocab: Vocabulary) -> tuple[str, str, str, int]:
    """(postcode, address, town, district index) for a new home."""
    district = rng.randrange(len(vocab.districts))
    code, town = vocab.districts[district]
    address = f"{rng.randrange(1, 140)} {rng.choice(vocab.streets)}, {town}"
    return formats.postcode(code, rng), address, town, district


def new_address_near(
    district: int, rng: random.Random, vocab: Vocabulary
) -> tuple[str, str, str, int]:
    """A new home, in the same postcode district two times in three."""
    if rng.random() < 0.33:
        return new_address(rng, vocab)
    code, town = vocab.districts[district]
    address = f"{rng.randrange(1, 140)} {rng.choice(vocab.streets)}, {town}"
    return formats.postcode(code, rng), address, town, district


def build_population(
    n_children: int,
    calendar: Calendar,
    rng: random.Random,
    nprng: np.random.Generator,
    vocab: Vocabulary,
) -> Population:
    """Children in households with their parents, and the pools of people around them."""
    pop = Population()
    lo = calendar.start - 17 * 365
    hi = calendar.end - 200
    # households of 1-4 children; siblings 1-7 years apart; a few twins
    sizes: list[int] = []
    remaining = n_children
    while remaining > 0:
        size = min(remaining, rng.choices((1, 2, 3, 4), weights=(0.36, 0.4, 0.17, 0.07))[0])
        sizes.append(size)
        remaining -= size
    for size in sizes:
        postcode, address, town, district = new_address(rng, vocab)
        home_phone = formats.mobile_e164(rng)
        hh = Household(postcode, address, town, district, home_phone)
        if rng.random() < 0.2:  # moved house once during the window, mostly nearby
            moved_postcode, moved_address, _, _ = new_address_near(district, rng, vocab)
            hh.moved_on = rng.randrange(calendar.start, calendar.end)
            hh.new_postcode, hh.new_address = moved_postcode, moved_address
        hh_index = len(pop.households)
        pop.households.append(hh)
        family = rng.choice(vocab.family)
        first = rng.randrange(lo, hi)
        dobs = [first]
        for _ in range(size - 1):
            if rng.random() < 0.04:
                dobs.append(dobs[-1])  # twins
            else:
                gap = rng.randrange(400, 2600) * rng.choice((-1, 1))
                dobs.append(min(hi - 1, max(lo, dobs[-1] + gap)))
        for dob in dobs:
            sex = "M" if rng.random() < 0.51 else "F"
            given = pop.given_name_for(sex, rng, vocab)
            child = pop.add(
                CHILD,
                sex,
                dob,
                given,
                family,
                rng=rng,
                vocab=vocab,
                household=hh_index,
                postcode=postcode,
                address=address,
                phone=home_phone if rng.random() < 0.3 else "",
            )
            hh.children.append(child)
    pop.n_children = len(pop.kind)
    # parents after all children, so children are 0..n-1
    for hh_index, hh in enumerate(pop.households):
        eldest = min(pop.dob[c] for c in hh.children)
        mother_dob = eldest - rng.randrange(17 * 365, 42 * 365)
        family = pop.family[hh.children[0]]
        mother_family = family if rng.random() < 0.8 else rng.choice(vocab.family)
        mother = pop.add(
            PARENT,
            "F",
            mother_dob,
            pop.given_name_for("F", rng, vocab),
            mother_family,
            rng=rng,
            vocab=vocab,
            household=hh_index,
            postcode=hh.postcode,
            address=hh.address,
            phone=hh.phone,
            role_detail="mother",
        )
        hh.parents.append(mother)
        if rng.random() < 0.65:
            father_given = pop.given_name_for("M", rng, vocab)
            father = pop.add(
                PARENT,
                "M",
                mother_dob + rng.randrange(-6 * 365, 8 * 365) - 700,
                father_given,
                family,
                rng=rng,
                vocab=vocab,
                household=hh_index,
                postcode=hh.postcode,
                address=hh.address,
                phone=formats.mobile_e164(rng),
                role_detail="father",
            )
            hh.parents.append(father)
            for child in hh.children:  # father and son with the same name
                if pop.sex[child] == "M" and rng.random() < 0.05:
                    pop.given[child] = father_given
        if rng.random() < 0.12:
            relation = rng.choice(("uncle", "aunt", "grandmother", "grandfather", "older brother"))
            rsex = "F" if relation in ("aunt", "grandmother") else "M"
            rpost, raddr, _, _ = new_address(rng, vocab)
            rel_dob = mother_dob + (
                rng.randrange(-25, -15) * 365 if "grand" in relation else rng.randrange(-8, 8) * 365
            )
            if relation == "older brother":
                rel_dob = eldest - rng.randrange(6 * 365, 10 * 365)
            relative = pop.add_named(
                RELATIVE,
                rsex,
                rel_dob,
                rng=rng,
                vocab=vocab,
                family=family,
                family_odds=0.6,
                household=hh_index,
                postcode=rpost,
                address=raddr,
                role_detail=relation,
            )
            hh.relatives.append(relative)
    nhs = formats.nhs_numbers(len(pop.kind) + 4 * n_children // 100 + 2000, rng)
    for person in range(len(pop.kind)):
        pop.nhs[person] = nhs[person]
    pop.spare_nhs = nhs[len(pop.kind) :]
    n_schools = max(4, n_children // 350)
    for child in range(pop.n_children):
        pop.upn[child] = formats.upn(
            child % 1000,
            school=2000 + child // 1000 % 8000,
            year=(pop.dob[child] // 365 + 1970 + 5) % 100,
        )
    pop.child_dob = np.array(pop.dob[: pop.n_children], dtype=np.int64)
    pop.child_male = np.array([s == "M" for s in pop.sex[: pop.n_children]])
    # vulnerability: shared by siblings in part, heavy-tailed
    hh_vuln = nprng.gamma(0.7, 1 / 0.7, size=len(pop.households))
    own = nprng.gamma(2.0, 0.5, size=pop.n_children)
    hh_of_child = np.array(pop.household[: pop.n_children], dtype=np.int64)
    pop.vulnerability = hh_vuln[hh_of_child] * own
    # a school per household's district, siblings together
    school_of_hh = nprng.integers(0, n_schools, size=len(pop.households))
    pop.school = school_of_hh[hh_of_child]
    _add_pools(pop, n_children, n_schools, calendar, rng, vocab)
    return pop


def add_professional(
    pop: Population,
    agency: str,
    detail: str,
    calendar: Calendar,
    rng: random.Random,
    vocab: Vocabulary,
    ages: tuple[int, int] = (24, 58),
) -> int:
    """A professional of `agency`, aged within `ages` (years) when the records start."""
    sex = rng.choice("FM")
    dob = calendar.start - rng.randrange(ages[0] * 365, ages[1] * 365)
    person = pop.add_named(
        PROFESSIONAL, sex, dob, rng=rng, vocab=vocab, role_detail=detail, work_phone=True
    )
    pop.agency_of[person] = agency
    return person


def _add_pools(
    pop: Population,
    n_children: int,
    n_schools: int,
    calendar: Calendar,
    rng: random.Random,
    vocab: Vocabulary,
) -> None:
    pop.officers = [
        add_professional(pop, "police", "police officer", calendar, rng, vocab)
        for _ in range(max(12, n_children // 250))
    ]
    pop.social_workers = [
        add_professional(pop, "social_care", "social worker", calendar, rng, vocab)
        for _ in range(max(8, n_children // 400))
    ]
    pop.school_staff = [
        add_professional(pop, "education", "designated safeguarding lead", calendar, rng, vocab)
        for _ in range(n_schools)
    ]
    pop.nurses = [
        add_professional(pop, "health", "school nurse", calendar, rng, vocab)
        for _ in range(max(3, n_children // 2500))
    ]
    for _ in range(max(6, n_children // 350)):
        postcode, address, _, _ = new_address(rng, vocab)
        sex = "F" if rng.random() < 0.75 else "M"
        carer = pop.add_named(
            FOSTER_CARER,
            sex,
            calendar.start - rng.randrange(30 * 365, 62 * 365),
            rng=rng,
            vocab=vocab,
            postcode=postcode,
            address=address,
            role_detail="foster carer",
        )
        pop.foster_carers.append(carer)
    for _ in range(max(4, n_children // 1500)):
        postcode, address, _, _ = new_address(rng, vocab)
        driver = pop.add_named(
            TAXI_DRIVER,
            "M",
            calendar.start - rng.randrange(25 * 365, 60 * 365),
            rng=rng,
            vocab=vocab,
            postcode=postcode,
            address=address,
            role_detail="taxi driver",
        )
        pop.taxi_drivers.append(driver)
        pop.taxi_vehicles[driver] = (
            formats.vrm(rng),
            rng.choice(vocab.cars),
            rng.choice(vocab.taxi_firms),
        )
