"""Kinship on text findings: an adult the words name as the child's family is marked
`relation: family` (issue 15; docs/indicators-text.md, "Kinship")."""

from __future__ import annotations

import pytest

from lantern.indicators.text.analyse import shared_analyser


def _relations(text: str, age: int = 14) -> dict[str, str]:
    analysis = next(shared_analyser().analyse([text], [age]))
    return {h.indicator: h.relation for h in analysis.hits}


@pytest.mark.parametrize(
    "text",
    [
        "Jade (14) was collected from school by her uncle Dean (32) in his car.",
        "Her 26-year-old brother gives her lifts most evenings.",
        "Police log: YP with cousin Ryan, 24, at the address until 0200.",
    ],
)
def test_an_adult_named_as_kin_is_family(text: str) -> None:
    relations = _relations(text)
    assert relations.get("older_associates") == "family", relations


@pytest.mark.parametrize(
    "text",
    [
        "She was seen with her uncle's friend (40) at the flat.",
        "Picked up by a family friend, Mark (45), in a black Audi.",
        "Seen with older males in a silver car near the park.",
    ],
)
def test_someone_elses_relation_or_a_stranger_is_not_family(text: str) -> None:
    relations = _relations(text)
    assert "older_associates" in relations
    assert relations["older_associates"] == "", relations


def test_only_adult_vehicle_and_sexual_harm_findings_carry_a_relation() -> None:
    analysis = next(shared_analyser().analyse(["Her sister was drinking vodka in the park."], [14]))
    assert analysis.hits
    assert {
        h.relation
        for h in analysis.hits
        if h.category not in ("older_associate", "vehicle", "sexual_abuse_disclosed")
    } == {""}


def test_the_text_contract_carries_the_relation() -> None:
    analysis = next(shared_analyser().analyse(["Collected by her uncle Dean (32)."], [14]))
    out = analysis.contract("n1")
    assert [h["relation"] for h in out["hits"] if h["indicator"] == "older_associates"] == [
        "family"
    ]


def test_the_stage_writes_the_relation_into_text_findings() -> None:
    from datetime import date

    from indicators_support import Store
    from lantern.indicators.stage import run
    from lantern.store.connection import connect

    store = Store()
    child = store.person("K1", agency="police", dob=date(2001, 1, 10))
    store.event("welfare_check", "2015-06-01T10:00", subject=child,
                narrative="Collected by her uncle Dean (32). Later seen with older males.")  # fmt: skip
    con = connect(":memory:")
    store.write(con)
    run(con)
    rows = con.execute(
        "SELECT span_text, relation FROM text_findings WHERE indicator = 'older_associates' "
        "ORDER BY span_start"
    ).fetchall()
    con.close()
    assert rows == [("Dean (32)", "family"), ("older males", None)]


def _hits(text: str, age: int = 14) -> list:
    return next(shared_analyser().analyse([text], [age])).hits


@pytest.mark.parametrize(
    "text",
    [
        # the kin word acts in the finding's clause, several tokens back
        "DSL: Ruby (15) disclosed to her form tutor that stepfather Asif Abbas has been "
        "touching her. Referred to MASH.",
        "She said her uncle Craig touched her at the weekend.",
        "Her mum's boyfriend has been touching her.",
        # the finding names the family harm itself
        "Strategy discussion following disclosure of sexual abuse by stepfather Lee Park.",
    ],
)
def test_sexual_harm_by_a_relative_carries_family(text: str) -> None:
    hits = [h for h in _hits(text) if h.category == "sexual_abuse_disclosed" and h.affirmed]
    assert hits, _hits(text)
    assert {h.relation for h in hits} == {"family"}, hits


@pytest.mark.parametrize(
    "text",
    [
        "She disclosed to her mum that a man at the park touched her.",
        "Mum said a man touched her at the party.",
        "She disclosed to her uncle that an older male had touched her.",
    ],
)
def test_the_relative_told_or_reporting_is_not_the_one_who_harmed(text: str) -> None:
    hits = [h for h in _hits(text) if h.category == "sexual_abuse_disclosed" and h.affirmed]
    assert hits, _hits(text)
    assert {h.relation for h in hits} == {""}, hits


def test_an_identification_later_in_the_sentence_names_the_driver_as_family() -> None:
    hits = _hits(
        "DSL log: Ruby seen getting into a car at the end of the day; identified as her "
        "step-dad. Parent informed."
    )
    car = [h for h in hits if h.category == "vehicle"]
    assert car and {h.relation for h in car} == {"family"}, hits
    # a step-parent named is family, not sexual harm
    assert not [h for h in hits if h.category == "sexual_abuse_disclosed"], hits


def test_physical_abuse_by_a_parent_is_not_sexual_abuse() -> None:
    hits = _hits("Concerns: physical abuse by mum. Agreed: single agency s47.")
    assert not [h for h in hits if h.indicator == "sexual_abuse_intrafamilial"], hits


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        # the agent of a passive, later in the clause
        ("Report of sexual assault of Kyla (11) by father Luke Walker at 9 Northgate.", "family"),
        # the one who reports is not the agent
        ("Report of sexual assault of Kyla (11) by a man, reported by her father.", ""),
    ],
)
def test_the_agent_of_a_passive_is_read_in_its_clause(text: str, relation: str) -> None:
    hits = [h for h in _hits(text) if h.category == "sexual_abuse_disclosed" and h.affirmed]
    assert hits and {h.relation for h in hits} == {relation}, hits
