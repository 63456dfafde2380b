"""The graph rules (`rules.yaml`): edge points, roles, windows and thresholds, as data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lantern.config_files import read_mapping
from lantern.errors import ConfigError

DEFAULT_RULES = Path(__file__).with_name("rules.yaml")
EDGE_KINDS = (
    "suspect_of",
    "co_event",
    "shared_thing",
    "text_mention",
    "with_thing",
    "at_place",
    "same_place",
)


@dataclass(frozen=True)
class GraphRules:
    points: dict[str, float]
    signal_multiplier: float
    protective_roles: tuple[str, ...]
    suspect_roles: tuple[str, ...]
    child_roles: tuple[str, ...]
    adult_tie_roles: tuple[str, ...]
    max_people_per_event: int
    missing_event_types: tuple[str, ...]
    missing_window_days: int
    contact_categories: tuple[str, ...]
    place_event_types: tuple[str, ...]
    same_place_window_days: int
    same_place_min_occasions: int
    same_place_max_people: int
    thing_role_targets: dict[str, tuple[str, ...]]
    shared_thing_max_people: int
    nickname_max_persons: int
    routine_min_events: int
    routine_max_signal_share: float
    routine_protective_share: float
    routine_edge_min_events: int
    signal_min_categories: int
    signal_common_categories: tuple[str, ...]
    signal_strong_categories: tuple[str, ...]
    signal_min_missing_hits: int
    signal_not_signals: tuple[str, ...]
    signal_not_concerns: tuple[str, ...]
    sexual_categories: tuple[str, ...]
    sexual_indicators: tuple[str, ...]
    seed: int
    iterations: int
    resolution: float
    min_signal_children: int
    min_connector_children: int
    hotspot_min_signal_children: int
    routine_household_thing_roles: tuple[str, ...] = ()
    family_relations: tuple[str, ...] = ()


def load_rules(path: Path | str | None = None) -> GraphRules:
    """Read the rules from `path`, or Lantern's own `rules.yaml`."""
    where = Path(path) if path is not None else DEFAULT_RULES
    data = read_mapping(where, "graph rules")
    try:
        return _from_mapping(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigError(f"{where}: invalid graph rules ({error!r})") from error


def _from_mapping(data: dict[str, Any]) -> GraphRules:
    points = {kind: float(data["points"][kind]) for kind in EDGE_KINDS}
    routine = data["routine"]
    signal = data["signal_child"]
    networks = data["networks"]
    return GraphRules(
        points=points,
        signal_multiplier=float(data["signal_multiplier"]),
        protective_roles=tuple(data["protective_roles"]),
        suspect_roles=tuple(data["suspect_roles"]),
        child_roles=tuple(data["child_roles"]),
        adult_tie_roles=tuple(data["adult_tie_roles"]),
        max_people_per_event=int(data["max_people_per_event"]),
        missing_event_types=tuple(data["missing_event_types"]),
        missing_window_days=int(data["missing_window_days"]),
        contact_categories=tuple(data["contact_categories"]),
        place_event_types=tuple(data["place_event_types"]),
        same_place_window_days=int(data["same_place_window_days"]),
        same_place_min_occasions=int(data["same_place_min_occasions"]),
        same_place_max_people=int(data["same_place_max_people"]),
        thing_role_targets={k: tuple(v) for k, v in data["thing_role_targets"].items()},
        shared_thing_max_people=int(data["shared_thing_max_people"]),
        nickname_max_persons=int(data["nickname_max_persons"]),
        routine_min_events=int(routine["min_events"]),
        routine_max_signal_share=float(routine["max_signal_share"]),
        routine_protective_share=float(routine["protective_share"]),
        routine_edge_min_events=int(routine["edge_min_events"]),
        routine_household_thing_roles=tuple(routine.get("household_thing_roles", ())),
        signal_min_categories=int(signal["min_categories"]),
        signal_common_categories=tuple(signal["common_categories"]),
        signal_strong_categories=tuple(signal["strong_categories"]),
        signal_min_missing_hits=int(signal["min_missing_hits"]),
        signal_not_signals=tuple(signal.get("not_signals", ())),
        signal_not_concerns=tuple(signal.get("not_signal_concerns", ())),
        family_relations=tuple(data.get("family_relations", ())),
        sexual_categories=tuple((data.get("network_concern") or {}).get("sexual_categories", ())),
        sexual_indicators=tuple((data.get("network_concern") or {}).get("sexual_indicators", ())),
        seed=int(networks["seed"]),
        iterations=int(networks["iterations"]),
        resolution=float(networks["resolution"]),
        min_signal_children=int(networks["min_signal_children"]),
        min_connector_children=int(networks["min_connector_children"]),
        hotspot_min_signal_children=int(data["hotspot_min_signal_children"]),
    )
