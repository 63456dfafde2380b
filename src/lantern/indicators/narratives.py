"""Read every event's narrative and write `text_findings`, `language_findings`, `text_mentions`.

Each distinct narrative text is read once (case notes repeat: "No further
action", templated letters), by the text analyser in worker processes when
asked; what it finds is written as Arrow tables keyed by the text's number and
joined back to every event holding that text in SQL. The text analyser is a
function of the text alone, except that some blaming-language rules apply only
up to a child's age: texts are read without an age and that rule is applied
per event in the join (`max_child_age`), exactly as the analyser would.

What the analyser found in each text is kept in the store (`text_reading_*`, keyed by the text's
md5 and stamped with a fingerprint of the analyser's code and data), so an incremental run
(`reuse=True`) reads only the texts it has not read before; a full run reads every text again and
rewrites the kept readings. Findings from the kept readings equal a fresh reading, since the
analyser is a function of the text and its fingerprint would change with its rules.
"""

# ruff: noqa: S608 - SQL here names this module's own tables, never input data

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path

import pyarrow as pa

from lantern.indicators import text as text_package
from lantern.indicators.text.analyse import Analysis, analyse_many, shared_analyser
from lantern.store.steps import Steps

# From this many distinct narratives a second process pays for its start-up.
PARALLEL_FROM = 10_000

# Reads texts and gives each one's analysis, in order: by default `analyse_many` in this
# machine's processes; another engine may read them elsewhere (`lantern.spark.text` on Spark's
# executors). Whatever reads them must run the same analyser: the findings are a function of
# the text alone.
TextReader = Callable[[Sequence[str]], Iterable[Analysis]]


READ_TEXTS = "text_reading_texts"
KEPT = {
    "ind_text_findings": "text_reading_findings",
    "ind_text_language": "text_reading_language",
    "ind_text_mentions": "text_reading_mentions",
}


