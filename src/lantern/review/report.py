"""The review's report as data: sections of tables and charts, ready to render.

`build_report(con)` reads the `review_*` tables written by `stage.run` and
returns a `ReviewReport`; `lantern.review.render` turns it into HTML, PDF,
XLSX and CSV, and the web app can render the same structure. Every string
cell is escaped against formula injection here, once, so every output is safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from lantern.export_safety import escape_formula
from lantern.review import charts
from lantern.review.stage import ReviewSummary

TIER_CRITERIA = {
    "recognised": (
        "Formally identified in the records: a strategy discussion, section 47 enquiry or "
        "child protection conference that names CSE; a code for CSE, grooming, trafficking or "
        "a sexual offence against a child (e.g. CIN 11A, SNOMED 713834002, Home Office 71); "
        "or a report of a sexual offence with the child as victim."
    ),
    "probable": (
        "Not formally identified, but the joint view reached the high band, and the records "
        "hold a disclosure of sexual abuse or a legal-age rule (sexual activity under 13, or "
        "with an adult under 16)."
    ),
    "possible": (
        "Neither of the above, but the joint view reached the medium or high band, or the "
        "child was tied into a detected network."
    ),
}
TIERS = tuple(TIER_CRITERIA)
TIER_SUMMARY = {
    "recognised": "formally identified: CSE named at a strategy discussion, s47 or conference; "
    "a CSE, grooming, trafficking or child sexual offence code; a sexual offence report",
    "probable": "high band, with a disclosure or a legal-age rule",
    "possible": "medium or high band, or tied into a network",
}


@dataclass(frozen=True)
class ReportTable:
    key: str  # the workbook sheet's name
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    shown: int | None = None  # rows shown in the HTML/PDF: None all, 0 workbook only
    compact: bool = False  # small enough to sit beside the next compact table

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(c.replace("_", " ") for c in self.columns)

    @property
    def shown_rows(self) -> tuple[tuple, ...]:
        return self.rows if self.shown is None else self.rows[: self.shown]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    charts: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = ()


@dataclass
class ReviewReport:
    title: str
    period_from: date
    period_to: date
    generated_at: datetime
    headline: list[tuple[str, str]]
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    def tables(self) -> list[ReportTable]:
        return [table for section in self.sections for table in section.tables]


def _table(
    con: duckdb.DuckDBPyConnection,
    key: str,
    title: str,
    sql: str,
    description: str,
    shown: int | None = None,
    params: list | None = None,
    first_column: str | None = None,
    compact: bool = False,
) -> ReportTable:
    cursor = con.execute(sql, params or [])
    columns = tuple(d[0] for d in cursor.description)
    if first_column:
        columns = (first_column, *columns[1:])
    rows = tuple(tuple(escape_formula(v) for v in row) for row in cursor.fetchall())
    return ReportTable(key, title, description, columns, rows, shown, compact)


def _pivot(
    con: duckdb.DuckDBPyConnection,
    key: str,
    title: str,
    sql: str,
    description: str,
    row_columns: int,
) -> ReportTable:
    """A table from `sql` returning (row keys…, column key, value): one column per column key."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    data = cursor.fetchall()
    heads = sorted({r[row_columns] for r in data}, key=lambda v: (v is None, v))
    cells: dict[tuple, dict] = {}
    for r in data:
        cells.setdefault(tuple(r[:row_columns]), {})[r[row_columns]] = r[row_columns + 1]
    rows = tuple(
        tuple(escape_formula(v) for v in keys) + tuple(values.get(h, 0) for h in heads)
        for keys, values in cells.items()
    )
    columns = tuple(names[:row_columns]) + tuple(str(h) for h in heads)
    return ReportTable(key, title, description, columns, rows)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0] or 0) if row else 0


