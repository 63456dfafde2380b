"""Pairwise identity metrics: invariants that hold for any clustering."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.evaluate.inputs import Assessed, Truth
from lantern.evaluate.metrics import identity

RECORDS = [f"police:r{i}" for i in range(12)]
labelings = st.lists(st.integers(0, 5), min_size=len(RECORDS), max_size=len(RECORDS))


def truth_from(labels: list[int]) -> Truth:
    return Truth(
        person_of_record={r: f"T{label}" for r, label in zip(RECORDS, labels, strict=True)},
        kind={f"T{i}": "child" for i in range(6)},
        sex={},
        victims={},
    )


def assessed_from(labels: list[int], prefix: str = "P") -> Assessed:
    clusters: dict[str, list[str]] = {}
    for record, label in zip(RECORDS, labels, strict=True):
        clusters.setdefault(f"{prefix}{label}", []).append(record)
    return Assessed(clusters, [], [], [], [])


@settings(max_examples=150, deadline=None)
@given(labelings)
def test_the_truth_itself_scores_perfectly(labels: list[int]) -> None:
    result = identity(truth_from(labels), assessed_from(labels))
    assert result["true_positives"] == result["predicted"] == result["actual"]
    if result["actual"]:
        assert result["precision"] == result["recall"] == 1.0


@settings(max_examples=150, deadline=None)
@given(labelings, labelings)
def test_swapping_truth_and_prediction_swaps_precision_and_recall(
    a: list[int], b: list[int]
) -> None:
    forward = identity(truth_from(a), assessed_from(b))
    backward = identity(truth_from(b), assessed_from(a))
    assert forward["precision"] == backward["recall"]
    assert forward["recall"] == backward["precision"]
    for value in (forward["precision"], forward["recall"], forward["f1"]):
        assert value is None or 0.0 <= value <= 1.0


@settings(max_examples=100, deadline=None)
@given(labelings, labelings)
def test_renaming_reported_persons_changes_nothing(a: list[int], b: list[int]) -> None:
    assert identity(truth_from(a), assessed_from(b, "P")) == identity(
        truth_from(a), assessed_from(b, "Q")
    )
