"""Meta-tests: the catalogue validates, its doc is current, and every indicator is exercised.

Every indicator in the catalogue must be raised at least once, either by the
text analyser on the annotated narratives (text indicators) or by the stage
on a store built here with one scenario per event type, code and rule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from indicators_support import Store
from lantern.errors import ConfigError
from lantern.indicators.catalogue import (
    CATEGORIES,
    default_catalogue,
    load_catalogue,
    render_markdown,
)
from lantern.indicators.stage import RULES, run
from lantern.indicators.text.analyse import shared_analyser
from lantern.indicators.text.evaluation import read_annotated, score
from lantern.indicators.text.rules import load_rules
from lantern.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]
ANNOTATED = ROOT / "tests" / "datasets" / "narratives" / "annotated.jsonl"


def test_docs_indicators_md_is_generated_from_the_catalogue():
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert doc == render_markdown(default_catalogue()), (
        "docs/indicators.md is stale: run `lantern catalogue --markdown > docs/indicators.md`"
    )


def test_every_category_has_indicators_and_boys_are_covered():
    catalogue = default_catalogue()
    assert {i.category for i in catalogue.indicators} == set(CATEGORIES)
    assert any(i.boys for i in catalogue.indicators)
    assert all(i.legal_floor for i in catalogue.indicators if i.id.startswith("legal_"))


def test_unverified_sources_say_so():
    catalogue = default_catalogue()
    assert catalogue.references["hocr"].verified is False
    assert "nverified" in catalogue.references["hocr"].note


def test_text_patterns_and_catalogue_agree():
    catalogue = default_catalogue()
    rules = load_rules()
    text_ids = {i.id for i in catalogue.indicators if i.detect.text}
    assert set(rules.indicators) == text_ids
    named = {i.detect.rule for i in catalogue.indicators if i.detect.rule}
    assert named == set(RULES)


def test_a_bad_catalogue_is_a_config_error(tmp_path):
    raw = yaml.safe_load((ROOT / "src/lantern/indicators/catalogue.yaml").read_text())
    raw["indicators"][0]["category"] = "grooming"
    bad = tmp_path / "catalogue.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="category"):
        load_catalogue(bad)
    raw["indicators"][0]["category"] = "missing"
    raw["indicators"][0]["sources"] = ["a_report_nobody_wrote"]
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="unknown source"):
        load_catalogue(bad)


def scenario_store() -> Store:
    """One child per scenario: every event type, code and rule in the catalogue fires."""
    store = Store()
    catalogue = default_catalogue()
    older = store.person("OLD", agency="health", dob=date(1996, 1, 1))  # 17 in 2013
    for indicator in catalogue.indicators:
        for event_type in indicator.detect.event_types:
            store.event(event_type, "2013-06-01T10:00", subject=older, agency="health")
        for code in indicator.detect.codes:
            store.event("assessment", "2013-06-01T10:00", subject=older, agency="social_care",
                        codes=code.replace("*", "_FLAG"))  # fmt: skip
    child = store.person("C1", dob=date(2000, 5, 1))
    adult = store.person("A1", dob=date(1985, 1, 1), sex="M")
    for day in ("2013-04-20", "2013-05-01", "2013-05-10"):
        store.event("missing_report", f"{day}T21:00", subject=child, ended_at=f"{day}T23:00")
    store.event("missing_report", "2013-01-05T21:00", subject=child, ended_at="2013-01-05T23:00")
    store.event(
        "found_report", "2013-05-11T02:00", subject=child, others={adult: "associate"},
        things=[("vehicle", "AB12CDE", "seen_with_subject"), ("phone", "07700900123", "used_by_suspect")],
    )  # fmt: skip
    store.event("crime_report", "2013-05-12T02:00", subject=child, others={adult: "suspect"})
    store.event("intelligence", "2013-05-13T02:00", others={child: "associate"})
    store.event("return_home_interview", "2013-05-11T12:00", subject=child, outcome="refused")
    store.event("ed_attendance", "2013-05-14T02:00", subject=child, narrative="Very drunk.")
    store.event(
        "referral", "2013-05-15T10:00", subject=child, agency="police",
        narrative="Referral: concerns of criminal exploitation (county lines).",
    )  # fmt: skip
    # Sexual harm a record attributes to the family, a peer, or a stranger's exposure: its
    # own concern (decision 0011), raised by the attribution rules on the record's words.
    for n, words in enumerate(
        (
            "Disclosure at school that she was touched by a family member. ABE interview arranged.",
            "Sexual assault reported: touched by a boy in her year at a party. Both under 16.",
            "A man exposed himself to her and her friends in the park.",
        )
    ):
        kid = store.person(f"SA{n}", dob=date(1999, 3, 1))
        store.event(
            "sexual_offence_report", f"2013-06-0{n + 2}T10:00", subject=kid, narrative=words
        )
    for age, (event_type, role) in {
        11: ("sexual_offence_report", None),
        12: ("pregnancy", None),
        10: ("sti_diagnosis", None),
        14: ("sexual_offence_report", "suspect"),
        15: ("pregnancy", None),
        13: ("sti_diagnosis", None),
        17: ("sexual_offence_report", "professional"),
        9: ("sexual_health_attendance", None),
    }.items():
        kid = store.person(f"K{age}", agency="health", dob=date(2013 - age, 1, 1))
        others = {adult: role} if role else {}
        store.event(event_type, "2013-06-01T10:00", subject=kid, others=others)
        if age == 10:  # a second infection within a year
            store.event("sti_diagnosis", "2013-07-01T10:00", subject=kid)
    return store


def test_every_indicator_is_exercised():
    con = connect(":memory:")
    scenario_store().write(con)
    run(con, as_of=date(2013, 12, 31))
    raised = {r[0] for r in con.execute("SELECT DISTINCT indicator FROM indicator_hits").fetchall()}
    con.close()
    items = read_annotated(ANNOTATED)
    analyses = list(shared_analyser().analyse([i["text"] for i in items]))
    raised |= {h.indicator for a in analyses for h in a.hits if h.affirmed}
    missing = {i.id for i in default_catalogue().indicators} - raised
    assert not missing, f"never raised by any test: {sorted(missing)}"


def test_annotated_set_quality():
    """The bench reports the figures; this keeps them from sliding (aims: 0.90 and 0.95)."""
    items = read_annotated(ANNOTATED)
    assert len(items) >= 400
    contexts = {e["context"] for i in items for e in i["expected"]}
    assert contexts == {"A", "N", "H", "O"}
    categories = {i.category for i in default_catalogue().indicators}
    by_id = {i.id: i.category for i in default_catalogue().indicators}
    assert {by_id[e["indicator"]] for i in items for e in i["expected"]} == categories
    analyser = shared_analyser()
    analyses = list(
        analyser.analyse([i["text"] for i in items], [i.get("subject_age") for i in items])
    )
    scores = score(items, analyses)
    # The scored layer (the fixed patterns; `child.scored_text_layers`) keeps its precision on
    # these one-sign sentences. The concept layer, shown but not scored, also reads a second
    # sign in the same words (an older man in a car is an older associate too), which these
    # sentences count as a false positive: its figure is the bench's, not a gate here.
    scored_only = [replace(a, hits=[h for h in a.hits if h.layer == "patterns"]) for a in analyses]
    assert score(items, scored_only).affirmed.precision >= 0.90
    assert scores.affirmed.recall >= 0.90
    assert scores.negation_hypothetical_accuracy() >= 0.95
