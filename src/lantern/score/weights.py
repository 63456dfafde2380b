"""The scoring weights: `weights.yaml`, read and validated.

The numbers live in YAML so a board can read and change them; this module
only checks that the file is complete and consistent, and answers small
questions about it (which band a score is in, what multiplier an age gets).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lantern.config_files import load_model
from lantern.indicators.catalogue import CATEGORIES as INDICATOR_CATEGORIES

DEFAULT_WEIGHTS = Path(__file__).with_name("weights.yaml")

# The twelve categories are the indicator catalogue's (and the interchange spec's): one list.
CATEGORIES = INDICATOR_CATEGORIES

BANDS = ("none", "low", "medium", "high")
BAND_RANK = {band: rank for rank, band in enumerate(BANDS)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Strict):
    up_to_days: int = Field(gt=0)
    multiplier: float = Field(ge=0, le=1)


def _check_windows(windows: list[Window], where: str) -> None:
    days = [w.up_to_days for w in windows]
    multipliers = [w.multiplier for w in windows]
    if days != sorted(set(days)):
        raise ValueError(f"{where}: windows must have strictly increasing up_to_days")
    if multipliers != sorted(multipliers, reverse=True):
        raise ValueError(f"{where}: multipliers must not rise with age (scores only decay)")


class Recency(_Strict):
    default: list[Window] = Field(min_length=1)
    by_category: dict[str, list[Window]] = {}

    @model_validator(mode="after")
    def _valid(self) -> Recency:
        _check_windows(self.default, "recency.default")
        for category, windows in self.by_category.items():
            if category not in CATEGORIES:
                raise ValueError(f"recency.by_category: unknown category {category!r}")
            _check_windows(windows, f"recency.by_category.{category}")
        return self

    def windows(self, category: str) -> list[Window]:
        return self.by_category.get(category, self.default)

    def multiplier(self, category: str, age_days: int) -> float:
        for window in self.windows(category):
            if age_days <= window.up_to_days:
                return window.multiplier
        return 0.0


class Corroboration(_Strict):
    window_days: int = Field(gt=0)
    significant_points: float = Field(ge=0)
    per_extra_category: float = Field(ge=0)
    per_extra_agency: float = Field(ge=0)
    max_categories_counted: int = Field(ge=1)
    max_agencies_counted: int = Field(ge=1)


class Escalation(_Strict):
    category: str
    window_days: int = Field(gt=0)
    min_count: int = Field(ge=2)
    points: float = Field(ge=0)
    label: str

    @model_validator(mode="after")
    def _known(self) -> Escalation:
        if self.category not in CATEGORIES:
            raise ValueError(f"escalation: unknown category {self.category!r}")
        return self


class OneRecordEnough(_Strict):
    """When one linking record is enough (instead of `min_events`): the target is an adult
    already named as a suspect or offender in a child's record, or an adult or thing already
    tied repeatedly to at least `flagged_others` flagged children (0: not used)."""

    named_suspect: bool = False
    flagged_others: int = Field(0, ge=0)


class Links(_Strict):
    min_events: int = Field(ge=1)
    suspect_roles: list[str]
    points_per_flagged_other: float = Field(ge=0)
    max_flagged_others_counted: int = Field(ge=1)
    cap: float = Field(ge=0)
    one_record_enough: OneRecordEnough | None = None
    # What a note naming counts as a link (text_mentions kinds): vehicles and phones by
    # default; `nickname` adds a street name ("a man called Benzo").
    text_kinds: list[Literal["vehicle", "phone", "nickname"]] = ["vehicle", "phone"]
    # Links corroborate a child's own signs; they never make a concern on their own. A child
    # whose own points (before links) are under this gets no link points (0: no gate).
    min_own_points: float = Field(default=0.0, ge=0)


class LegalFloors(_Strict):
    not_applied: list[str] = []


class Bands(_Strict):
    high: float
    medium: float
    low: float

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if not 0 < self.low < self.medium < self.high:
            raise ValueError("bands: need 0 < low < medium < high")
        return self

    def band(self, score: float) -> str:
        # A small tolerance so that sums of decimal weights land in the band they add up to.
        score += 1e-9
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        if score >= self.low:
            return "low"
        return "none"


class ChildWeights(_Strict):
    recency: Recency
    category_scale: dict[str, float]
    unscored_concerns: list[
        Literal["sexual_exploitation", "criminal_exploitation", "child_sexual_abuse"]
    ] = []
    # Kinship (indicator_hits.relation): a hit whose adult the record names as the child's
    # family is shown, not scored as CSE, and its record makes no link (score/facts.py).
    unscored_relations: list[Literal["family"]] = []
    # Which readers of the narratives score (indicators/text/analyse.py `layer`): a text
    # hit only another layer found is shown with its evidence but carries no points and
    # no floor. Structured and code hits always score; a legal hit takes the layer of the
    # text finding it rests on, except an adult with a child under 16 (always scored).
    scored_text_layers: list[Literal["patterns", "concepts"]] = ["patterns"]
    repeat_factor: float = Field(ge=0, le=1)
    category_cap: float = Field(gt=0)
    corroboration: Corroboration
    escalation: list[Escalation] = []
    links: Links
    legal_floors: LegalFloors = LegalFloors()
    flag_hold_days: int = Field(0, ge=0)
    flag_hold_to_age: int = Field(0, ge=0, le=18)
    bands: Bands

    @model_validator(mode="after")
    def _every_category(self) -> ChildWeights:
        missing = sorted(set(CATEGORIES) - set(self.category_scale))
        unknown = sorted(set(self.category_scale) - set(CATEGORIES))
        if missing or unknown:
            raise ValueError(
                f"category_scale: missing {missing or 'none'}, unknown {unknown or 'none'}"
            )
        return self


class AdultWeights(_Strict):
    points_per_flagged_child: float = Field(ge=0)
    points_per_other_child: float = Field(ge=0)
    max_other_children_counted: int = Field(ge=0)
    suspect_in_sexual_abuse_event: float = Field(ge=0)
    suspect_in_sexual_abuse_min_children: int = Field(1, ge=1)
    bands: Bands


class NetworkWeights(_Strict):
    min_flagged_children: int = Field(ge=1)
    min_flagged_adults: int = Field(ge=0)


class Weights(_Strict):
    version: int
    child: ChildWeights
    adult: AdultWeights
    network: NetworkWeights


def load_weights(path: Path | None = None) -> Weights:
    """Read and validate a weights file (default: the one shipped with Lantern)."""
    return load_model(path or DEFAULT_WEIGHTS, Weights, "weights file")
