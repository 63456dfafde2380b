"""`lantern indicators`: every event and narrative in, every indicator hit out.

Steps, each a named table (see docs/pipeline.md and docs/indicators.md):
inputs (ages at events, subjects) → narratives (text_findings,
language_findings, text_mentions) → event-type, code, structured and text
hits → legal-age rules over all of them → `indicator_hits`.
"""

# ruff: noqa: S608  -- SQL here is assembled from this module's constants and table names, never from input data

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from lantern.errors import ConfigError
from lantern.indicators import attribution, legal, structured
from lantern.indicators.catalogue import Catalogue, default_catalogue
from lantern.indicators.inputs import build_inputs, load_catalogue_tables
from lantern.indicators.narratives import TextReader, read_narratives
from lantern.indicators.structured import HIT_COLUMNS
from lantern.sql import sql_list
from lantern.store.steps import Steps

# Named rules the catalogue may cite (`detect.rule`), and the table each writes.
RULES = (
    "missing_repeat",
    "missing_escalating",
    "return_interview_missed",
    "return_interview_refused",
    "found_with_adult",
    "adult_suspect_linked",
    "vehicle_sighting",
    "suspect_phone_or_handle",
    "police_intelligence_named",
    "sti_repeat",
    "intoxicated_at_ed",
    "legal_under13_sexual_activity",
    "legal_pregnancy_under13",
    "legal_sti_under13",
    "legal_pregnancy_under16",
    "legal_sti_under16",
    "legal_adult_with_child_under16",
    "legal_position_of_trust",
    "legal_under13_sexual_health",
)
# When a structured record and the notes show the same indicator on the same
# event, one hit is kept: the law first, then the record, the code, the text;
# among equals (several adults on one event), the first adult's record, so a
# re-run picks the same one.
# A legal hit takes the layer of the text finding it rests on (a concept layer's
# "contraception" at 12 is not scored as the law on under-13s' sexual health until that
# layer is), except the law on an adult with a child under 16: an adult named as the
# partner of a child under 16 is an offence whichever reader found the words.
LAYERLESS_LEGAL = frozenset({"legal_adult_with_child_under16"})

SOURCE_PRIORITY = (
    "CASE source WHEN 'legal' THEN 0 WHEN 'structured' THEN 1 WHEN 'code' THEN 2 ELSE 3 END"
)


@dataclass
class IndicatorSummary:
    hits: int
    hits_by_source: dict[str, int]
    narratives: int
    distinct_narratives: int
    text_findings: int
    language_findings: int
    text_mentions: int
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)


def _named_concern_records(steps: Steps, catalogue: Catalogue, union: str) -> str:
    """`ind_named_concern_records`: the (event, child record) pairs whose record names another
    kind of exploitation (a hit of an indicator whose concern is not sexual exploitation) and
    shows no sign of sexual harm (the catalogue's `named_concern_explains`). Returns the
    condition that keeps the rule's signs on those records out of `indicator_hits`."""
    rule = catalogue.named_concern_explains
    if rule is None:
        return ""
    words = "|".join(re.escape(w.lower()) for w in rule.unless_words)
    unless_words = (
        f"""AND NOT EXISTS (
            SELECT 1 FROM events e WHERE e.event_id = n.event_id
              AND regexp_matches(lower(coalesce(e.narrative, '')), '\\b({words})\\b'))"""
        if words
        else ""
    )
    steps.table(
        "ind_named_concern_records",
        f"""
        WITH hits AS MATERIALIZED (
            SELECT h.event_id, h.record_id, h.indicator, c.category, c.concern
            FROM ({union}) h JOIN ind_catalogue c USING (indicator)),
        named AS (SELECT DISTINCT event_id, record_id FROM hits
                  WHERE concern <> 'sexual_exploitation')
        SELECT n.event_id, n.record_id FROM named n
        WHERE NOT EXISTS (
            SELECT 1 FROM hits h WHERE h.event_id = n.event_id AND h.record_id = n.record_id
              AND (h.category IN {sql_list(rule.unless_categories or [""])}
                   OR h.indicator IN {sql_list(rule.unless_indicators or [""])}))
        {unless_words}
        """,
    )
    return f"""AND NOT (h.indicator IN {sql_list(rule.signs)} AND EXISTS (
        SELECT 1 FROM ind_named_concern_records n
        WHERE n.event_id = h.event_id AND n.record_id = h.record_id))"""


