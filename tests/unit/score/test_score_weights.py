from pathlib import Path

import pytest
import yaml

from lantern.errors import ConfigError
from lantern.score.weights import CATEGORIES, DEFAULT_WEIGHTS, load_weights


def test_the_shipped_weights_are_valid_and_cover_every_category():
    weights = load_weights()
    assert set(weights.child.category_scale) == set(CATEGORIES)
    assert weights.child.bands.band(weights.child.bands.medium) == "medium"
    assert weights.child.bands.band(weights.child.bands.medium - 0.01) == "low"
    assert weights.child.bands.band(0) == "none"


def _write(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DEFAULT_WEIGHTS.read_text())
    change(raw)
    path = tmp_path / "weights.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_a_missing_category_is_a_config_error_naming_it(tmp_path):
    path = _write(tmp_path, lambda raw: raw["child"]["category_scale"].pop("vehicle"))
    with pytest.raises(ConfigError, match="vehicle"):
        load_weights(path)


def test_windows_that_let_a_score_rise_with_age_are_refused(tmp_path):
    # Replay finds decay dates by bisection, which needs scores that only fall with age.
    def rising(raw):
        raw["child"]["recency"]["default"][1]["multiplier"] = 1.5

    with pytest.raises(ConfigError):
        load_weights(_write(tmp_path, rising))

    def rising_again(raw):
        raw["child"]["recency"]["default"][2]["multiplier"] = 0.9

    with pytest.raises(ConfigError, match="must not rise"):
        load_weights(_write(tmp_path, rising_again))


def test_bands_out_of_order_are_refused(tmp_path):
    def swap(raw):
        raw["child"]["bands"]["low"] = 50

    with pytest.raises(ConfigError, match="low < medium < high"):
        load_weights(_write(tmp_path, swap))


def test_an_unreadable_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_weights(tmp_path / "nope.yaml")