def build_report(
    con: duckdb.DuckDBPyConnection, summary: ReviewSummary | None = None
) -> ReviewReport:
    """The report for the review tables currently in the store."""
    period_from, period_to = con.execute(
        "SELECT period_from, period_to FROM review_period"
    ).fetchone()  # type: ignore[misc]
    sections = [
        _children_section(con),
        _missed_section(con),
        _joined_up_section(con),
        _language_section(con),
        _networks_section(con),
    ]
    by_tier = dict(con.execute("SELECT tier, count(*) FROM review_tiers GROUP BY tier").fetchall())
    headline = [
        ("Children in a tier", str(sum(by_tier.values()))),
        *[(f"— {tier}", str(by_tier.get(tier, 0))) for tier in TIERS],
        (
            "Flagged by the joint view before any formal action (or with none)",
            str(
                _scalar(
                    con,
                    "SELECT count(*) FROM review_missed WHERE first_flagged_at IS NOT NULL"
                    " AND (first_action_at IS NULL OR first_action_at > first_flagged_at)",
                )
            ),
        ),
        (
            "Records closed with no further action while the child was flaggable",
            str(_scalar(con, "SELECT count(*) FROM review_nfa_closures")),
        ),
        ("Networks visible", str(_scalar(con, "SELECT count(*) FROM review_networks"))),
        (
            "Victim-blaming phrases recorded",
            str(_scalar(con, "SELECT sum(findings) FROM review_language")),
        ),
    ]
    notes = []
    if summary and summary.missing_tables:
        notes.append(
            "The store held no " + ", ".join(summary.missing_tables) + " table; the sections "
            "that read them are empty."
        )
    if not _scalar(con, "SELECT count(*) FROM review_siloed_runs"):
        notes.append(
            "Agency pairs were not replayed, so 'raised earlier together' is not measured; "
            "'held apart' is."
        )
    return ReviewReport(
        title="Retrospective review of child sexual exploitation",
        period_from=period_from,
        period_to=period_to,
        generated_at=datetime.now().replace(microsecond=0),
        headline=headline,
        sections=sections,
        notes=notes,
    )


def _children_section(con: duckdb.DuckDBPyConnection) -> Section:
    counts = _table(
        con,
        "tier_counts",
        "Children in each tier",
        """
        WITH tiers(tier, ord) AS (VALUES ('recognised', 1), ('probable', 2), ('possible', 3))
        SELECT tiers.tier, count(t.person_id) AS children,
               count(t.person_id) FILTER (WHERE t.sex = 'F') AS girls,
               count(t.person_id) FILTER (WHERE t.sex = 'M') AS boys,
               count(t.person_id) FILTER (WHERE t.sex NOT IN ('F', 'M')) AS other_or_unknown,
               median(t.agencies_with_signals) AS median_agencies_holding_signals,
               count(t.first_flagged_at) AS flagged_by_joint_view,
               count(t.first_action_at) AS with_formal_action
        FROM tiers LEFT JOIN review_tiers t ON t.tier = tiers.tier
        GROUP BY tiers.tier, tiers.ord ORDER BY tiers.ord
        """,
        "Each child is counted once, in the highest tier their records reach by the end of "
        "the period (criteria on the first page).",
    )
    breakdowns = tuple(
        _table(
            con,
            f"tiers_by_{key}",
            f"Children by {dimension}",
            """SELECT value, recognised, probable, possible, total
               FROM review_tier_breakdown WHERE dimension = ? ORDER BY value_order""",
            description,
            params=[dimension],
            first_column=dimension,
            compact=True,
        )
        for key, dimension, description in (
            ("year", "year", "The year any agency first recorded a signal about the child."),
            ("sex", "sex", "As most of the child's records give it."),
            ("age", "age at first signal", "Whole years on the day of the first signal."),
            (
                "agencies",
                "agencies holding signals",
                "How many different agencies recorded at least one signal about the child.",
            ),
        )
    )
    per_child = _table(
        con,
        "tiers",
        "Every child in a tier",
        """SELECT person_id, records, tier, tier_reason, sex, age_group, first_signal_at,
                  first_flagged_at, first_action_at, first_action_type, peak_band, networks,
                  signals, agencies_with_signals FROM review_tiers""",
        "One row per child (pseudonymous person id and the agency records it joins).",
        shown=0,
    )
    years = con.execute(
        """SELECT value, recognised, probable, possible FROM review_tier_breakdown
           WHERE dimension = 'year' ORDER BY value_order"""
    ).fetchall()
    chart = charts.stacked_bars(
        [r[0] for r in years],
        {tier: [r[i + 1] for r in years] for i, tier in enumerate(TIERS)},
        title="Children in each tier, by year of first signal",
    )
    return Section(
        "children",
        "Estimate of children affected",
        "How many children the records show were, or may have been, sexually exploited, in "
        "three tiers of evidence. A tier is not a finding: it says how strong the evidence in "
        "the records is, and each child needs a person to review it.",
        (chart,),
        (counts, *breakdowns, per_child),
    )


