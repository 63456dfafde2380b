"""The indicator catalogue: load `catalogue.yaml`, validate it, render it.

The catalogue is data a reviewer can read, cite and change; this module only
checks that it is well formed (every category is one of the spec's twelve,
every source is a known reference, every rule exists) and renders it as text
or as the Markdown of `docs/indicators.md`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lantern.config_files import load_model

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")

Category = Literal[
    "missing",
    "older_associate",
    "vehicle",
    "substances",
    "sexual_health",
    "gifts_money",
    "physical_harm",
    "online_contact",
    "places",
    "education",
    "sexual_abuse_disclosed",
    "emotional_wellbeing",
]
CATEGORIES: tuple[str, ...] = get_args(Category)


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    note: str = ""
    verified: bool


class Detection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_types: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    text: bool = False
    rule: str | None = None

    @model_validator(mode="after")
    def _something(self) -> Detection:
        if not (self.event_types or self.codes or self.text or self.rule):
            raise ValueError("detect names no way of finding the indicator")
        for code in self.codes:
            if ":" not in code:
                raise ValueError(f"code {code!r} is not `scheme:code`")
        return self


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    category: Category
    description: str = Field(min_length=10)
    sources: list[str] = Field(min_length=1)
    weight: float = Field(gt=0, le=10)
    rationale: str = Field(min_length=10)
    boys: str | None = None
    detect: Detection
    sexual_activity: bool = False
    legal_floor: Literal["medium", "high"] | None = None
    concern: Literal["sexual_exploitation", "criminal_exploitation"] = "sexual_exploitation"


class NamedConcernRule(BaseModel):
    """Signs a record explains itself when it names another kind of exploitation."""

    model_config = ConfigDict(extra="forbid")

    signs: list[str] = Field(min_length=1)
    unless_categories: list[Category] = Field(default_factory=list)
    unless_indicators: list[str] = Field(default_factory=list)
    unless_words: list[str] = Field(default_factory=list)
    rationale: str = Field(min_length=10)


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    references: dict[str, Reference]
    indicators: list[Indicator]
    named_concern_explains: NamedConcernRule | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        seen: set[str] = set()
        for indicator in self.indicators:
            if indicator.id in seen:
                raise ValueError(f"indicator {indicator.id!r} is listed twice")
            seen.add(indicator.id)
            for source in indicator.sources:
                if source not in self.references:
                    raise ValueError(f"indicator {indicator.id!r} cites unknown source {source!r}")
        rule = self.named_concern_explains
        if rule is not None:
            for name in rule.signs + rule.unless_indicators:
                if name not in seen:
                    raise ValueError(f"named_concern_explains names unknown indicator {name!r}")
        return self

    def by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    def get(self, indicator_id: str) -> Indicator:
        return self.by_id()[indicator_id]


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue (the packaged one by default)."""
    return load_model(path or CATALOGUE_PATH, Catalogue, "indicator catalogue")


@cache
def default_catalogue() -> Catalogue:
    return load_catalogue()


def _how_found(detect: Detection) -> str:
    parts = []
    if detect.event_types:
        parts.append("events: " + ", ".join(f"`{t}`" for t in detect.event_types))
    if detect.codes:
        parts.append("codes: " + ", ".join(f"`{c}`" for c in detect.codes))
    if detect.rule:
        parts.append(f"rule: `{detect.rule}`")
    if detect.text:
        parts.append("text patterns")
    return "; ".join(parts)


def render_text(catalogue: Catalogue) -> str:
    """A plain listing for the terminal."""
    lines = []
    for category in CATEGORIES:
        members = [i for i in catalogue.indicators if i.category == category]
        lines.append(f"{category} ({len(members)})")
        for i in members:
            floor = f"  floor={i.legal_floor}" if i.legal_floor else ""
            if i.concern != "sexual_exploitation":
                floor += f"  concern={i.concern}"
            lines.append(f"  {i.id:<32} weight={i.weight:g}{floor}  {i.description}")
            lines.append(f"  {'':<32} sources: {', '.join(i.sources)}; {_how_found(i.detect)}")
    return "\n".join(lines) + "\n"


def render_markdown(catalogue: Catalogue) -> str:
    """The text of `docs/indicators.md` (regenerate with `lantern catalogue --markdown`)."""
    out = [
        "# Indicators of exploitation",
        "",
        "<!-- Generated from src/lantern/indicators/catalogue.yaml by "
        "`lantern catalogue --markdown > docs/indicators.md`. Do not edit by hand. -->",
        "",
        "Every indicator Lantern raises, with its category (one of the twelve in the",
        "interchange spec), its default weight, how it is found, where it comes from",
        "and why it weighs what it does. Weights are changed in the catalogue, not in",
        "code. Legal rules also set a *floor*: the lowest band the child can be in",
        "once the rule has fired, whatever else the record says. Indicators whose",
        "*concern* is criminal exploitation (county lines, gangs) are raised and shown",
        "with the child's signs but do not score for CSE (`docs/scoring.md`).",
        "",
        "How text is read (negation, hypothetical and advice, history, and whose",
        "experience it is) and the victim-blaming language Lantern reports are",
        "described in [indicators-text.md](indicators-text.md).",
        "",
    ]
    for category in CATEGORIES:
        members = [i for i in catalogue.indicators if i.category == category]
        out += [f"## `{category}`", ""]
        out += ["| indicator | weight | found by | sources | description | rationale |"]
        out += ["|---|---|---|---|---|---|"]
        for i in members:
            weight = f"{i.weight:g}" + (f" (floor: {i.legal_floor})" if i.legal_floor else "")
            if i.concern != "sexual_exploitation":
                weight += f" ({i.concern.replace('_', ' ')}: shown, not scored for CSE)"
            rationale = i.rationale + (f" *Boys:* {i.boys}" if i.boys else "")
            out.append(
                f"| `{i.id}` | {weight} | {_how_found(i.detect)} | "
                f"{', '.join(i.sources)} | {i.description} | {rationale} |"
            )
        out.append("")
    rule = catalogue.named_concern_explains
    if rule is not None:
        unless = [f"`{c}`" for c in rule.unless_categories + rule.unless_indicators]
        out += [
            "## Signs a record explains itself",
            "",
            "In a record that names another kind of exploitation (a hit of an indicator",
            "whose concern is criminal exploitation) and shows no sign of sexual harm, these",
            "signs are that concern's and are not raised: "
            + ", ".join(f"`{s}`" for s in rule.signs)
            + ". A record that also has a hit in "
            + ", ".join(unless)
            + " or the words "
            + ", ".join(f'"{w}"' for w in rule.unless_words)
            + " keeps every sign. "
            + rule.rationale,
            "",
        ]
    out += ["## Sources", ""]
    for key, ref in catalogue.references.items():
        status = "" if ref.verified else " **Unverified** — check the primary document."
        note = f" {ref.note}" if ref.note else ""
        out.append(f"- `{key}`: {ref.title}.{note}{status}")
    out.append("")
    return "\n".join(out)
