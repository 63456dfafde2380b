"""Concepts composed by proximity (concepts.yaml): sentences written here, not taken from
the dev notes, each testing one mechanism of the layer."""

from __future__ import annotations

import io
import json

import pytest

from lantern.indicators.commands import run_text
from lantern.indicators.text.analyse import shared_analyser


def hits(text: str, age: int | None = None):
    return next(shared_analyser().analyse([text], [age])).hits


def affirmed(text: str) -> dict[str, str]:
    return {h.indicator: h.text for h in hits(text) if h.affirmed}


@pytest.mark.parametrize(
    ("text", "indicator", "words"),
    [
        # an inflection nobody wrote in the concept list (lemminflect: drive -> drove)
        (
            "A man in his 40s drives her about in a van.",
            "seen_in_car_with_adult",
            "drives her about in a van",
        ),
        # an agency abbreviation
        ("MFH x3 this month.", "missing_episode", "MFH"),
        ("ETOH ++ on arrival.", "intoxicated", "ETOH"),
        # a misspelling of a concept word (no English word, one edit away)
        ("She has been aquiring things nobody bought her.", "unexplained_gifts", "aquiring things"),
        # an adult's age given in brackets, as police logs write it
        ("Seen with Marcus (31) outside the shop.", "older_associates", "Marcus (31)"),
        # a decade
        ("Says the lads are in their 30s.", "older_associates", "in their 30s"),
        # school attendance below 90% (persistent absence)
        ("Attendance this term 71%.", "school_absence", "Attendance this term 71%"),
    ],
)
def test_concepts_compose(text, indicator, words):
    found = affirmed(text)
    assert indicator in found, (text, found)
    assert words in found[indicator] or found[indicator] in words


def test_a_parent_reporting_the_childs_signs_is_not_the_one_who_has_them():
    found = affirmed(
        "Dad rang to say his daughter is staying out with older men and has new clothes."
    )
    assert {"older_associates", "unexplained_gifts"} <= set(found)


def test_another_childs_name_makes_the_sign_hers():
    text = "Jade (14) went home at 9. Courtney (15) was drunk and got into a car with a man."
    by_indicator = {h.indicator: h for h in hits(text, 14)}
    assert by_indicator["intoxicated"].experiencer == "other"
    assert by_indicator["seen_in_car_with_adult"].experiencer == "other"


def test_self_harm_replaces_the_injury_reading_of_the_same_words():
    found = affirmed("Superficial cuts to her left forearm.")
    assert "self_harm" in found and "injury" not in found


def test_a_sign_its_sentence_explains_is_not_a_sign():
    assert "injury" not in affirmed("Bruise on his shin from rugby at the weekend.")
    assert "unexplained_gifts" not in affirmed("New trainers for her birthday from her dad.")
    assert "injury" in affirmed("Bruise on his shin, will not say how.")


def test_a_negated_concept_is_negated():
    (hit,) = [h for h in hits("No MFH episodes since June.") if h.indicator == "missing_episode"]
    assert hit.negated


def test_an_adult_partner_fires_the_law_in_lantern_text():
    line = json.dumps(
        {"id": "x", "text": "Pregnant, says the father is Dean (24).", "subject_age": 15}
    )
    out = io.StringIO()
    run_text(io.StringIO(line + "\n"), out)
    found = {h["indicator"]: h for h in json.loads(out.getvalue())["hits"]}
    assert found["legal_adult_with_child_under16"]["legal_floor"] == "medium"
    assert found["legal_pregnancy_under16"]["legal_floor"] == "medium"


def test_each_finding_names_the_layer_that_read_it():
    """The score counts only the layers its weights list; `lantern text` shows every one."""
    fixed = {h.indicator: h.layer for h in hits("She has a new phone she cannot explain.")}
    assert fixed == {"unexplained_gifts": "patterns"}
    concept = {
        h.indicator: h.layer for h in hits("He has been going to parties and sleeping over.")
    }
    assert concept == {"hotels_parties_flats": "concepts"}
    out = io.StringIO()
    run_text(io.StringIO(json.dumps({"id": 1, "text": "Drives her about in a van."}) + "\n"), out)
    assert [h["layer"] for h in json.loads(out.getvalue())["hits"]] == ["concepts"]
