"""Who the record says sexually harmed the child: `ind_sexual_attribution`.

A record whose own words attribute sexual harm to the child's family, to a peer of the
child's age, or to a stranger's non-contact offence, and hold no sign of exploitation by an
adult outside the family, shows its sexual-harm hits under the concern of child sexual
abuse: found and shown (the legal rules too), not scored for CSE. The words, the signs that
override them and the hits they apply to are data (`attribution.yaml`).
"""

# ruff: noqa: S608  -- SQL here is assembled from the validated attribution file, never from input data

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from lantern.config_files import load_model
from lantern.indicators.catalogue import Concern
from lantern.indicators.steps import Steps
from lantern.store.sql import sql_list

ATTRIBUTION_PATH = Path(__file__).with_name("attribution.yaml")


class Attribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concern: Concern
    attributions: dict[str, str] = Field(min_length=1)  # indicator -> rationale, by precedence
    peer_needs_no_adult: bool = True
    exploitation_signs: list[str]
    exploitation_codes: list[str]
    reattributed: list[str] = Field(min_length=1)
    shown_only_with_harm: list[str] = []


@cache
def default_attribution() -> Attribution:
    return load_model(ATTRIBUTION_PATH, Attribution, "sexual-harm attribution rules")


def attribute(steps: Steps, rules: Attribution | None = None) -> None:
    """`ind_sexual_attribution`: one row per attributed event (event_id, concern, attribution,
    said: the record's words)."""
    rules = rules or default_attribution()
    names = list(rules.attributions)
    precedence = " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(names))
    codes = " OR ".join(
        f"c.code LIKE '{code.upper().replace('*', '%')}'" for code in rules.exploitation_codes
    )
    peer_adult = (
        """AND NOT (f.indicator = 'harmful_sexual_behaviour_peer' AND EXISTS (
                SELECT 1 FROM ind_event_people p
                WHERE p.event_id = f.event_id AND p.age_min >= 18
                  AND p.role IN ('suspect', 'offender')))"""
        if rules.peer_needs_no_adult
        else ""
    )
    steps.table(
        "ind_sexual_attribution",
        f"""
        SELECT DISTINCT ON (f.event_id)
               f.event_id, '{rules.concern}' AS concern, f.indicator AS attribution,
               f.span_text AS said
        FROM text_findings f
        WHERE f.affirmed AND f.indicator IN {sql_list(names)}
          AND NOT EXISTS (SELECT 1 FROM text_findings v
                          WHERE v.event_id = f.event_id AND v.affirmed
                            AND v.indicator IN {sql_list(rules.exploitation_signs or [""])})
          AND NOT EXISTS (SELECT 1 FROM ind_event_codes c
                          WHERE c.event_id = f.event_id AND ({codes or "false"}))
          {peer_adult}
        ORDER BY f.event_id, CASE f.indicator {precedence} END, f.span_start
        """,
    )
