"""A man named as suspect in one child's sexual-abuse report earns the suspect points only when
he is recorded with at least `suspect_in_sexual_abuse_min_children` children (weights.yaml):
alone with the one child he is that report's suspect, `low`, not a person of interest in
exploitation (traced on the make_county tuning counties: fathers, uncles, cousins)."""

from datetime import date

from lantern.score.points import ChildLink, adult_score
from lantern.score.replay import AdultContact, Replay
from lantern.score.weights import load_weights

WEIGHTS = load_weights()
ABUSE = ChildLink("police:G1", True, "police:SX1", "police", date(2020, 1, 5),
                  date(2020, 1, 6), True)  # fmt: skip


def test_the_weights_ask_for_a_second_child():
    assert WEIGHTS.adult.suspect_in_sexual_abuse_min_children == 2


def test_one_child_one_report_stays_low():
    score = adult_score([ABUSE], WEIGHTS.adult)
    assert (score.score, score.band) == (8.0, "low")
    assert [r.indicator for r in score.reasons] == ["linked_child"]


def test_recorded_with_a_second_child_he_earns_the_suspect_points():
    score = adult_score([ABUSE], WEIGHTS.adult, children_recorded_with=2)
    assert (score.score, score.band) == (14.0, "medium")
    assert "suspect_in_sexual_abuse_event" in [r.indicator for r in score.reasons]


def replay_on(day: date) -> Replay:
    replay = Replay(
        ["police:X1", "police:G1", "police:G2", "police:G3"],
        [],
        [],
        [],
        WEIGHTS,
        [
            AdultContact("police:X1", "police:G2", date(2020, 3, 1)),
            AdultContact("police:X1", "police:G3", date(2021, 3, 1)),
        ],
    )
    replay.run(day)
    return replay


def test_the_replay_counts_children_from_the_graphs_evidence_by_its_date():
    assert replay_on(date(2020, 2, 1)).children_recorded_with("police:X1", [ABUSE]) == 1
    assert replay_on(date(2020, 6, 1)).children_recorded_with("police:X1", [ABUSE]) == 2
    assert replay_on(date(2021, 6, 1)).children_recorded_with("police:X1", [ABUSE]) == 3
