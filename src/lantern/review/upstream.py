"""The tables the review reads, with the columns docs/pipeline.md promises.

The review needs the store, resolve, indicators and score tables; graph and
language tables are optional (a partnership may run without them), so a
missing optional table is stood in for by an empty temporary one with the
contract's columns and the report says it had nothing to read.
"""

from __future__ import annotations

import duckdb

from lantern.errors import StoreError
from lantern.store.connection import existing_tables

CONTRACT: dict[str, str] = {
    "people": """record_id VARCHAR, agency VARCHAR, person_ref VARCHAR, given_name VARCHAR,
        family_name VARCHAR, other_names VARCHAR, date_of_birth DATE, birth_year INTEGER,
        sex VARCHAR""",
    "events": """event_id VARCHAR, agency VARCHAR, event_ref VARCHAR, event_type VARCHAR,
        occurred_at TIMESTAMP, recorded_at TIMESTAMP, narrative VARCHAR, outcome VARCHAR,
        codes VARCHAR""",
    "event_people": """event_id VARCHAR, record_id VARCHAR, agency VARCHAR, event_ref VARCHAR,
        person_ref VARCHAR, role VARCHAR""",
    "persons": "record_id VARCHAR, person_id VARCHAR",
    "indicator_hits": """hit_id VARCHAR, indicator VARCHAR, category VARCHAR, weight DOUBLE,
        agency VARCHAR, event_id VARCHAR, record_id VARCHAR, occurred_at TIMESTAMP,
        recorded_at TIMESTAMP, source VARCHAR, evidence VARCHAR, legal_floor VARCHAR,
        concern VARCHAR, text_layer VARCHAR""",
    "assessments": """person_id VARCHAR, kind VARCHAR, score DOUBLE, band VARCHAR,
        first_flagged_at DATE, network_ids VARCHAR, top_reasons VARCHAR, as_of DATE,
        linked_children INTEGER""",
    "score_history": 'person_id VARCHAR, "at" DATE, score DOUBLE, band VARCHAR',
    "language_findings": """agency VARCHAR, event_id VARCHAR, record_id VARCHAR, kind VARCHAR,
        phrase VARCHAR, span_start INTEGER, span_end INTEGER, suggestion VARCHAR,
        occurred_at TIMESTAMP, recorded_at TIMESTAMP, child_age_years INTEGER""",
    "graph_nodes": "node_id VARCHAR, kind VARCHAR, label VARCHAR",
    "graph_edges": """src VARCHAR, dst VARCHAR, kind VARCHAR, weight DOUBLE,
        first_available_at TIMESTAMP, last_occurred_at TIMESTAMP, n_events INTEGER,
        evidence JSON""",
    "networks": "network_id VARCHAR, node_id VARCHAR, role_in_network VARCHAR",
    "network_assessments": """network_id VARCHAR, child_count INTEGER, adult_count INTEGER,
        score DOUBLE, first_flagged_at DATE""",
}

REQUIRED = ("people", "events", "event_people", "persons", "indicator_hits", "assessments")
OPTIONAL = tuple(name for name in CONTRACT if name not in REQUIRED)


def prepare(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Check the required tables exist; stand in for missing optional ones.

    Returns the optional tables that were missing (so the report can say so).
    """
    present = existing_tables(con, main_only=False)  # temporary stand-ins count
    missing = [name for name in REQUIRED if name not in present]
    if missing:
        raise StoreError(
            "the store lacks " + ", ".join(missing) + "; run the pipeline (`lantern assess` "
            "or ingest → score) before `lantern review`"
        )
    absent = [name for name in OPTIONAL if name not in present]
    for name in absent:
        con.execute(f"CREATE TEMP TABLE {name} ({CONTRACT[name]})")
    _source_views(con, present)
    return absent


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    ).fetchall()
    return {name for (name,) in rows}


def _source_views(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
    """Views that pick the right source where the score stage is more precise than the contract.

    * `review_source_persons`: the score stage's own record → person map on its
      assessment date (`score_persons`) when it wrote one — the person ids in
      `assessments` are those — otherwise resolve's `persons`.
    * `review_source_score_history`: band changes on the child track only, when
      the score keeps a `track` column (a person may be scored as an adult too).
    """
    if "score_persons" in present:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW review_source_persons AS"
            " SELECT record_id, person_id FROM score_persons"
        )
    else:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW review_source_persons AS"
            " SELECT record_id, person_id FROM persons"
        )
    if "track" in _columns(con, "score_history"):
        con.execute(
            "CREATE OR REPLACE TEMP VIEW review_source_score_history AS"
            " SELECT person_id, \"at\", band FROM score_history WHERE track = 'child'"
        )
    else:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW review_source_score_history AS"
            ' SELECT person_id, "at", band FROM score_history'
        )


def create_contract_tables(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = ()) -> None:
    """Create empty tables with the contract's columns (for tests and hand-built stores)."""
    for name in names or tuple(CONTRACT):
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({CONTRACT[name]})")
