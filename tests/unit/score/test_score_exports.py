"""The assessment files are safe to open in a spreadsheet."""

import csv

import duckdb

from lantern.pipeline import write_outputs
from lantern.score import stage
from score_world import county


def test_every_exported_cell_is_escaped_against_formula_injection(tmp_path):
    world = county()
    world.hits[0]["evidence"] = '=HYPERLINK("http://evil","click")'
    world.hits[0]["weight"] = 50.0
    con = duckdb.connect()
    world.write(con)
    stage.run(con)
    write_outputs(con, tmp_path)
    with (tmp_path / "children.csv").open() as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert any("'=HYPERLINK" in cell for cell in cells)
