"""The text analyser: findings in context, blaming language, things named, `lantern text`."""

from __future__ import annotations

import io
import json

import pytest

from lantern.indicators.commands import run_text
from lantern.indicators.text.analyse import shared_analyser
from lantern.indicators.text.mentions import find_mentions
from lantern.indicators.text.rules import compile_pattern, expand_phrases


def read(text: str, age: int | None = None):
    return next(shared_analyser().analyse([text], [age]))


def finding(text: str, indicator: str):
    found = [h for h in read(text).hits if h.indicator == indicator]
    assert found, f"{indicator} not found in {text!r}: {read(text).hits}"
    return found[0]


def test_contract_example():
    text = "She was seen getting into a car with an older man and is putting herself at risk."
    out = read(text).contract("n1")
    # the car and, in the same words, the older man (an older associate: concepts.yaml)
    assert {h["indicator"] for h in out["hits"]} == {"seen_in_car_with_adult", "older_associates"}
    (hit,) = [h for h in out["hits"] if h["category"] == "vehicle"]
    assert hit["indicator"] == "seen_in_car_with_adult" and hit["category"] == "vehicle"
    assert text[hit["start"] : hit["end"]] == hit["text"] == "getting into a car with an older man"
    assert (hit["negated"], hit["hypothetical"], hit["experiencer"]) == (False, False, "subject")
    (lang,) = out["language"]
    assert lang["kind"] == "victim_blaming" and lang["text"] == "putting herself at risk"
    assert lang["suggestion"] == "is being exposed to risk by adults"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("No concerns of CSE.", "cse_concern_named"),
        ("She denies contact with older males.", "older_associates"),
        ("Tested negative for chlamydia.", "sti"),
        ("Contact with older males was denied.", "older_associates"),
    ],
)
def test_negated(text, indicator):
    f = finding(text, indicator)
    assert f.negated and not f.affirmed


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("She was advised of the risks of CSE.", "cse_concern_named"),
        ("If she goes missing again police will be called.", "missing_episode"),
        ("Keep safe work around sexual exploitation starts next week.", "cse_concern_named"),
        ("The risks of getting into cars with strangers were discussed.", "seen_in_car_with_adult"),
    ],
)
def test_hypothetical(text, indicator):
    f = finding(text, indicator)
    assert f.hypothetical and not f.negated and not f.affirmed


@pytest.mark.parametrize(
    ("text", "indicator", "experiencer"),
    [
        ("Her sister was pregnant at 15.", "pregnancy", "other"),
        ("Mum reports that she was picked up by a man.", "seen_in_car_with_adult", "subject"),
        ("Mum was drunk when officers attended.", "intoxicated", "other"),
        (
            "She went to the party with her friend and was given vodka.",
            "given_alcohol_drugs",
            "subject",
        ),
        ("Her friend, who is 15, is pregnant.", "pregnancy", "other"),
        ("Her friend is being sexually exploited.", "peers_exploited", "subject"),
    ],
)
def test_experiencer(text, indicator, experiencer):
    assert finding(text, indicator).experiencer == experiencer


def test_historical_is_still_a_finding_about_the_child():
    f = finding("She has a history of self-harm.", "self_harm")
    assert f.historical and f.affirmed


def test_a_negation_does_not_reach_past_a_clause_break():
    text = "No concerns about school, but she was found with an adult male at 2am."
    assert finding(text, "found_with_adult").affirmed


def test_language_conditions_on_age_and_adult():
    kinds = lambda text, age=None: {x.phrase_id for x in read(text, age).language}  # noqa: E731
    assert "sexually_active_child" in kinds("She is sexually active.", 13)
    assert "sexually_active_child" not in kinds("She is sexually active.", 17)
    assert "boyfriend_adult" in kinds("Her boyfriend is 24.")
    assert "boyfriend_adult" not in kinds("She has a boyfriend in her class.")
    assert "prostitution" in kinds("School say she is prostituting herself.")
    assert "boys_being_boys" in kinds("Police felt it was boys being boys.")


def test_mentions_are_normalised_like_resolve():
    mentions = find_mentions(
        'Seen in a silver Astra ab12 cde with a man known as "Tommo"; his number is 07700 900123.'
    )
    assert [(m.kind, m.value_norm) for m in mentions] == [
        ("vehicle", "vehicle:AB12CDE"),
        ("nickname", "nickname:tommo"),
        ("phone", "phone:+447700900123"),
    ]
    assert find_mentions("She called Mum at 9pm.") == []


def test_pattern_language():
    macros = {"ADULT": "man|men"}
    assert compile_pattern("went missing", macros) == "went missing"
    assert compile_pattern("got into _{0,2} car|cars", macros) == [
        {"LOWER": "got"},
        {"LOWER": "into"},
        {"OP": "{0,2}"},
        {"LOWER": {"IN": ["car", "cars"]}},
    ]
    assert sorted(expand_phrases("older? $ADULT", macros) or []) == [
        "man",
        "men",
        "older man",
        "older men",
    ]
    assert expand_phrases("with _{0,2} men", macros) is None


def test_lantern_text_json_and_plain_lines():
    source = io.StringIO(
        json.dumps({"id": "a", "text": "She is 12 and pregnant.", "subject_age": 12})
        + "\nNo concerns of CSE.\n\n"
    )
    sink = io.StringIO()
    assert run_text(source, sink) == 3
    lines = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert [line["id"] for line in lines] == ["a", "2", "3"]
    indicators = {h["indicator"]: h for h in lines[0]["hits"]}
    assert indicators["legal_pregnancy_under13"]["legal_floor"] == "high"
    assert lines[1]["hits"][0]["negated"] is True
    assert lines[2] == {"id": "3", "hits": [], "language": []}


def test_lantern_text_mentions_option():
    sink = io.StringIO()
    run_text(io.StringIO("Picked up in AB12 CDE.\n"), sink, mentions=True)
    (line,) = [json.loads(x) for x in sink.getvalue().splitlines()]
    assert line["mentions"][0]["value_norm"] == "vehicle:AB12CDE"
