"""Every data file a reviewer edits fails the same plain way: the file, and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from lantern.app.policy import read_policy
from lantern.config_files import load_model, read_mapping, read_yaml
from lantern.errors import ConfigError
from lantern.graph.rules import load_rules
from lantern.indicators.catalogue import load_catalogue
from lantern.review.definitions import load_definitions
from lantern.score.weights import load_weights


class Thresholds(BaseModel):
    medium: int
    high: int


def test_a_missing_file_names_the_file_and_what_it_should_hold(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: cannot read the weights file"):
        read_yaml(tmp_path / "nope.yaml", "weights file")


def test_broken_yaml_says_so_with_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: the graph rules is not valid YAML"):
        read_yaml(bad, "graph rules")


def test_a_list_where_a_mapping_belongs_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "list.yaml"
    bad.write_text("- one\n- two\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        read_mapping(bad, "access policy")


def test_every_validation_problem_is_listed_by_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text("medium: lots\n")
    with pytest.raises(ConfigError) as caught:
        load_model(bad, Thresholds, "thresholds")
    message = str(caught.value)
    assert "invalid thresholds" in message
    assert "medium:" in message and "high:" in message


@pytest.mark.parametrize(
    "loader",
    [load_weights, load_catalogue, load_rules, load_definitions, read_policy],
    ids=["weights", "catalogue", "graph rules", "review definitions", "access policy"],
)
def test_each_loader_turns_broken_yaml_into_a_config_error(loader, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("key: [unclosed\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml"):
        loader(bad)
