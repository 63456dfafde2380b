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


def test_only_adult_and_vehicle_findings_carry_a_relation() -> None:
    analysis = next(shared_analyser().analyse(["Her sister was drinking vodka in the park."], [14]))
    assert analysis.hits
    assert {
        h.relation for h in analysis.hits if h.category not in ("older_associate", "vehicle")
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