def _missed_section(con: duckdb.DuckDBPyConnection) -> Section:
    by_agency = _table(
        con,
        "missed_by_agency",
        "Missed opportunities by agency",
        "SELECT * FROM review_missed_by_agency",
        "For each agency: the children in a tier it held a signal about; how many it held "
        "before the joint view would have flagged the child, and the median days from its "
        "first signal to that flag; how many it held before any formal action; and the records "
        "it closed with no further action while the child was already flaggable.",
    )
    by_year = _table(
        con,
        "missed_by_year",
        "Missed opportunities by year",
        "SELECT * FROM review_missed_by_year",
        "By the year the joint view would first have flagged the child: how many children, how "
        "many had formal action at any time, how many only after the flag, how many none by "
        "the end of the period, and the median days from flag to action. Closures are counted "
        "in the year they were recorded.",
    )
    per_child = _table(
        con,
        "missed",
        "Children with the longest gap between the joint flag and formal action",
        "SELECT * FROM review_missed",
        "For each child in a tier: the first signal and which agency held it, the date the "
        "joint view would have flagged the child, the first formal action, and the gap in days "
        "from flag to formal action (or to the end of the period if there was none).",
        shown=25,
    )
    agency_signals = _table(
        con,
        "agency_signals",
        "First signal by agency, for each child",
        "SELECT * FROM review_agency_signals ORDER BY person_id, first_signal_at",
        "The first date each agency held a signal about each child in a tier.",
        shown=0,
    )
    closures = _table(
        con,
        "nfa_closures",
        "Records closed with no further action while the child was flaggable",
        "SELECT * FROM review_nfa_closures ORDER BY recorded_on, event_id",
        "Each record about a child, recorded on or after the day the joint view would have "
        "flagged the child (and while the band was still medium or high), whose outcome was "
        "'NFA', 'no further action' or 'closed'.",
        shown=0,
    )
    rows = con.execute(
        """SELECT agency, children_signal_before_joint_flag, nfa_closures_while_flaggable
           FROM review_missed_by_agency ORDER BY agency"""
    ).fetchall()
    chart = charts.horizontal_bars(
        [r[0] for r in rows],
        {
            "children it held a signal about before the joint flag": [r[1] for r in rows],
            "records closed NFA while flaggable": [r[2] for r in rows],
        },
        title="Missed opportunities by agency",
    )
    return Section(
        "missed",
        "Missed opportunities",
        "When each agency first held a signal, when the joint view would have flagged the "
        "child, and when formal action came.",
        (chart,),
        (by_agency, by_year, per_child, agency_signals, closures),
    )


def _joined_up_section(con: duckdb.DuckDBPyConnection) -> Section:
    pairs = _table(
        con,
        "pairs_not_joined",
        "Information not joined up, by pair of agencies",
        "SELECT * FROM review_pairs_not_joined",
        "Held apart: children the joint view flagged before any formal action while both "
        "agencies already held a signal about them, and the median days from that flag to "
        "formal action (or the end of the period). Raised earlier together: children the two "
        "agencies' records together would have flagged strictly earlier than either agency's "
        "records alone (from replays of the pipeline with only those agencies), with the "
        "median days gained; 'neither alone' counts children neither agency alone would ever "
        "have flagged.",
    )
    gains = _table(
        con,
        "pair_gains",
        "Children raised earlier by a pair of agencies together",
        "SELECT * FROM review_pair_gains ORDER BY person_id, agency_a, agency_b",
        "One row per child and pair.",
        shown=0,
    )
    apart = _table(
        con,
        "held_apart",
        "Children whose signals two agencies held apart",
        "SELECT * FROM review_held_apart ORDER BY person_id, agency_a, agency_b",
        "One row per child and pair.",
        shown=0,
    )
    rows = con.execute(
        """SELECT agency_a || ' + ' || agency_b, children_held_apart,
                  coalesce(children_raised_earlier, 0)
           FROM review_pairs_not_joined ORDER BY children_held_apart DESC LIMIT 12"""
    ).fetchall()
    series = {"held apart": [r[1] for r in rows]}
    if _scalar(con, "SELECT count(*) FROM review_siloed_runs"):
        series["raised earlier together"] = [r[2] for r in rows]
    chart = charts.horizontal_bars(
        [r[0] for r in rows], series, title="Children by pair of agencies"
    )
    return Section(
        "joined_up",
        "Information not joined up",
        "Signals one agency held that, put with another agency's, would have raised the child "
        "to the medium or high band sooner.",
        (chart,),
        (pairs, gains, apart),
    )


