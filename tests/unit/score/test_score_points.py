from datetime import date, timedelta
from itertools import count

from lantern.score.points import Hit, base_score, decay_dates
from lantern.score.weights import load_weights

WEIGHTS = load_weights().child
_ids = count(1)


def hit(category="missing", weight=2.0, agency="police", on=date(2012, 1, 1), floor=None):
    n = next(_ids)
    return Hit(
        f"h{n}", "police:A", f"{category}_sign", category, weight, agency, f"{agency}:e{n}",
        on, on, f"{category} sign {n}", floor,
    )  # fmt: skip


def test_ten_missing_reports_are_one_pattern_not_ten_signs():
    start = date(2012, 1, 1)
    hits = [hit(on=start + timedelta(days=30 * i)) for i in range(10)]
    score = base_score(hits, start + timedelta(days=280), WEIGHTS)
    assert score.band in ("none", "low")
    assert score.score < WEIGHTS.bands.medium


def test_missing_an_older_male_and_an_sti_across_agencies_is_another():
    # As the catalogue records them: repeat missing (police), found with an adult (social
    # care), an STI at 14 (health: the STI and the under-16 rule).
    on = date(2012, 3, 1)
    hits = [
        hit("missing", 3.0, "police", date(2012, 1, 10)),
        hit("older_associate", 3.0, "social_care", date(2012, 2, 1)),
        hit("sexual_health", 4.0, "health", date(2012, 2, 20)),
        hit("sexual_health", 3.0, "health", date(2012, 2, 20)),
    ]
    score = base_score(hits, on, WEIGHTS)
    assert score.band in ("medium", "high")
    kinds = {r.indicator for r in score.reasons if r.category == "corroboration"}
    assert kinds == {"different_categories", "different_agencies"}
    # The same points from one agency and one kind are one pattern, not three.
    alone = [hit("missing", 3.0, "police", date(2012, 1, d)) for d in (10, 20, 30)]
    assert base_score(alone, on, WEIGHTS).band in ("none", "low")


def test_every_point_is_a_reason_and_the_reasons_add_up():
    on = date(2012, 3, 1)
    hits = [hit("missing", on=date(2012, 1, d)) for d in (1, 20, 30)] + [
        hit("vehicle", 3.0, "health")
    ]
    score = base_score(hits, on, WEIGHTS)
    assert abs(sum(r.points for r in score.reasons) - score.score) < 0.05
    cited = {r.event_id for r in score.reasons if r.event_id}
    assert cited <= {h.event_id for h in hits}


def test_signals_decay_with_age_and_are_gone_after_two_years():
    hits = [
        hit("vehicle", 3.0, on=date(2012, 1, 1)),
        hit("older_associate", 3.0, "health", date(2012, 1, 1)),
    ]
    fresh = base_score(hits, date(2012, 2, 1), WEIGHTS).score
    year_old = base_score(hits, date(2012, 10, 1), WEIGHTS).score
    old = base_score(hits, date(2014, 6, 1), WEIGHTS).score
    assert fresh > year_old > old == 0


def test_the_law_on_age_is_a_floor_whatever_the_points():
    hits = [hit("sexual_abuse_disclosed", 0.5, on=date(2012, 1, 1), floor="medium")]
    score = base_score(hits, date(2016, 1, 1), WEIGHTS)
    assert score.score < WEIGHTS.bands.low
    assert score.band == "medium"
    assert any("the law on age" in r.evidence for r in score.reasons)


def test_decay_dates_fall_on_each_window_edge():
    h = hit("missing", on=date(2012, 1, 1))
    dates = decay_dates(h, WEIGHTS)
    assert date(2012, 1, 1) + timedelta(days=184) in dates
    assert dates == sorted(dates)
    before = base_score([h], dates[0] - timedelta(days=1), WEIGHTS).score
    after = base_score([h], dates[-1], WEIGHTS).score
    assert before > after == 0


def test_the_fast_total_is_exactly_the_explained_score():
    from random import Random

    from lantern.score.points import ChildModel
    from lantern.score.weights import CATEGORIES

    model = ChildModel(WEIGHTS)
    rng = Random(7)
    for _ in range(200):
        hits = [
            hit(rng.choice(CATEGORIES), rng.choice([1.0, 2.0, 3.0, 4.0, 5.0]),
                rng.choice(["police", "health", "education"]),
                date(2012, 1, 1) + timedelta(days=rng.randrange(0, 900)))
            for _ in range(rng.randrange(0, 25))
        ]  # fmt: skip
        on = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 1400))
        ordered = sorted(hits, key=lambda h: h.occ)
        assert model.total(model.recent(ordered, on), on) == model.explain(hits, on).score
