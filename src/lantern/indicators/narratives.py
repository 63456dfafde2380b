"""Read every event's narrative and write `text_findings`, `language_findings`, `text_mentions`.

Each distinct narrative text is read once (case notes repeat: "No further
action", templated letters), by the text analyser in worker processes when
asked; what it finds is written as Arrow tables keyed by the text's number and
joined back to every event holding that text in SQL. The text analyser is a
function of the text alone, except that some blaming-language rules apply only
up to a child's age: texts are read without an age and that rule is applied
per event in the join (`max_child_age`), exactly as the analyser would.
"""

from __future__ import annotations

import os
import time

import pyarrow as pa

from lantern.indicators.text.analyse import analyse_many, shared_analyser
from lantern.store.steps import Steps

# From this many distinct narratives a second process pays for its start-up.
PARALLEL_FROM = 10_000


def read_narratives(steps: Steps, *, n_process: int | None = None) -> tuple[int, int]:
    """Read every narrative; `n_process` None means two processes for large stores, else one.

    Returns the number of events with a narrative and of distinct narratives.
    """
    con = steps.con
    started = time.perf_counter()
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ind_text_numbers AS
        SELECT narrative, (row_number() OVER (ORDER BY narrative) - 1)::INTEGER AS text_no
        FROM (SELECT DISTINCT narrative FROM events
              WHERE narrative IS NOT NULL AND trim(narrative) <> '')
        """
    )
    texts = [
        row[0]
        for row in con.execute("SELECT narrative FROM ind_text_numbers ORDER BY text_no").fetchall()
    ]
    steps.seconds["distinct narratives"] = round(time.perf_counter() - started, 3)
    findings: dict[str, list] = {k: [] for k in FINDING_COLUMNS}
    language: dict[str, list] = {k: [] for k in LANGUAGE_COLUMNS}
    mentions: dict[str, list] = {k: [] for k in MENTION_COLUMNS}
    if n_process is None:
        n_process = 2 if len(texts) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1
    max_child_age = {rule.id: rule.max_child_age for rule in shared_analyser().rules.language}
    started = time.perf_counter()
    value: object  # one loop variable over columns of every type
    for text_no, analysis in enumerate(analyse_many(texts, n_process=n_process)):
        for ordinal, h in enumerate(analysis.hits):
            for key, value in (
                ("text_no", text_no), ("ordinal", ordinal), ("indicator", h.indicator),
                ("category", h.category), ("span_start", h.start), ("span_end", h.end),
                ("span_text", h.text), ("sentence", h.sentence), ("negated", h.negated),
                ("hypothetical", h.hypothetical), ("historical", h.historical),
                ("experiencer", h.experiencer), ("affirmed", h.affirmed),
            ):  # fmt: skip
                findings[key].append(value)
        for ordinal, lang in enumerate(analysis.language):
            for key, value in (
                ("text_no", text_no), ("ordinal", ordinal), ("kind", lang.kind),
                ("phrase", lang.text), ("phrase_id", lang.phrase_id),
                ("span_start", lang.start), ("span_end", lang.end),
                ("suggestion", lang.suggestion), ("max_child_age", max_child_age[lang.phrase_id]),
            ):  # fmt: skip
                language[key].append(value)
        for ordinal, m in enumerate(analysis.mentions):
            for key, value in (
                ("text_no", text_no), ("ordinal", ordinal), ("kind", m.kind), ("value", m.value),
                ("value_norm", m.value_norm), ("span_start", m.start), ("span_end", m.end),
            ):  # fmt: skip
                mentions[key].append(value)
    steps.seconds["text analysis"] = round(time.perf_counter() - started, 3)
    _register(steps, "ind_text_findings", findings, FINDING_COLUMNS)
    _register(steps, "ind_text_language", language, LANGUAGE_COLUMNS)
    _register(steps, "ind_text_mentions", mentions, MENTION_COLUMNS)
    n_events = steps.table(
        "ind_narrative_texts",
        """
        SELECT e.event_id, e.agency, e.occurred_at, e.recorded_at,
               min(s.record_id) AS record_id, min(s.age_max)::INTEGER AS age, t.text_no
        FROM events e
        JOIN ind_text_numbers t USING (narrative)
        LEFT JOIN ind_subject_events s USING (event_id)
        GROUP BY e.event_id, e.agency, e.occurred_at, e.recorded_at, t.text_no
        """,
    )
    steps.table(
        "text_findings",
        """
        SELECT n.event_id, n.agency, f.indicator, f.category, f.span_start, f.span_end,
               f.span_text, f.sentence, f.negated, f.hypothetical, f.historical, f.experiencer,
               f.affirmed, n.occurred_at, n.recorded_at
        FROM ind_narrative_texts n JOIN ind_text_findings f USING (text_no)
        ORDER BY n.event_id, f.ordinal
        """,
    )
    steps.table(
        "language_findings",
        """
        SELECT n.agency, n.event_id, n.record_id, f.kind, f.phrase, f.phrase_id,
               f.span_start, f.span_end, f.suggestion, n.occurred_at, n.recorded_at,
               n.age AS child_age_years
        FROM ind_narrative_texts n JOIN ind_text_language f USING (text_no)
        WHERE f.max_child_age IS NULL OR n.age IS NULL OR n.age <= f.max_child_age
        ORDER BY n.event_id, f.ordinal
        """,
    )
    steps.table(
        "text_mentions",
        """
        SELECT n.event_id, n.agency, f.kind, f.value, f.value_norm, f.span_start, f.span_end,
               n.occurred_at, n.recorded_at
        FROM ind_narrative_texts n JOIN ind_text_mentions f USING (text_no)
        ORDER BY n.event_id, f.ordinal
        """,
    )
    for name in ("ind_text_findings", "ind_text_language", "ind_text_mentions"):
        con.unregister(name)
    con.execute("DROP TABLE ind_text_numbers")
    return n_events, len(texts)


def _register(
    steps: Steps, name: str, data: dict[str, list], schema: dict[str, pa.DataType]
) -> None:
    table = pa.table({k: pa.array(data[k], type=t) for k, t in schema.items()})
    steps.con.register(name, table)


_KEY = {"text_no": pa.int32(), "ordinal": pa.int32()}
FINDING_COLUMNS: dict[str, pa.DataType] = {
    **_KEY, "indicator": pa.string(),
    "category": pa.string(), "span_start": pa.int32(), "span_end": pa.int32(),
    "span_text": pa.string(), "sentence": pa.string(), "negated": pa.bool_(),
    "hypothetical": pa.bool_(), "historical": pa.bool_(), "experiencer": pa.string(),
    "affirmed": pa.bool_(),
}  # fmt: skip
LANGUAGE_COLUMNS: dict[str, pa.DataType] = {
    **_KEY, "kind": pa.string(), "phrase": pa.string(), "phrase_id": pa.string(),
    "span_start": pa.int32(), "span_end": pa.int32(), "suggestion": pa.string(),
    "max_child_age": pa.int32(),
}  # fmt: skip
MENTION_COLUMNS: dict[str, pa.DataType] = {
    **_KEY, "kind": pa.string(), "value": pa.string(),
    "value_norm": pa.string(), "span_start": pa.int32(), "span_end": pa.int32(),
}  # fmt: skip
