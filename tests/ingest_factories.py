"""Keyword-default factories for interchange rows, and writing them as a dataset on disk."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml


def person(agency: str = "police", person_ref: str = "P1", **fields: Any) -> dict[str, Any]:
    return {"agency": agency, "person_ref": person_ref, **fields}


def event(
    agency: str = "police",
    event_ref: str = "E1",
    event_type: str = "incident",
    occurred_at: str = "2013-01-01T10:00:00",
    **fields: Any,
) -> dict[str, Any]:
    return {
        "agency": agency,
        "event_ref": event_ref,
        "event_type": event_type,
        "occurred_at": occurred_at,
        **fields,
    }


def link(
    agency: str = "police", event_ref: str = "E1", person_ref: str = "P1", role: str = "subject"
) -> dict[str, Any]:
    return {"agency": agency, "event_ref": event_ref, "person_ref": person_ref, "role": role}


def thing(
    agency: str = "police",
    event_ref: str = "E1",
    kind: str = "vehicle",
    value: str = "AB12 CDE",
    **fields: Any,
) -> dict[str, Any]:
    return {"agency": agency, "event_ref": event_ref, "kind": kind, "value": value, **fields}


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    return columns


def write_table(path: Path, rows: list[dict[str, Any]], encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = _columns(rows)
    if encoding == "csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    elif encoding == "jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
    elif encoding == "parquet":
        data = {c: pa.array([r.get(c) for r in rows], type=pa.string()) for c in columns}
        pq.write_table(pa.table(data), path)
    else:  # pragma: no cover
        raise ValueError(encoding)


def write_dataset(
    directory: Path,
    *,
    encoding: str = "csv",
    parts: int = 1,
    name: str | None = None,
    extracted_at: str | None = None,
    **tables: list[dict[str, Any]],
) -> Path:
    """Write `tables` (people=[...], events=[...]) as a dataset; `parts` > 1 splits each table."""
    directory.mkdir(parents=True, exist_ok=True)
    if name or extracted_at:
        manifest = {"lantern_interchange": 1, "name": name, "extracted_at": extracted_at}
        (directory / "manifest.yaml").write_text(
            yaml.safe_dump({k: v for k, v in manifest.items() if v})
        )
    for table, rows in tables.items():
        if parts == 1:
            write_table(directory / f"{table}.{encoding}", rows, encoding)
            continue
        size = -(-len(rows) // parts)
        for i in range(parts):
            chunk = rows[i * size : (i + 1) * size]
            if chunk:
                write_table(directory / table / f"part-{i + 1:03d}.{encoding}", chunk, encoding)
    return directory
