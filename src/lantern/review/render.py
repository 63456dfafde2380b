"""Writing a `ReviewReport`: report.html, report.pdf, review.xlsx and tiers.csv."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from lantern.export_safety import csv_writer, sheet_row
from lantern.review.report import TIER_CRITERIA, ReportTable, ReviewReport, value_text

TEMPLATES = Path(__file__).with_name("templates")
TIERS_CSV_COLUMNS = (
    "person_id",
    "records",
    "tier",
    "first_signal_at",
    "first_flagged_at",
    "first_action_at",
)


@dataclass(frozen=True)
class ReviewFiles:
    html: Path
    pdf: Path | None
    xlsx: Path
    tiers_csv: Path


def _numeric_columns(table: ReportTable) -> list[bool]:
    return [
        all(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in table.rows
            if row[i] is not None) and any(row[i] is not None for row in table.rows)
        for i in range(len(table.columns))
    ]  # fmt: skip


def render_html(report: ReviewReport, *, fragment: bool = False) -> str:
    """The whole report as one self-contained HTML page (inline CSS and SVG, no scripts).

    With `fragment`, only the report's body (no `<html>`, no styles), for a page
    of the web app that has its own layout.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    numeric = {table.key: _numeric_columns(table) for table in report.tables()}
    return env.get_template("review.html.j2").render(
        report=report,
        numeric=numeric,
        text=value_text,
        tier_criteria=TIER_CRITERIA,
        fragment=fragment,
    )


def write_pdf(html: str, path: Path) -> Path:
    from weasyprint import HTML

    HTML(string=html).write_pdf(str(path))
    return path


def write_xlsx(report: ReviewReport, path: Path) -> Path:
    """One sheet per table (every row), plus a first sheet with the headline and definitions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "about"
    about.append(sheet_row([report.title]))
    about["A1"].font = Font(bold=True, size=14)
    about.append(sheet_row(["period", f"{report.period_from} to {report.period_to}"]))
    about.append(sheet_row(["produced", report.generated_at.isoformat(sep=" ")]))
    about.append([])
    for label, value in report.headline:
        about.append(sheet_row([label.lstrip("— "), int(value) if value.isdigit() else value]))
    about.append([])
    about.append(sheet_row(["sheet", "what it holds"]))
    for table in report.tables():
        about.append(sheet_row([table.key, f"{table.title}. {table.description}"]))
    for note in report.notes:
        about.append(sheet_row(["note", note]))
    for table in report.tables():
        sheet = book.create_sheet(table.key[:31])
        sheet.append(sheet_row(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(sheet_row(row))
        sheet.freeze_panes = "A2"
        for i, column in enumerate(table.columns, start=1):
            width = max([len(column)] + [len(value_text(r[i - 1])) for r in table.rows[:200]])
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(width + 2, 60)
    book.save(path)
    return path


def write_tiers_csv(report: ReviewReport, path: Path) -> Path:
    table = next(t for t in report.tables() if t.key == "tiers")
    index = [table.columns.index(c) for c in TIERS_CSV_COLUMNS]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(TIERS_CSV_COLUMNS)
        for row in table.rows:
            writer.writerow([value_text(row[i]) for i in index])
    return path


def write_all(report: ReviewReport, out_dir: Path, *, pdf: bool = True) -> ReviewFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    html = render_html(report)
    html_path = out_dir / "report.html"
    html_path.write_text(html, encoding="utf-8")
    return ReviewFiles(
        html=html_path,
        pdf=write_pdf(html, out_dir / "report.pdf") if pdf else None,
        xlsx=write_xlsx(report, out_dir / "review.xlsx"),
        tiers_csv=write_tiers_csv(report, out_dir / "tiers.csv"),
    )
