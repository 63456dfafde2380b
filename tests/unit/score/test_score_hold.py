"""How long a flag is held once the points that raised it fall (issue 16, eighth session): at
medium while anything still supports it (points at `low` or above) and for `flag_hold_days`
after the last of it falls away, then released; the reason row says which. Until then a flag
was held for ten years on nothing: on the make_county tuning counties young adults stayed on
the list with no sign recorded since they were 15."""

from datetime import date, timedelta

from lantern.score.points import Hit
from lantern.score.replay import Replay
from lantern.score.weights import load_weights

WEIGHTS = load_weights()
DAY = date(2015, 1, 10)
HOLD = WEIGHTS.child.flag_hold_days


def _hit(i: int, indicator: str, category: str, weight: float, agency: str, day: date) -> Hit:
    return Hit(f"h{i}", "police:P", indicator, category, weight, agency, f"{agency}:e{i}", day,
               day, "x")  # fmt: skip


FLAG = [
    _hit(0, "sti", "sexual_health", 5.0, "health", DAY),
    _hit(1, "intoxicated", "substances", 5.0, "police", DAY),
    _hit(2, "older_associates", "older_associate", 5.0, "social_care", DAY),
]


def _score(hits: list[Hit], on: date) -> tuple[float, str, list[str]]:
    replay = Replay(["police:P"], [], hits, [], WEIGHTS)
    replay.run(on)
    score = replay.child_score(replay.find("police:P"), on)
    return score.score, score.band, [r.evidence for r in score.reasons if r.category == "hold"]


def test_the_hold_is_a_year_not_ten():
    assert HOLD == 365


def test_held_for_a_year_after_the_signs_fall_away_then_released():
    # 16.5 points until 10 January 2016, then 4.8 (under `low`): held to 9 January 2017
    points, band, why = _score(FLAG, date(2016, 6, 1))
    assert (band, points < WEIGHTS.child.bands.low) == ("medium", True)
    assert why == [
        "flagged earlier; held at medium until 2017-01-09 (365 days after the signs that "
        "supported it fell away) unless a person reviews it"
    ]
    assert _score(FLAG, date(2017, 1, 9))[1] == "medium"
    assert _score(FLAG, date(2017, 1, 10))[1:] == ("none", [])


def test_held_while_signs_remain_at_low_and_a_year_after_they_fall_below_it():
    # a missing episode every four months keeps the points at `low` through 2016, after the
    # flag's own signs have aged; they fall under `low` on 10 January 2017
    later = [
        _hit(10 + i, "missing_episode", "missing", 3.0, "police", date(2016, 1, 1) + timedelta(days=120 * i))
        for i in range(6)
    ]  # fmt: skip
    points, band, why = _score(FLAG + later, date(2016, 6, 29))
    assert band == "medium" and WEIGHTS.child.bands.low <= points < WEIGHTS.child.bands.medium
    assert why == [
        f"flagged earlier; held at medium while signs remain ({points:g} points, low) and for "
        "365 days after they fall away, unless a person reviews it"
    ]
    # a year after the points first fell below medium, but signs remained until January
    points, band, why = _score(FLAG + later, date(2017, 6, 24))
    assert band == "medium" and points < WEIGHTS.child.bands.low
    assert why and "until 2018-01-09" in why[0]
    assert _score(FLAG + later, date(2018, 1, 10))[1] == "none"
