"""A legal floor that rests only on a reading of a note's words holds while the reading is
current, then fades, and is not held (issue 16): on the make_county tuning counties a referral
form's "Category: sexual abuse." field, read as a disclosure at 10-12, held children at `high`
for years. A floor resting on a structured record or a code is a record of the offence and
does not fade; a flag the points carried is still held when they fall."""

from datetime import date

from lantern.score.points import Hit
from lantern.score.replay import Replay
from lantern.score.weights import load_weights

WEIGHTS = load_weights()
DAY = date(2015, 1, 10)


def _legal(record: str, read_in_text: bool) -> Hit:
    return Hit("h-" + record, record, "legal_under13_sexual_activity", "sexual_abuse_disclosed",
               2.0, "social_care", "social_care:E-" + record, DAY, DAY,
               "Aged 12: disclosure of sexual assault.", "high", read_in_text)  # fmt: skip


def _band(hits: list[Hit], records: list[str], on: date) -> dict[str, str]:
    replay = Replay(records, [], hits, [], WEIGHTS)
    replay.run(on)
    return {r: replay.child_score(replay.find(r), on).band for r in records}


def test_a_floor_read_in_text_holds_while_the_reading_is_current():
    hits = [_legal("social_care:T", True), _legal("social_care:S", False)]
    now = _band(hits, ["social_care:T", "social_care:S"], date(2016, 6, 1))
    assert now == {"social_care:T": "high", "social_care:S": "high"}


def test_then_it_fades_and_is_not_held_but_a_recorded_offence_stays():
    hits = [_legal("social_care:T", True), _legal("social_care:S", False)]
    later = _band(hits, ["social_care:T", "social_care:S"], date(2019, 6, 1))
    assert later == {"social_care:T": "none", "social_care:S": "high"}


def test_a_flag_the_points_carried_is_still_held():
    record = "police:P"
    hits = [
        Hit(f"p{i}", record, indicator, category, weight, agency, f"{agency}:e{i}", DAY, DAY, "x")
        for i, (indicator, category, weight, agency) in enumerate(
            [("sti", "sexual_health", 5.0, "health"), ("intoxicated", "substances", 5.0, "police"),
             ("older_associates", "older_associate", 5.0, "social_care")]
        )
    ]  # fmt: skip
    assert _band(hits, [record], date(2015, 2, 1))[record] in ("medium", "high")
    assert _band(hits, [record], date(2016, 6, 1))[record] == "medium"  # held
