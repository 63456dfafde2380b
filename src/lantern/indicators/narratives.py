"""Read every event's narrative and write `text_findings`, `language_findings`, `text_mentions`.

The narratives are pulled out of DuckDB in one query, read by the text
analyser (in worker processes when asked), and written back as Arrow tables.
"""

from __future__ import annotations

import os

import pyarrow as pa

from lantern.indicators.steps import Steps
from lantern.indicators.text.analyse import analyse_many

# From this many narratives a second process pays for its start-up.
PARALLEL_FROM = 10_000


def read_narratives(steps: Steps, *, n_process: int | None = None) -> int:
    """Read every narrative; `n_process` None means two processes for large stores, else one."""
    con = steps.con
    rows = con.execute(
        """
        SELECT e.event_id, e.agency, e.occurred_at, e.recorded_at, e.narrative,
               min(s.record_id) AS record_id, min(s.age_max) AS age
        FROM events e LEFT JOIN ind_subject_events s USING (event_id)
        WHERE e.narrative IS NOT NULL AND trim(e.narrative) <> ''
        GROUP BY ALL ORDER BY e.event_id
        """
    ).fetchall()
    findings: dict[str, list] = {k: [] for k in FINDING_COLUMNS}
    language: dict[str, list] = {k: [] for k in LANGUAGE_COLUMNS}
    mentions: dict[str, list] = {k: [] for k in MENTION_COLUMNS}
    if n_process is None:
        n_process = 2 if len(rows) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1
    texts = [r[4] for r in rows]
    ages = [r[6] for r in rows]
    for row, analysis in zip(rows, analyse_many(texts, ages, n_process=n_process), strict=True):
        event_id, agency, occurred_at, recorded_at, _, record_id, age = row
        for h in analysis.hits:
            for key, value in (
                ("event_id", event_id), ("agency", agency), ("indicator", h.indicator),
                ("category", h.category), ("span_start", h.start), ("span_end", h.end),
                ("span_text", h.text), ("sentence", h.sentence), ("negated", h.negated),
                ("hypothetical", h.hypothetical), ("historical", h.historical),
                ("experiencer", h.experiencer), ("affirmed", h.affirmed),
                ("occurred_at", occurred_at), ("recorded_at", recorded_at),
            ):  # fmt: skip
                findings[key].append(value)
        for lang in analysis.language:
            for key, value in (
                ("agency", agency), ("event_id", event_id), ("record_id", record_id),
                ("kind", lang.kind), ("phrase", lang.text), ("phrase_id", lang.phrase_id),
                ("span_start", lang.start), ("span_end", lang.end),
                ("suggestion", lang.suggestion), ("occurred_at", occurred_at),
                ("recorded_at", recorded_at), ("child_age_years", age),
            ):  # fmt: skip
                language[key].append(value)
        for m in analysis.mentions:
            for key, value in (
                ("event_id", event_id), ("agency", agency), ("kind", m.kind), ("value", m.value),
                ("value_norm", m.value_norm), ("span_start", m.start), ("span_end", m.end),
                ("occurred_at", occurred_at), ("recorded_at", recorded_at),
            ):  # fmt: skip
                mentions[key].append(value)
    _write(steps, "text_findings", findings, FINDING_COLUMNS)
    _write(steps, "language_findings", language, LANGUAGE_COLUMNS)
    _write(steps, "text_mentions", mentions, MENTION_COLUMNS)
    return len(rows)


def _write(steps: Steps, name: str, data: dict[str, list], schema: dict[str, pa.DataType]) -> None:
    table = pa.table({k: pa.array(data[k], type=t) for k, t in schema.items()})
    steps.con.register("ind_arrow_in", table)
    try:
        steps.table(name, "SELECT * FROM ind_arrow_in")
    finally:
        steps.con.unregister("ind_arrow_in")


_TS = pa.timestamp("us")
FINDING_COLUMNS: dict[str, pa.DataType] = {
    "event_id": pa.string(), "agency": pa.string(), "indicator": pa.string(),
    "category": pa.string(), "span_start": pa.int32(), "span_end": pa.int32(),
    "span_text": pa.string(), "sentence": pa.string(), "negated": pa.bool_(),
    "hypothetical": pa.bool_(), "historical": pa.bool_(), "experiencer": pa.string(),
    "affirmed": pa.bool_(), "occurred_at": _TS, "recorded_at": _TS,
}  # fmt: skip
LANGUAGE_COLUMNS: dict[str, pa.DataType] = {
    "agency": pa.string(), "event_id": pa.string(), "record_id": pa.string(),
    "kind": pa.string(), "phrase": pa.string(), "phrase_id": pa.string(),
    "span_start": pa.int32(), "span_end": pa.int32(), "suggestion": pa.string(),
    "occurred_at": _TS, "recorded_at": _TS, "child_age_years": pa.int32(),
}  # fmt: skip
MENTION_COLUMNS: dict[str, pa.DataType] = {
    "event_id": pa.string(), "agency": pa.string(), "kind": pa.string(), "value": pa.string(),
    "value_norm": pa.string(), "span_start": pa.int32(), "span_end": pa.int32(),
    "occurred_at": _TS, "recorded_at": _TS,
}  # fmt: skip
