"""The child's page says when the law on age, not the points, holds the band."""

from __future__ import annotations

from pathlib import Path

import duckdb

from app_harness import make_app, signed_in


def _floor(
    path: Path, person_id: str, score: float, band: str, floor: str | None, points_band: str
) -> None:
    """Give the child `score` and `band`, and the score stage's floor and points-alone band."""
    con = duckdb.connect(str(path))
    for column in ("legal_floor", "points_band"):
        con.execute(f"ALTER TABLE assessments ADD COLUMN IF NOT EXISTS {column} VARCHAR")
    con.execute(
        "UPDATE assessments SET score = ?, band = ?, legal_floor = ?, points_band = ? "
        "WHERE person_id = ?",
        [score, band, floor, points_band, person_id],
    )
    con.close()


def _page(tmp_path: Path, score: float, band: str, floor: str | None, points_band: str) -> str:
    tmp_path.mkdir(parents=True, exist_ok=True)
    app, county = make_app(
        tmp_path,
        prepare=lambda c: _floor(c.path, c.kayleigh, score, band, floor, points_band),
    )
    return signed_in(app, "ana").get(f"/children/{county.kayleigh}").text


def test_a_band_the_law_holds_says_so_beside_the_score(tmp_path: Path) -> None:
    html = _page(tmp_path, 4, "high", "high", "none")
    assert "score 4 <span" in html
    assert "held at high by the law on age; the points alone would give none" in html


def test_no_such_words_when_the_points_set_the_band(tmp_path: Path) -> None:
    assert "by the law on age;" not in _page(tmp_path / "a", 30, "high", "high", "high")
    assert "by the law on age;" not in _page(tmp_path / "b", 4, "none", None, "none")
    assert "by the law on age;" not in _page(tmp_path / "c", 18, "high", "medium", "high")
