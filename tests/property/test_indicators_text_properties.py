"""Invariants of the text analyser on arbitrary text: it never fails, and spans point into the text."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.indicators.commands import run_text
from lantern.indicators.text.analyse import shared_analyser

WORDS = st.sampled_from(
    "she he was not no denies missing car older men drunk pregnant if advised her sister "
    "mum reports that , . ; raped boyfriend 24 year old AB12 CDE 07700 900123 known as Tommo "
    "consensual putting herself at risk self-harm school excluded hotel".split()
)
NARRATIVE = st.one_of(st.text(max_size=200), st.lists(WORDS, max_size=40).map(" ".join))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NARRATIVE, st.one_of(st.none(), st.integers(min_value=0, max_value=25)))
def test_findings_point_into_the_text(text, age):
    analysis = next(shared_analyser().analyse([text], [age]))
    for hit in analysis.hits:
        assert text[hit.start : hit.end] == hit.text
        assert hit.experiencer in {"subject", "other"}
        assert hit.affirmed == (
            not hit.negated and not hit.hypothetical and hit.experiencer == "subject"
        )
    for lang in analysis.language:
        assert text[lang.start : lang.end] == lang.text
    for mention in analysis.mentions:
        assert text[mention.start : mention.end] in mention.value or mention.kind == "nickname"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NARRATIVE.map(lambda t: t.replace("\n", " ").replace("\r", " ")), max_size=8))
def test_lantern_text_writes_one_object_per_line(lines):
    sink = io.StringIO()
    count = run_text(io.StringIO("".join(line + "\n" for line in lines)), sink)
    out = sink.getvalue().splitlines()
    assert count == len(lines) == len(out)
    assert [json.loads(line)["id"] for line in out] == [str(n) for n in range(1, len(lines) + 1)]
