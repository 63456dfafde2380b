"""The view-model of an adult's evidence picture and of a disruption's effect (issue 22)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from lantern.app import disruptions
from lantern.app.evidence_picture import build, readable


def item(
    n: int,
    kind: str,
    child: str | None,
    account_of: str | None,
    agency: str,
    day: int,
    withdrawn: bool = False,
) -> dict[str, Any]:
    return {
        "item_id": f"I{n}",
        "kind": kind,
        "child_id": child,
        "account_of": account_of,
        "agency": agency,
        "record_id": f"{agency}:R{n}",
        "event_id": f"{agency}:E{n}",
        "occurred_at": datetime(2020, 1 + day // 28, 1 + day % 28),
        "recorded_at": datetime(2020, 1 + day // 28, 1 + day % 28, 12),
        "recorded_by": None,
        "summary": f"words {n}",
        "withdrawn": withdrawn,
    }


NAMES = {"A": "Child A", "B": "Child B", "C": "Child C", "D": "Child D", "E": "Child E"}


def issue_example() -> list[dict[str, Any]]:
    """The issue's sentence: 19 items; five rest on Child A's account; the 14 others come from
    3 agencies and tie the adult to 4 other children."""
    items = [item(n, "child_account", "A", "A", "police", n) for n in range(5)]
    items[0]["withdrawn"] = True
    kinds = ["professional_sighting", "vehicle", "phone", "place", "third_party_report"]
    for n in range(5, 19):
        child = "BCDE"[n % 4]
        agency = ("police", "health", "education")[n % 3]
        items.append(item(n, kinds[n % 5], child, None, agency, n))
    return items


def test_the_issues_sentence_for_one_childs_account() -> None:
    picture = build(issue_example(), NAMES)
    assert picture.total == 19
    [a] = picture.set_aside
    assert a.sentence == (
        "If the statements of Child A are set aside, 14 of 19 items remain, from 3 agencies and "
        "4 other children."
    )
    assert len(picture.independent) == 14
    assert picture.summary == (
        "19 items from 3 agencies about 5 children; 14 rest on no child's own account; "
        "1 account later withdrawn or denied."
    )


def test_groups_matrix_and_timeline() -> None:
    picture = build(issue_example(), NAMES)
    assert [k for k, _ in picture.by_agency] == ["police", "education", "health"]
    assert sum(len(g) for _, g in picture.by_agency) == 19
    # kinds in the order of independence from a child's account; the account last
    assert picture.kinds == [
        "professional_sighting",
        "vehicle",
        "phone",
        "place",
        "third_party_report",
        "child_account",
    ]
    a_row = next(r for r in picture.matrix if r["child_id"] == "A")
    assert a_row["cells"] == [0, 0, 0, 0, 0, 5] and a_row["independent"] == 0
    assert sum(sum(r["cells"]) for r in picture.matrix) == 19
    assert picture.by_child[0][:2] == ("A", "Child A")  # the most items first
    flat = [i for _, items in picture.timeline for i in items]
    assert [i["occurred_at"] for i in flat] == sorted(i["occurred_at"] for i in flat)
    assert len(picture.withdrawn) == 1


def test_everything_resting_on_one_child_says_so() -> None:
    items = [item(n, "child_account", "A", "A", "police", n) for n in range(3)]
    [a] = build(items, NAMES).set_aside
    assert a.remain == 0
    assert a.sentence == (
        "If the statements of Child A are set aside, none of the 3 items remain: everything rests on "
        "their account."
    )


def test_singular_words_and_an_item_tied_to_no_child() -> None:
    items = [
        item(1, "child_account", "A", "A", "police", 1),
        item(2, "place", None, None, "health", 2),
    ]
    picture = build(items, {})
    [a] = picture.set_aside
    assert a.sentence == (
        "If the statements of A are set aside, 1 of 2 items remain, from 1 agency and 0 other children."
    )
    assert picture.by_child[-1][:2] == ("", "No one child")  # listed last, not as a child
    assert picture.children == ["A"]


def test_no_items() -> None:
    picture = build([], NAMES)
    assert picture.summary == "No evidence items recorded."
    assert picture.set_aside == [] and picture.matrix == []


def test_a_viewer_reads_the_words_only_of_agencies_their_role_reads() -> None:
    items = [item(1, "vehicle", "A", None, "police", 1), item(2, "place", "A", None, "health", 2)]
    shown = readable(items, lambda agency: agency == "health", lambda a: f"held by {a}")
    assert shown[0]["summary"] is None and shown[0]["withheld"] == "held by police"
    assert shown[0]["record_id"] == "police:R1"  # the source is still given
    assert shown[1]["summary"] == "words 2"
    assert items[0]["summary"] == "words 1"  # the store's rows are not changed


# disruption: the months before and after ---------------------------------------------------
def months(rows: dict[str, tuple[int, int, int]]) -> dict[date, dict[str, int]]:
    return {
        date.fromisoformat(m + "-01"): {
            "sightings": s,
            "children_seen": c,
            "missing_episodes": x,
        }
        for m, (s, c, x) in rows.items()
    }


def test_effect_counts_three_months_either_side_and_a_missing_month_is_zero() -> None:
    recorded = months(
        {
            "2020-11": (2, 1, 1),
            "2021-01": (5, 3, 2),
            "2021-02": (9, 9, 9),  # the action's own month: in neither total
            "2021-04": (1, 1, 0),
        }
    )
    effect = disruptions.effect(date(2021, 2, 14), recorded, as_of=date(2021, 12, 31))
    assert [r["month"] for r in effect.months][0] == date(2020, 11, 1)
    assert [r["offset"] for r in effect.months] == [-3, -2, -1, 0, 1, 2, 3]
    assert effect.before == {"sightings": 7, "children_seen": 3, "missing_episodes": 3}
    assert effect.after == {"sightings": 1, "children_seen": 1, "missing_episodes": 0}
    assert effect.sentence == (
        "Before (3 months): 7 sightings, up to 3 children seen in a month, 3 missing episodes of "
        "linked children. After (3 months): 1 sighting, up to 1 child seen in a month, "
        "0 missing episodes of linked children."
    )


def test_months_after_the_store_date_are_not_counted_as_nothing() -> None:
    effect = disruptions.effect(date(2021, 2, 14), {}, as_of=date(2021, 2, 28))
    assert effect.after_months_recorded == 0
    assert effect.sentence.endswith("After: no month after the action is in the records yet.")
    assert [r["recorded"] for r in effect.months] == [True] * 4 + [False] * 3
    # a month the store covers only in part is not counted either
    part = disruptions.effect(date(2021, 2, 14), {}, as_of=date(2021, 4, 20))
    assert [r["recorded"] for r in part.months] == [True] * 5 + [False] * 2
    assert part.after_months_recorded == 1


def test_effect_across_a_year_end() -> None:
    effect = disruptions.effect(date(2020, 12, 1), {}, as_of=None)
    assert [r["month"] for r in effect.months] == [
        date(2020, 9, 1),
        date(2020, 10, 1),
        date(2020, 11, 1),
        date(2020, 12, 1),
        date(2021, 1, 1),
        date(2021, 2, 1),
        date(2021, 3, 1),
    ]


def test_store_and_app_actions_are_one_list_by_date() -> None:
    store = [
        {"disruption_id": "D1", "started_on": date(2021, 3, 1), "action": "cawn"},
        {"disruption_id": "D2", "started_on": date(2020, 1, 1), "action": "arrest"},
    ]
    app = [
        {
            "disruption_id": "app:1",
            "started_on": date(2020, 6, 1),
            "action": "shpo",
            "source": "app",
            "recorded_by": "sue",
        }
    ]
    rows = disruptions.combined(store, app)
    assert [r["disruption_id"] for r in rows] == ["D2", "app:1", "D1"]
    assert [r["source"] for r in rows] == ["store", "app", "store"]


@pytest.mark.parametrize(
    ("target", "kind"),
    [("P123", "person"), ("vehicle:YX09ABC", "vehicle"), ("place:Manor Row", "place")],
)
def test_target_kind(target: str, kind: str) -> None:
    assert disruptions.target_kind_of(target) == kind
