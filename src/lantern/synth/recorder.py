"""Recording events: refs, timestamps with recording lag, people and things, narrative text."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from lantern.synth import formats
from lantern.synth.calendar import Calendar
from lantern.synth.output import TableWriter
from lantern.synth.population import Population, person_id
from lantern.synth.profiles import DEFAULT, Profile
from lantern.synth.records import Registry
from lantern.synth.vocabulary import Vocabulary

EVENT_PREFIX = {"police": "OCC", "social_care": "WF", "health": "ENC", "education": "SIMS"}

PRONOUNS = {
    "F": {
        "they": "she",
        "them": "her",
        "their": "her",
        "theirs": "hers",
        "themselves": "herself",
        "They": "She",
        "Their": "Her",
    },
    "M": {
        "they": "he",
        "them": "him",
        "their": "his",
        "theirs": "his",
        "themselves": "himself",
        "They": "He",
        "Their": "His",
    },
}


@dataclass(frozen=True)
class Thing:
    kind: str  # vehicle, phone, social_handle, address
    value: str  # as written
    role: str = "seen_with_subject"
    description: str = ""


class Narrative(dict[str, str]):
    """Template fields for one record; anything not given is made up on first use."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, **fields: str) -> None:
        super().__init__(fields)
        self.rng = rng
        self.vocab = vocab

    def __missing__(self, key: str) -> str:
        rng, vocab = self.rng, self.vocab
        if key == "time":
            value = (
                f"{rng.choice((19, 20, 21, 22, 23, 0, 1, 2, 3)) % 24:02d}:{rng.randrange(60):02d}"
            )
        elif key == "days":
            value = str(rng.randrange(1, 6))
        elif key == "pct":
            value = str(rng.randrange(55, 89))
        elif key == "illness":
            value = rng.choice(vocab.templates["absence_illness"])
        elif key in ("parent", "parent2"):
            value = rng.choice(("Mum", "mum", "Dad", "mother", "Mum", "father", "Nan"))
        elif key == "carer":
            value = rng.choice(("foster carer", "residential staff", "carer", "staff at the home"))
        elif key == "friend":
            value = rng.choice(vocab.given_female + vocab.given_male)
        elif key == "town":
            value = rng.choice(vocab.districts)[1]
        elif key == "place":
            group = rng.choice(("takeaways", "parks", "landmarks"))
            value = rng.choice(vocab.places[group])
        elif key == "partner_age":  # a peer's age: an adult partner of a child under 16 is an
            # offence, so an ordinary record never gives one (planted stories pass their own)
            age = self.get("age", "")
            if age.isdigit():
                own = int(age)
                value = str(min(own + rng.choice((-1, 0, 0, 1, 1, 2)), 17 if own < 16 else 19))
            else:
                value = str(rng.choice((15, 16, 16, 17, 17, 18)))
        elif key in ("nick", "nick2"):
            value = rng.choice(vocab.street_nicknames)
        elif key == "car":
            value = rng.choice(vocab.cars)
        elif key == "name":
            value = "YP"
        elif key == "handle":
            value = (
                "@"
                + rng.choice(vocab.street_nicknames).lower().replace(" ", "_")
                + str(rng.randrange(10, 99))
            )
        elif key == "callsign":  # a police unit's call sign
            value = f"{rng.choice(('TV', 'OX', 'RP', 'CT'))}{rng.randrange(10, 99)}"
        elif key == "log":  # an incident log number
            value = f"{rng.randrange(1, 999):04d}"
        elif key == "hhmm":  # a time of day as a log writes it, any hour
            value = f"{rng.randrange(24):02d}{rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50)):02d}"
        elif key == "late":  # a late return as a log writes it
            value = f"{rng.choice((22, 22, 23, 23, 0)):02d}{rng.choice((5, 10, 20, 35, 45)):02d}"
        elif key == "initials":  # the staff member writing a log
            value = "".join(rng.choice("ABCDEGHJKLMNPRSTW") for _ in range(2))
        elif key == "vrm":  # a car that is nobody's in particular (an ordinary stop)
            value = formats.vrm_as_written(formats.vrm(rng), rng)
        elif key == "school_name":
            value = (
                f"{rng.choice(vocab.districts)[1]} {rng.choice(('Academy', 'School', 'College'))}"
            )
        else:
            value = "unknown"
        self[key] = value
        return value


