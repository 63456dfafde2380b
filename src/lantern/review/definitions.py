"""The review's definitions (what counts as recognised, formal action, NFA), read from YAML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from lantern.config_files import read_mapping
from lantern.errors import ConfigError

DEFINITIONS_FILE = Path(__file__).with_name("definitions.yaml")


@dataclass(frozen=True)
class Definitions:
    recognised_codes: tuple[str, ...]
    offence_event_types: tuple[str, ...]
    meeting_event_types: tuple[str, ...]
    cse_named: str
    cse_ruled_out: str
    formal_action_event_types: tuple[str, ...]
    child_roles: tuple[str, ...]
    no_further_action: str


def normalise_code(code: str) -> str:
    """`scheme:code` as the review compares them: scheme in lower case, code in upper case."""
    scheme, _, value = code.strip().partition(":")
    return f"{scheme.lower()}:{value.upper()}"


def load_definitions(path: Path | None = None) -> Definitions:
    path = path or DEFINITIONS_FILE
    raw = read_mapping(path, "review definitions file")
    try:
        recognised = raw["recognised"]
        return Definitions(
            recognised_codes=tuple(normalise_code(str(c)) for c in recognised["codes"]),
            offence_event_types=tuple(recognised["offence_event_types"]),
            meeting_event_types=tuple(recognised["meeting_event_types"]),
            cse_named=str(recognised["cse_named"]),
            cse_ruled_out=str(recognised["cse_ruled_out"]),
            formal_action_event_types=tuple(raw["formal_action_event_types"]),
            child_roles=tuple(raw["child_roles"]),
            no_further_action=str(raw["no_further_action"]),
        )
    except (KeyError, TypeError) as error:
        raise ConfigError(f"{path}: not a valid review definitions file ({error})") from error


def write_terms(
    con: duckdb.DuckDBPyConnection,
    definitions: Definitions,
    scored_text_layers: list[str] | None = None,
) -> None:
    """Write the definitions as the one-row table `review_terms` the SQL steps read, with the
    text layers the score reads (`child.scored_text_layers` of the shipped weights unless
    given): a text hit of another layer is shown, and is no signal in the review either."""
    if scored_text_layers is None:
        from lantern.score.weights import load_weights

        scored_text_layers = list(load_weights().child.scored_text_layers)
    con.execute(
        """CREATE OR REPLACE TEMP MACRO review_band_rank(band) AS
           CASE band WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE review_terms AS SELECT
            ?::VARCHAR[] AS recognised_codes, ?::VARCHAR[] AS offence_event_types,
            ?::VARCHAR[] AS meeting_event_types, ?::VARCHAR AS cse_named,
            ?::VARCHAR AS cse_ruled_out, ?::VARCHAR[] AS formal_action_event_types,
            ?::VARCHAR[] AS child_roles, ?::VARCHAR AS no_further_action,
            ?::VARCHAR[] AS scored_text_layers""",
        [
            list(definitions.recognised_codes),
            list(definitions.offence_event_types),
            list(definitions.meeting_event_types),
            definitions.cse_named,
            definitions.cse_ruled_out,
            list(definitions.formal_action_event_types),
            list(definitions.child_roles),
            definitions.no_further_action,
            list(scored_text_layers),
        ],
    )
