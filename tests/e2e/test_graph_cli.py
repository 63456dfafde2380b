"""`lantern graph build|stats|path|export` through the command line."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from graph_world import ring_world
from lantern.cli import main
from lantern.store.connection import connect


def test_build_then_stats_path_and_export(store_path, tmp_path, capsys):
    world = ring_world()
    con = connect(store_path)
    world.write(con)
    con.close()

    assert main(["graph", "build", "--store", str(store_path)]) == 0
    assert "1 networks" in capsys.readouterr().out

    assert (
        main(["graph", "stats", "--store", str(store_path), "--kind", "person", "--top", "2"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[1].split()[0] == world.pid("police:cara")
    by_link = ["graph", "stats", "--store", str(store_path), "--link", "suspect_of"]
    assert main(by_link) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert world.pid("police:dan") in listed and listed  # the suspect_of links only

    dan, amy = world.pid("police:dan"), "police:amy"  # a record id resolves to its person
    assert main(["graph", "path", dan, amy, "--store", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert "Path 1: 1 hops" in out and "suspect_of" in out and "police:sx1" in out
    assert "Path 2:" in out

    anx = tmp_path / "ring.anx"
    args = ["graph", "export", "--network", "N000001", "--format", "anx", "--out", str(anx)]
    assert main([*args, "--store", str(store_path)]) == 0
    assert len(list(ET.parse(anx).getroot().iter("Entity"))) == 7


def test_user_mistakes_are_reported_plainly(store_path, tmp_path, capsys):
    assert main(["graph", "stats", "--store", str(tmp_path / "none.duckdb")]) == 4
    assert "no store here" in " ".join(capsys.readouterr().err.split())
    world = ring_world()
    con = connect(store_path)
    world.write(con)
    con.close()
    assert main(["graph", "build", "--store", str(store_path), "--no-stats"]) == 0
    assert main(["graph", "path", "nobody", "somebody", "--store", str(store_path)]) == 2
    assert "no such person" in " ".join(capsys.readouterr().err.split())
    assert main(["graph", "export", "--store", str(store_path), "--out", str(tmp_path / "x")]) == 2