def _language_section(con: duckdb.DuckDBPyConnection) -> Section:
    by_year = _pivot(
        con,
        "language_by_year",
        "Victim-blaming phrases by agency and year",
        "SELECT agency, kind, year, sum(findings) FROM review_language GROUP BY ALL ORDER BY ALL",
        "Phrases counted in the year they were recorded.",
        row_columns=2,
    )
    counts = _table(
        con,
        "language",
        "Victim-blaming language by agency, year and kind",
        "SELECT * FROM review_language",
        "Phrases that place responsibility on the child (for example 'putting herself at "
        "risk', 'consensual', 'lifestyle choice'), counted where they were written, with the records and children they were written about.",
        shown=0,
    )
    examples = _table(
        con,
        "language_examples",
        "Examples (pseudonymised)",
        "SELECT agency, kind, phrase, suggestion, occurrences, first_year, example"
        " FROM review_language_examples",
        "Each agency's most frequent phrases, quoted in one sentence with every name, "
        "reference, phone, vehicle, postcode, e-mail and handle replaced.",
    )
    rows = con.execute(
        """SELECT agency, year, sum(findings) FROM review_language GROUP BY agency, year
           ORDER BY year"""
    ).fetchall()
    years = sorted({r[1] for r in rows})
    agencies = sorted({r[0] for r in rows})
    lookup = {(r[0], r[1]): r[2] for r in rows}
    chart = charts.stacked_bars(
        [str(y) for y in years],
        {a: [lookup.get((a, y), 0) for y in years] for a in agencies},
        title="Victim-blaming phrases by year and agency",
        y_label="phrases",
    )
    return Section(
        "language",
        "Language",
        "How the records described the children.",
        (chart,),
        (by_year, counts, examples),
    )


def _networks_section(con: duckdb.DuckDBPyConnection) -> Section:
    summary = _table(
        con,
        "networks",
        "Networks: when each became visible",
        "SELECT * FROM review_networks ORDER BY first_visible_at, network_id",
        "A network became visible on the first date a record tied two of its members "
        "together; it was flagged on the date the joint view first rated it. People, "
        "children and adults count the members tied in by the end of the period.",
    )
    growth_grid = _pivot(
        con,
        "network_growth_by_year",
        "How each network grew: people tied in by the end of each year",
        "SELECT network_id, year, people_visible FROM review_network_growth ORDER BY ALL",
        "Children and adults the records had tied into each network by the end of each year.",
        row_columns=1,
    )
    growth = _table(
        con,
        "network_growth",
        "How each network grew",
        "SELECT * FROM review_network_growth ORDER BY network_id, year",
        "People (children, adults) tied into each network by the end of each year, and how "
        "many joined that year.",
        shown=0,
    )
    places = _table(
        con,
        "network_places",
        "Places and vehicles that recurred",
        "SELECT network_id, kind, label, people_linked, events, first_seen_at, last_seen_at"
        " FROM review_network_places ORDER BY network_id, events DESC, label",
        "Places and vehicles linked to a network's people in two or more events, or to two "
        "or more of its people.",
        shown=40,
    )
    rows = con.execute(
        """SELECT year, sum(people_joined) FILTER (WHERE true),
                  count(*) FILTER (WHERE people_joined > 0 AND people_visible = people_joined)
           FROM review_network_growth GROUP BY year ORDER BY year"""
    ).fetchall()
    chart = charts.stacked_bars(
        [str(r[0]) for r in rows],
        {"people newly tied into a network": [r[1] or 0 for r in rows]},
        title="People tied into networks, by year",
        y_label="people",
    )
    return Section(
        "networks",
        "Networks over time",
        "When each network first became visible in the records, how it grew, and the places "
        "and vehicles that kept coming up.",
        (chart,),
        (summary, growth_grid, growth, places),
    )


def value_text(value: object) -> str:
    """How a cell reads in HTML and PDF."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
