"""The graph stage's inputs: checking the upstream tables and naming each SQL step's output.

The graph reads the store (`events`, `event_people`, `people`), resolve
(`persons`, `person_records`, `things`, `thing_mentions`) and indicators
(`indicator_hits`, `text_mentions`). `persons`, `person_records`, `events` and
`event_people` are required; the others may be absent (an empty view of the
contract's columns stands in, and the summary says so), so the graph can be
built before every upstream stage has run.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from lantern.errors import StoreError
from lantern.indicators.text.layers import SCORED_BY_DEFAULT
from lantern.sql import sql_list
from lantern.store.connection import existing_tables

REQUIRED = ("events", "event_people", "persons", "person_records")

# Optional inputs: the columns the graph reads, with their types, for an empty stand-in.
OPTIONAL: dict[str, dict[str, str]] = {
    "people": {
        "record_id": "VARCHAR",
        "given_name": "VARCHAR",
        "family_name": "VARCHAR",
        "other_names": "VARCHAR",
    },
    "things": {
        "thing_id": "VARCHAR",
        "kind": "VARCHAR",
        "value_norm": "VARCHAR",
        "display": "VARCHAR",
    },
    "thing_mentions": {
        "thing_id": "VARCHAR",
        "event_id": "VARCHAR",
        "record_id": "VARCHAR",
        "agency": "VARCHAR",
        "source": "VARCHAR",
        "role": "VARCHAR",
        "description": "VARCHAR",
        "occurred_at": "TIMESTAMP",
        "recorded_at": "TIMESTAMP",
    },
    "indicator_hits": {
        "hit_id": "VARCHAR",
        "indicator": "VARCHAR",
        "category": "VARCHAR",
        "weight": "DOUBLE",
        "agency": "VARCHAR",
        "event_id": "VARCHAR",
        "record_id": "VARCHAR",
        "occurred_at": "TIMESTAMP",
        "recorded_at": "TIMESTAMP",
        "concern": "VARCHAR",
        "text_layer": "VARCHAR",
        "relation": "VARCHAR",
    },
    "text_mentions": {
        "event_id": "VARCHAR",
        "agency": "VARCHAR",
        "kind": "VARCHAR",
        "value": "VARCHAR",
        "value_norm": "VARCHAR",
        "occurred_at": "TIMESTAMP",
        "recorded_at": "TIMESTAMP",
    },
}


def prepare_inputs(
    con: duckdb.DuckDBPyConnection,
    scored_text_layers: Sequence[str] | None = SCORED_BY_DEFAULT,
) -> list[str]:
    """Check required tables; create `graph_in_<name>` views for the optional ones.

    `graph_in_indicator_hits` holds the hits the score counts: a text hit only when its
    `text_layer` is one of `scored_text_layers` (None: every layer). The default is the
    layers the shipped weights score (`child.scored_text_layers`, `[patterns]`): a hit only
    the concept layer read is shown to a person, not evidence for an edge, a network's
    concern or an adult's evidence picture, as it is no sign for the score's links either.
    Returns the optional inputs that were missing (each stands in as empty).
    """
    present = existing_tables(con)
    missing_required = [name for name in REQUIRED if name not in present]
    if missing_required:
        raise StoreError(
            "the graph needs " + ", ".join(missing_required) + "; run `lantern ingest` and "
            "`lantern resolve` first"
        )
    absent = []
    for name, columns in OPTIONAL.items():
        if name in present:
            have = {
                col
                for (col,) in con.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'main' AND table_name = ?",
                    [name],
                ).fetchall()
            }
            select = ", ".join(
                col if col in have else f"CAST(NULL AS {kind}) AS {col}"
                for col, kind in columns.items()
            )
            where = ""
            if name == "indicator_hits" and scored_text_layers is not None:
                # structured, code and legal hits have no text layer (a legal hit resting on
                # a text finding takes that finding's layer, as the score reads it)
                layers = sql_list(scored_text_layers)
                where = f" WHERE text_layer IS NULL OR list_contains({layers}, text_layer)"
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW graph_in_{name} AS SELECT {select} FROM {name}{where}"  # noqa: S608
            )
        else:
            absent.append(name)
            nulls = ", ".join(f"CAST(NULL AS {kind}) AS {col}" for col, kind in columns.items())
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW graph_in_{name} AS SELECT {nulls} WHERE false"
            )
    return absent


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0]  # noqa: S608
    return int(row[0]) if row else 0
