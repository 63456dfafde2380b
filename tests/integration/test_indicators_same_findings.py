"""The text shortcuts change nothing: the trigger-word prefilter and reading each distinct text once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lantern.indicators import stage
from lantern.indicators.text.analyse import TextAnalyser
from lantern.store.connection import connect
from lantern.store.ingest import ingest
from lantern.synth.county import generate

NARRATIVES = Path(__file__).parents[1] / "datasets" / "narratives"
TRICKY = [
    "",
    "   ",
    "Seen with an older man in a silver Audi AB12 CDE; phone 07700 900123.",
    "She was NOT sexually exploited, staff say, but went missing twice.",
    "Self-harm (cutting) disclosed; she said it was consensual with a 24 year old.",
    "Ça va. Ünïcödé text with no signs at all.",
    "Known as 'Smudge' by the men at the flat.",
]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county") / "c"
    generate(out, seed=3, children=600, years=6, start_year=2008)
    return out


@pytest.fixture(scope="module")
def indicated(county: Path, tmp_path_factory: pytest.TempPathFactory):
    con = connect(tmp_path_factory.mktemp("store") / "lantern.duckdb")
    ingest(con, county)
    stage.run(con, n_process=1)
    yield con
    con.close()


def _texts(con) -> list[str]:
    annotated = [
        json.loads(line)["text"]
        for name in ("annotated.jsonl", "holdout.jsonl")
        for line in (NARRATIVES / name).read_text(encoding="utf-8").splitlines()
        if line
    ]
    narratives = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT narrative FROM events WHERE narrative IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    return annotated + narratives + TRICKY


def test_the_prefilter_changes_no_analysis(indicated) -> None:
    texts = _texts(indicated)
    analyser = TextAnalyser()
    assert analyser.triggers is not None
    skipped = sum(not analyser.may_match(analyser.nlp.make_doc(t)) for t in texts)
    filtered = [a.contract(i, mentions=True) for i, a in enumerate(analyser.analyse(texts))]
    analyser.triggers = None  # every text through the whole pipeline
    full = [a.contract(i, mentions=True) for i, a in enumerate(analyser.analyse(texts))]
    assert skipped > 0
    assert sum(bool(c["hits"] or c["language"]) for c in full) > 50
    assert filtered == full


def test_reading_each_text_once_finds_what_reading_each_event_does(indicated) -> None:
    con = indicated
    rows = con.execute(
        """
        SELECT e.event_id, e.narrative, min(s.age_max) AS age
        FROM events e LEFT JOIN ind_subject_events s USING (event_id)
        WHERE e.narrative IS NOT NULL AND trim(e.narrative) <> ''
        GROUP BY ALL ORDER BY e.event_id
        """
    ).fetchall()
    analyser = TextAnalyser()
    analyser.triggers = None
    findings, language, mentions = [], [], []
    for (event_id, _, age), a in zip(
        rows, analyser.analyse([r[1] for r in rows], [r[2] for r in rows]), strict=True
    ):
        findings += [
            (event_id, h.indicator, h.start, h.end, h.negated, h.experiencer) for h in a.hits
        ]
        language += [(event_id, g.phrase_id, g.start, g.end, age) for g in a.language]
        mentions += [(event_id, m.kind, m.value_norm, m.start, m.end) for m in a.mentions]
    stored = {
        "text_findings": "event_id, indicator, span_start, span_end, negated, experiencer",
        "language_findings": "event_id, phrase_id, span_start, span_end, child_age_years",
        "text_mentions": "event_id, kind, value_norm, span_start, span_end",
    }
    got = {
        table: con.execute(f"SELECT {cols} FROM {table}").fetchall()  # noqa: S608
        for table, cols in stored.items()
    }
    assert len(rows) > con.execute("SELECT count(DISTINCT narrative) FROM events").fetchone()[0]
    assert language, "the county should hold some blaming language"
    assert got["text_findings"] == findings
    assert got["language_findings"] == language
    assert got["text_mentions"] == mentions
