"""The report's data structure and its files: HTML, PDF, XLSX, tiers.csv."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from lantern.review import render, stage
from lantern.review.report import build_report


@pytest.fixture
def reviewed(history):
    history.child("P01", "police:A", "health:H", band="high", first_flagged_at="2010-03-10")
    history.event("police:E1", "police:A", "missing_report", "2010-01-10", outcome="NFA")
    history.hit("police:A", "2010-01-10")
    history.event("health:E2", "health:H", "sti_diagnosis", "2010-03-10",
                  narrative="=HYPERLINK(\"http://x\") she is putting herself at risk.")  # fmt: skip
    history.hit("health:H", "2010-03-10", category="sexual_abuse_disclosed")
    history.language("health:E2", "health:H", "putting herself at risk", "2010-03-10")
    history.event("police:E3", "police:A", "missing_report", "2010-04-01", outcome="=1+1")
    history.child("P02", "police:B", sex="M", band="low")
    history.event("police:R1", "police:B", "crime_report", "2011-02-01", codes="hocr:71")
    history.event("social_care:S1", "police:B", "strategy_discussion", "2011-02-03")
    summary = stage.run(history.con)
    return history, summary


def test_the_report_structure_has_every_section_and_the_tier_table(reviewed):
    history, summary = reviewed
    report = build_report(history.con, summary)
    assert [s.key for s in report.sections] == [
        "children", "missed", "joined_up", "language", "networks",
    ]  # fmt: skip
    counts = next(t for t in report.tables() if t.key == "tier_counts")
    assert [row[:4] for row in counts.rows] == [
        ("recognised", 1, 0, 1),
        ("probable", 1, 1, 0),
        ("possible", 0, 0, 0),
    ]
    assert ("— probable", "1") in report.headline


def test_files_are_written_and_free_of_formula_injection(reviewed, tmp_path):
    history, summary = reviewed
    report = build_report(history.con, summary)
    files = render.write_all(report, tmp_path / "out")
    html = files.html.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.split("</style>")[1].split("<svg")[0]
    assert "Estimate of children affected" in html and "<svg" in html
    assert files.pdf.read_bytes().startswith(b"%PDF")
    with files.tiers_csv.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["person_id", "records", "tier", "first_signal_at", "first_flagged_at", "first_action_at"],
        ["P02", "police:B", "recognised", "", "", "2011-02-03"],  # no indicator hits here
        ["P01", "health:H;police:A", "probable", "2010-01-10", "2010-03-10", ""],
    ]
    book = load_workbook(files.xlsx)
    assert {"about", "tier_counts", "tiers", "missed", "nfa_closures", "language_examples",
            "pairs_not_joined", "networks"} <= set(book.sheetnames)  # fmt: skip
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values)
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in values)
    closures = book["nfa_closures"]
    assert [c.value for c in closures[1]][:3] == ["person_id", "tier", "event_id"]


def test_a_fragment_for_the_web_app_has_the_report_but_no_page_around_it(reviewed):
    history, summary = reviewed
    html = render.render_html(build_report(history.con, summary), fragment=True)
    assert "<html" not in html and "<style" not in html and "@page" not in html
    assert 'class="lantern-review"' in html and "Estimate of children affected" in html