def check_rules(catalogue: Catalogue) -> None:
    unknown = sorted({i.detect.rule for i in catalogue.indicators if i.detect.rule} - set(RULES))
    if unknown:
        raise ConfigError(f"the catalogue names rules that do not exist: {', '.join(unknown)}")


def run(
    con: duckdb.DuckDBPyConnection,
    *,
    catalogue: Catalogue | None = None,
    as_of: date | None = None,
    n_process: int | None = None,
    reuse_text: bool = False,
    text_reader: TextReader | None = None,
) -> IndicatorSummary:
    """Run the indicators stage on an open store; returns counts of what it wrote.

    `n_process`: worker processes for reading narratives (None: two for a large store).
    `reuse_text` (an incremental run): read only the narratives no earlier run has read, taking
    the others' findings from the kept readings (`narratives.py`); every rule then runs on the
    whole store, as in a full run. `text_reader`: what reads the narratives (None: this
    machine's processes; `narratives.TextReader`).
    """
    started = time.perf_counter()
    catalogue = catalogue or default_catalogue()
    check_rules(catalogue)
    steps = Steps(con)
    load_catalogue_tables(steps, catalogue)
    build_inputs(steps)
    narratives, distinct_narratives = read_narratives(
        steps, n_process=n_process, reuse=reuse_text, reader=text_reader
    )

    horizon = datetime(as_of.year, as_of.month, as_of.day, 23, 59, 59) if as_of else None
    structured.event_type_hits(steps)
    structured.code_hits(steps)
    structured.missing_rules(steps, horizon)
    structured.association_rules(steps)
    structured.health_rules(steps)
    structured.text_hits(steps)
    attribution.implied_hits(steps)
    evidence = sorted(t for t in steps.rows if t.startswith("ind_hits_"))
    legal.legal_rules(steps, evidence)
    every = sorted(t for t in steps.rows if t.startswith("ind_hits_"))
    union = " UNION ALL ".join(f"SELECT {HIT_COLUMNS} FROM {t}" for t in every)
    # Sexual harm the record attributes to the child's family, a peer or a stranger's
    # exposure takes that concern (attribution.yaml): shown, legal hit included, not CSE.
    # (After every hit is found: a record of the same enquiry takes another's attribution
    # only when it holds a sexual-harm hit, `attribution.same_enquiry`.)
    steps.table("ind_all_hits", union)
    rules = attribution.default_attribution()
    attribution.attribute(steps, rules)
    reattributed = sql_list(rules.reattributed)
    family = next(iter(rules.attributions))  # the first: abuse within the family
    harm_only = sql_list(rules.shown_only_with_harm or [""])
    # Which reader of the narrative found a text hit ('patterns' or 'concepts'; NULL for
    # any other hit; '*' rows: any finding at a span, for the legal hits resting on it):
    # the score counts only the layers its weights list. One row per span:
    # the fixed patterns win a span both read (the concept layer skips such spans anyway).
    steps.table(
        "ind_text_layers",
        """
        SELECT event_id, indicator, span_start, span_end, max(layer) AS text_layer,
               max(relation) AS relation
        FROM text_findings WHERE affirmed
        GROUP BY ALL
        UNION ALL
        SELECT event_id, 'intoxicated_at_ed', span_start, span_end, max(layer), max(relation)
        FROM text_findings WHERE affirmed AND indicator IN ('intoxicated', 'given_alcohol_drugs')
        GROUP BY ALL
        UNION ALL
        SELECT event_id, '*', span_start, span_end, max(layer), max(relation)
        FROM text_findings WHERE affirmed
        GROUP BY ALL
        """,
    )
    explained = _named_concern_records(steps, catalogue, union)
    steps.table(
        "indicator_hits",
        f"""
        SELECT 'H' || substr(md5(h.indicator || '|' || h.event_id || '|' || coalesce(h.record_id, '')), 1, 12)
                   AS hit_id,
               h.indicator, c.category, c.weight, h.agency, h.event_id, h.record_id,
               h.occurred_at, h.recorded_at, h.source, h.evidence,
               h.span_start, h.span_end, h.span_text, c.legal_floor, h.related_record_id,
               coalesce(h.concern, c.concern) AS concern, h.text_layer, h.relation
        FROM (SELECT h.* REPLACE (
                     CASE WHEN a.event_id IS NULL THEN h.evidence
                          ELSE h.evidence || ' [The record attributes this to '
                               || CASE a.attribution
                                    WHEN 'sexual_abuse_intrafamilial' THEN 'the child''s family'
                                    WHEN 'harmful_sexual_behaviour_peer' THEN 'a peer of the child''s age'
                                    ELSE 'a stranger''s non-contact offence' END
                               || ' ("' || a.said || '"): shown as child sexual abuse, not scored for CSE.]'
                     END
                     || CASE WHEN a.event_id IS NULL AND l.relation = 'family'
                             THEN ' [The words name the adult as the child''s family: shown as '
                                  || 'family context, not scored for CSE '
                                  || '(child.unscored_relations).]'
                             ELSE '' END
                     || CASE WHEN l.text_layer = 'concepts'
                             THEN ' [Read by the concept layer of the text analysis: shown, and '
                                  || 'scored only where the weights list that layer '
                                  || '(child.scored_text_layers).]'
                             ELSE '' END AS evidence),
                     a.concern, l.text_layer,
                     -- kinship (docs/indicators-text.md "Kinship"): the finding's words name the
                     -- adult as the child's family, or the record attributes the sexual harm
                     -- to the family (attribution.yaml). Shown; the graph and the score read
                     -- it as family context, not as exploitation by an unrelated adult.
                     CASE WHEN a.attribution = '{family}' OR l.relation = 'family'
                               OR h.indicator = '{family}'
                          THEN 'family' END AS relation,
                     row_number() OVER (PARTITION BY h.indicator, h.event_id, h.record_id
                                        ORDER BY {SOURCE_PRIORITY}, h.span_start NULLS LAST,
                                                 h.related_record_id NULLS LAST, h.evidence) AS pick
              FROM ind_all_hits h
              LEFT JOIN ind_sexual_attribution a
                ON a.event_id = h.event_id AND h.indicator IN {reattributed}
              LEFT JOIN ind_text_layers l
                ON l.event_id = h.event_id AND l.span_start = h.span_start
               AND l.span_end = h.span_end
               AND l.indicator = CASE h.source WHEN 'legal' THEN '*' ELSE h.indicator END
               AND (h.source IN ('text', 'legal') OR h.indicator = 'intoxicated_at_ed')
               AND h.indicator NOT IN {sql_list(sorted(LAYERLESS_LEGAL))}) h
        JOIN ind_catalogue c USING (indicator)
        WHERE h.pick = 1 {explained}
          AND (h.indicator NOT IN {harm_only}
               OR h.event_id IN (SELECT event_id FROM ind_all_hits
                                 WHERE indicator IN {reattributed}))
        ORDER BY h.record_id, h.occurred_at, h.indicator
        """,
    )
    by_source = dict(
        con.execute("SELECT source, count(*) FROM indicator_hits GROUP BY source").fetchall()
    )
    return IndicatorSummary(
        hits=steps.rows["indicator_hits"],
        hits_by_source=by_source,
        narratives=narratives,
        distinct_narratives=distinct_narratives,
        text_findings=steps.rows["text_findings"],
        language_findings=steps.rows["language_findings"],
        text_mentions=steps.rows["text_mentions"],
        seconds=time.perf_counter() - started,
        tables=dict(steps.rows),
        step_seconds=dict(steps.seconds),
    )