@cache
def analyser_fingerprint() -> str:
    """An md5 over the text analyser's code and data files and the spaCy version: kept readings
    made under another fingerprint are not reused."""
    import spacy

    digest = hashlib.md5(spacy.__version__.encode(), usedforsecurity=False)
    root = Path(text_package.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _kept_readings_usable(steps: Steps) -> bool:
    if not all(steps.exists(t) for t in (READ_TEXTS, *KEPT.values())):
        return False
    stamps = steps.con.execute(f"SELECT DISTINCT analyser FROM {READ_TEXTS}").fetchall()  # noqa: S608
    return stamps in ([], [(analyser_fingerprint(),)])


def _start_kept_readings(steps: Steps) -> None:
    """Empty kept readings (a full run, or readings made by another analyser)."""
    con = steps.con
    con.execute(f"CREATE OR REPLACE TABLE {READ_TEXTS} (text_key VARCHAR, analyser VARCHAR)")
    for schema, table in (
        (FINDING_COLUMNS, KEPT["ind_text_findings"]),
        (LANGUAGE_COLUMNS, KEPT["ind_text_language"]),
        (MENTION_COLUMNS, KEPT["ind_text_mentions"]),
    ):
        empty = pa.table({k: pa.array([], type=t) for k, t in schema.items()})
        con.register("_ind_empty_arrow", empty)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _ind_empty_arrow")  # noqa: S608
        con.unregister("_ind_empty_arrow")


def read_narratives(
    steps: Steps,
    *,
    n_process: int | None = None,
    reuse: bool = False,
    reader: TextReader | None = None,
) -> tuple[int, int]:
    """Read every narrative; `n_process` None means two processes for large stores, else one.
    `reuse`: read only texts the kept readings do not hold (module doc). `reader`: what reads
    the texts (`TextReader`; `n_process` is then its business).

    Returns the number of events with a narrative and of distinct narratives.
    """
    con = steps.con
    started = time.perf_counter()
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ind_text_numbers AS
        SELECT narrative, md5(narrative) AS text_key
        FROM (SELECT DISTINCT narrative FROM events
              WHERE narrative IS NOT NULL AND trim(narrative) <> '')
        """
    )
    if not (reuse and _kept_readings_usable(steps)):
        _start_kept_readings(steps)
    unread = con.execute(
        f"""SELECT text_key, narrative FROM ind_text_numbers
            WHERE text_key NOT IN (SELECT text_key FROM {READ_TEXTS}) ORDER BY text_key"""  # noqa: S608
    ).fetchall()
    n_texts = int(con.execute("SELECT count(*) FROM ind_text_numbers").fetchall()[0][0])
    keys = [row[0] for row in unread]
    texts = [row[1] for row in unread]
    steps.seconds["distinct narratives"] = round(time.perf_counter() - started, 3)
    steps.rows["texts read"] = len(texts)
    findings: dict[str, list] = {k: [] for k in FINDING_COLUMNS}
    language: dict[str, list] = {k: [] for k in LANGUAGE_COLUMNS}
    mentions: dict[str, list] = {k: [] for k in MENTION_COLUMNS}
    if n_process is None:
        n_process = 2 if len(texts) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1
    # Building the analyser takes seconds (spaCy's patterns): not for a run with nothing new
    # to read (`lantern run --store S` after decisions, an extract with no new narrative).
    max_child_age = (
        {rule.id: rule.max_child_age for rule in shared_analyser().rules.language} if texts else {}
    )
    started = time.perf_counter()
    value: object  # one loop variable over columns of every type
    analyses = reader(texts) if reader is not None else analyse_many(texts, n_process=n_process)
    for text_key, analysis in zip(keys, analyses, strict=True):
        for ordinal, h in enumerate(analysis.hits):
            for key, value in (
                ("text_key", text_key), ("ordinal", ordinal), ("indicator", h.indicator),
                ("category", h.category), ("span_start", h.start), ("span_end", h.end),
                ("span_text", h.text), ("sentence", h.sentence), ("negated", h.negated),
                ("hypothetical", h.hypothetical), ("historical", h.historical),
                ("experiencer", h.experiencer), ("affirmed", h.affirmed), ("layer", h.layer),
                ("relation", h.relation or None),
            ):  # fmt: skip
                findings[key].append(value)
        for ordinal, lang in enumerate(analysis.language):
            for key, value in (
                ("text_key", text_key), ("ordinal", ordinal), ("kind", lang.kind),
                ("phrase", lang.text), ("phrase_id", lang.phrase_id),
                ("span_start", lang.start), ("span_end", lang.end),
                ("suggestion", lang.suggestion), ("max_child_age", max_child_age[lang.phrase_id]),
            ):  # fmt: skip
                language[key].append(value)
        for ordinal, m in enumerate(analysis.mentions):
            for key, value in (
                ("text_key", text_key), ("ordinal", ordinal), ("kind", m.kind), ("value", m.value),
                ("value_norm", m.value_norm), ("span_start", m.start), ("span_end", m.end),
            ):  # fmt: skip
                mentions[key].append(value)
    steps.seconds["text analysis"] = round(time.perf_counter() - started, 3)
    _keep(steps, "ind_text_findings", findings, FINDING_COLUMNS)
    _keep(steps, "ind_text_language", language, LANGUAGE_COLUMNS)
    _keep(steps, "ind_text_mentions", mentions, MENTION_COLUMNS)
    con.register("_ind_read_arrow", pa.table({"text_key": pa.array(keys, type=pa.string())}))
    con.execute(
        f"INSERT INTO {READ_TEXTS} SELECT text_key, ? FROM _ind_read_arrow",  # noqa: S608
        [analyser_fingerprint()],
    )
    con.unregister("_ind_read_arrow")
    n_events = steps.table(
        "ind_narrative_texts",
        """
        SELECT e.event_id, e.agency, e.occurred_at, e.recorded_at,
               min(s.record_id) AS record_id, min(s.age_max)::INTEGER AS age, t.text_key
        FROM events e
        JOIN ind_text_numbers t USING (narrative)
        LEFT JOIN ind_subject_events s USING (event_id)
        GROUP BY e.event_id, e.agency, e.occurred_at, e.recorded_at, t.text_key
        """,
    )
    steps.table(
        "text_findings",
        f"""
        SELECT n.event_id, n.agency, f.indicator, f.category, f.span_start, f.span_end,
               f.span_text, f.sentence, f.negated, f.hypothetical, f.historical, f.experiencer,
               f.affirmed, n.occurred_at, n.recorded_at, f.layer, f.relation
        FROM ind_narrative_texts n JOIN {KEPT["ind_text_findings"]} f USING (text_key)
        ORDER BY n.event_id, f.ordinal
        """,
    )
    steps.table(
        "language_findings",
        f"""
        SELECT n.agency, n.event_id, n.record_id, f.kind, f.phrase, f.phrase_id,
               f.span_start, f.span_end, f.suggestion, n.occurred_at, n.recorded_at,
               n.age AS child_age_years
        FROM ind_narrative_texts n JOIN {KEPT["ind_text_language"]} f USING (text_key)
        WHERE f.max_child_age IS NULL OR n.age IS NULL OR n.age <= f.max_child_age
        ORDER BY n.event_id, f.ordinal
        """,
    )
    steps.table(
        "text_mentions",
        f"""
        SELECT n.event_id, n.agency, f.kind, f.value, f.value_norm, f.span_start, f.span_end,
               n.occurred_at, n.recorded_at
        FROM ind_narrative_texts n JOIN {KEPT["ind_text_mentions"]} f USING (text_key)
        ORDER BY n.event_id, f.ordinal
        """,
    )
    con.execute("DROP TABLE ind_text_numbers")
    return n_events, n_texts


def _keep(steps: Steps, name: str, data: dict[str, list], schema: dict[str, pa.DataType]) -> None:
    """Append this run's readings to the kept ones (`KEPT[name]`)."""
    table = pa.table({k: pa.array(data[k], type=t) for k, t in schema.items()})
    steps.con.register("_ind_kept_arrow", table)
    steps.con.execute(f"INSERT INTO {KEPT[name]} SELECT * FROM _ind_kept_arrow")  # noqa: S608
    steps.con.unregister("_ind_kept_arrow")


_KEY = {"text_key": pa.string(), "ordinal": pa.int32()}
FINDING_COLUMNS: dict[str, pa.DataType] = {
    **_KEY, "indicator": pa.string(),
    "category": pa.string(), "span_start": pa.int32(), "span_end": pa.int32(),
    "span_text": pa.string(), "sentence": pa.string(), "negated": pa.bool_(),
    "hypothetical": pa.bool_(), "historical": pa.bool_(), "experiencer": pa.string(),
    "affirmed": pa.bool_(), "layer": pa.string(), "relation": pa.string(),
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