class Recorder:
    """Writes events with their people and things; hands out event refs per agency."""

    def __init__(
        self,
        pop: Population,
        registry: Registry,
        calendar: Calendar,
        dataset: TableWriter,
        truth: TableWriter,
        rng: random.Random,
        vocab: Vocabulary,
        latest_recorded: int | None = None,
        profile: Profile = DEFAULT,
    ) -> None:
        self.pop = pop
        self.profile = profile
        # whether the last narrative drawn was in the second style (its records have their own
        # openings and endings, so `event` does not add the first style's)
        self._second = False
        self.latest_recorded = latest_recorded
        self.registry = registry
        self.calendar = calendar
        self.dataset = dataset
        self.truth = truth
        self.rng = rng
        self.vocab = vocab
        self._counter: dict[str, int] = {}

    def narrative(self, template_key: str, subject: int | None = None, **fields: str) -> str:
        """Fill a random variant of `template_key` for `subject` (a child), plus `fields`."""
        rng = self.rng
        ctx = Narrative(rng, self.vocab, **fields)
        if subject is not None:
            sex = self.pop.sex[subject]
            ctx.update(PRONOUNS.get(sex, PRONOUNS["F"]))
            if "name" not in fields:
                roll = rng.random()
                given = self.pop.given[subject]
                if roll < 0.6:
                    ctx["name"] = given
                elif roll < 0.75:
                    ctx["name"] = f"{given} {self.pop.family[subject]}"
                elif roll < 0.88:
                    ctx["name"] = "YP"
                else:
                    ctx["name"] = f"{given[0]}{self.pop.family[subject][0]}"
        variants = self.vocab.templates.get(template_key)
        self._second = False
        if variants is None:  # a --profile hard record with no first-style wording
            variants, self._second = self.vocab.second[template_key], True
        elif self.profile.second_style and template_key in self.vocab.second:
            if rng.random() < self.profile.second_style:
                variants, self._second = self.vocab.second[template_key], True
        age = fields.get("age", "")
        style = "second" if self._second else "first"
        variants = self._fitting(
            variants, (style, template_key), int(age) if age.isdigit() else None
        )
        template = rng.choice(variants)
        return template.format_map(ctx)

    def _fitting(
        self,
        variants: tuple[str, ...],
        key: tuple[str, str],
        age: int | None,
        *,
        strict: bool = False,
    ) -> tuple[str, ...]:
        """The variants whose age range (a "13+|" prefix in the YAML) fits a child of `age`;
        all of them when the age is not known, or (unless `strict`) when none fits."""
        spans = self.vocab.ages.get(key)
        if not spans or age is None:
            return variants
        fitting = tuple(
            v for v, (low, high) in zip(variants, spans, strict=True) if low <= age <= high
        )
        return fitting if fitting or strict else variants

    def with_hard_case(self, text: str, subject: int, age: int | None = None) -> str:
        """`text` with a hard-case sentence appended (in the voice of the record)."""
        if self._second and text and text[-1] not in ".!?":
            text += "."
        return f"{text} {self.hard_case(subject, age)}"

    def hard_case(self, subject: int, age: int | None = None) -> str:
        """A sentence that names an indicator without it being about this child now (one that
        fits a child of `age`: no promiscuity written about a six-year-old)."""
        rng = self.rng
        ctx = Narrative(rng, self.vocab, name=self.pop.given[subject])
        ctx.update(PRONOUNS.get(self.pop.sex[subject], PRONOUNS["F"]))
        if self._second:  # in the voice of the record it is appended to
            variants = self._fitting(self.vocab.second_hard_cases, ("second_hard", ""), age)
            return rng.choice(variants).format_map(ctx)
        kinds = tuple(self.vocab.hard_cases)
        if age is not None and any(("hard", k) in self.vocab.ages for k in kinds):
            kinds = tuple(
                k
                for k in kinds
                if self._fitting(self.vocab.hard_cases[k], ("hard", k), age, strict=True)
            )
        kind = rng.choice(kinds)
        variants = self._fitting(self.vocab.hard_cases[kind], ("hard", kind), age)
        return rng.choice(variants).format_map(ctx)

    def event(
        self,
        agency: str,
        event_type: str,
        day: int,
        *,
        people: Iterable[tuple[int, str]],
        narrative: str = "",
        minute: int | None = None,
        lag_days: int = 0,
        ended_day: int | None = None,
        postcode: str = "",
        place_name: str = "",
        outcome: str = "",
        codes: str = "",
        things: Iterable[Thing] = (),
        scenario: str = "",
        network_id: str = "",
        signal_person: int | None = None,
        decorate: bool = True,
    ) -> str:
        """Record one event; returns its event_ref. `scenario` labels it in truth/signal_events."""
        rng = self.rng
        n = self._counter.get(agency, 0) + 1
        self._counter[agency] = n
        ref = f"{EVENT_PREFIX.get(agency, 'EV')}{n:08d}"
        if minute is None:
            minute = rng.randrange(8 * 60, 18 * 60)
        occurred = self.calendar.timestamp(day, minute)
        if self._second:
            decorate, self._second = False, False
        if narrative and decorate:
            if rng.random() < 0.3:
                opener = rng.choice(self.vocab.openers.get(agency, ("",)))
                narrative = f"{opener} {narrative}" if opener else narrative
            if rng.random() < 0.3:
                closer = rng.choice(self.vocab.closers.get(agency, ("",)))
                narrative = f"{narrative} {closer}" if closer else narrative
            if "{" in narrative:  # an opener may name a parent
                narrative = narrative.replace("{parent}", rng.choice(("Mum", "mother", "Dad")))
        if self.latest_recorded is not None:
            lag_days = max(0, min(lag_days, self.latest_recorded - day))
        recorded = ""
        if lag_days > 0:
            recorded = self.calendar.timestamp(day + lag_days, rng.randrange(8 * 60, 18 * 60))
        elif rng.random() < 0.5:
            recorded = self.calendar.timestamp(day, min(minute + rng.randrange(5, 180), 1439))
        ended = ""
        if ended_day is not None:
            ended = self.calendar.timestamp(ended_day, rng.randrange(0, 1440))
            if ended <= occurred:
                ended = ""
        self.dataset.row(
            "events",
            (
                agency,
                ref,
                event_type,
                occurred,
                recorded,
                ended,
                postcode,
                place_name,
                narrative,
                outcome,
                codes,
            ),
        )
        seen: set[str] = set()
        for person, role in people:
            if person in self.pop.unnamed:  # known only by a car, a phone or a street name
                continue
            person_ref = self.registry.ref(person, agency, day)
            if person_ref in seen:
                continue
            seen.add(person_ref)
            self.dataset.row("event_people", (agency, ref, person_ref, role))
        for thing in things:
            self.dataset.row(
                "event_things",
                (agency, ref, thing.kind, thing.value, thing.role, thing.description),
            )
        if scenario:
            who = person_id(signal_person) if signal_person is not None else ""
            self.truth.row("signal_events", (agency, ref, who, scenario, network_id))
        return ref
