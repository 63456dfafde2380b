"""The child's page says when the law on age, not the points, holds the band."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from app_harness import make_app, signed_in


def _floor(path: Path, person_id: str, score: float, band: str, floor: str | None) -> None:
    """Give the child `score` and `band`, and (if `floor`) the score stage's floor reason."""
    con = duckdb.connect(str(path))
    con.execute(
        "UPDATE assessments SET score = ?, band = ? WHERE person_id = ?", [score, band, person_id]
    )
    if floor:
        con.execute(
            "INSERT INTO score_reasons VALUES (?, 0, 'sexual_abuse_disclosed', 'under_13_sexual_activity',"
            " 'police', 'police:OCC1', ?, ?, ?)",
            [
                person_id,
                date(2011, 3, 4),
                date(2011, 3, 4),
                f"the law on age sets at least {floor}: sexual activity, child aged 12",
            ],
        )
    con.close()


def _page(tmp_path: Path, score: float, band: str, floor: str | None) -> str:
    tmp_path.mkdir(parents=True, exist_ok=True)
    app, county = make_app(
        tmp_path, prepare=lambda c: _floor(c.path, c.kayleigh, score, band, floor)
    )
    return signed_in(app, "ana").get(f"/children/{county.kayleigh}").text


def test_a_band_the_law_holds_says_so_beside_the_score(tmp_path: Path) -> None:
    html = _page(tmp_path, 4, "high", "high")
    assert "score 4 <span" in html
    assert "held at high by the law on age; the points alone would give none" in html


def test_no_such_words_when_the_points_set_the_band(tmp_path: Path) -> None:
    assert "by the law on age;" not in _page(tmp_path / "a", 30, "high", "high")  # points: high
    assert "by the law on age;" not in _page(tmp_path / "b", 4, "none", None)  # no floor
    assert "by the law on age;" not in _page(tmp_path / "c", 18, "high", "medium")  # floor lower


def test_the_page_reads_the_score_stages_own_floor_reason():
    """The wording is the score stage's, so a change there cannot silently hide the note."""
    from lantern.app.legal_floor import held_by_law
    from lantern.app.store_reader import Person
    from lantern.score.points import Hit, base_score
    from lantern.score.weights import load_weights

    weights = load_weights().child
    on = date(2011, 3, 4)
    floor_hit = Hit(
        "h1", "police:A", "under_13_sexual_activity", "sexual_abuse_disclosed", 0.5, "police",
        "police:e1", on, on, "sexual activity, child aged 12", "high",
    )  # fmt: skip
    score = base_score([floor_hit], date(2015, 1, 1), weights)
    assert score.band == "high" and score.score < weights.bands.low
    reasons = [{"points": r.points, "evidence": r.evidence} for r in score.reasons]
    person = Person("P1", "A child", [], None, None, [], "child", score.score, score.band)
    held = held_by_law(person, reasons)
    assert held is not None and held.band == "high" and held.points_band == "none"
