"""The graph rules file: complete, documented, and rejected plainly when broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.errors import ConfigError
from lantern.graph.rules import EDGE_KINDS, load_rules

DOC = Path(__file__).resolve().parents[3] / "docs" / "graph.md"


def test_the_shipped_rules_load_and_every_edge_kind_has_points():
    rules = load_rules()
    assert set(rules.points) == set(EDGE_KINDS)
    assert all(points > 0 for points in rules.points.values())
    assert set(rules.protective_roles) == {"professional", "carer", "parent", "reporter"}


def test_every_edge_kind_is_documented():
    text = DOC.read_text("utf-8")
    for kind in EDGE_KINDS:
        assert f"`{kind}`" in text


def test_a_broken_rules_file_is_a_config_error(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("points: {suspect_of: 3}\n")
    with pytest.raises(ConfigError, match="invalid graph rules"):
        load_rules(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")


def test_criminal_exploitation_signs_do_not_make_a_signal_child():
    from lantern.graph.rules import load_rules
    from lantern.indicators.catalogue import default_catalogue

    rules = load_rules()
    criminal = {
        i.id for i in default_catalogue().indicators if i.concern == "criminal_exploitation"
    }
    assert set(rules.signal_not_signals) == criminal
