"""`persons.csv` as the interchange spec defines it (for `lantern assess`)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def write_persons_csv(con: duckdb.DuckDBPyConnection, path: Path | str) -> int:
    """`person_id,records` with records `;`-separated and sorted; every record exactly once. Returns rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = con.execute(
        """
        SELECT person_id, string_agg(record_id, ';' ORDER BY record_id) AS records
        FROM persons GROUP BY person_id ORDER BY person_id
        """
    ).fetchall()
    from lantern.export_safety import csv_writer

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)  # record ids come from the agencies: escaped
        writer.writerow(["person_id", "records"])
        writer.writerows(rows)
    return len(rows)
