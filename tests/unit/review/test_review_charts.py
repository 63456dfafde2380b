"""Hand-written SVG charts are well-formed, escape their labels and scale their bars."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lantern.review import charts

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_stacked_bars_are_well_formed_and_heights_follow_the_values():
    svg = charts.stacked_bars(
        ["2009", "2010"], {"recognised": [2, 0], "possible": [2, 4]}, title="Children <by> year"
    )
    root = ET.fromstring(svg)  # raises if not well-formed
    assert root.find("svg:title", NS).text == "Children <by> year"
    bars = [r for r in root.iterfind("svg:rect", NS) if r.find("svg:title", NS) is not None]
    heights = {r.find("svg:title", NS).text: float(r.get("height")) for r in bars}
    # 2009 stacks 2 + 2, 2010 is 4 of one series: equal totals, equal heights.
    assert (
        heights["2009 recognised: 2"] + heights["2009 possible: 2"] == heights["2010 possible: 4"]
    )
    assert "2010 recognised: 0" not in heights  # no zero-height bars


def test_horizontal_bars_escape_labels():
    svg = charts.horizontal_bars(["police & health"], {"held apart": [3]}, title="Pairs")
    ET.fromstring(svg)
    assert "police &amp; health" in svg
