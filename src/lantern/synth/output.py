"""Streaming the county to disk: the interchange tables and the ground truth, row by row."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

DATASET_TABLES: dict[str, tuple[str, ...]] = {
    "people": (
        "agency",
        "person_ref",
        "given_name",
        "family_name",
        "other_names",
        "date_of_birth",
        "birth_year",
        "sex",
        "nhs_number",
        "upn",
        "postcode",
        "address",
        "phone",
        "email",
        "ethnicity",
    ),
    "events": (
        "agency",
        "event_ref",
        "event_type",
        "occurred_at",
        "recorded_at",
        "ended_at",
        "postcode",
        "place_name",
        "narrative",
        "outcome",
        "codes",
    ),
    "event_people": ("agency", "event_ref", "person_ref", "role"),
    "event_things": ("agency", "event_ref", "kind", "value", "role", "description"),
    "disruption_actions": (
        "agency",
        "action_ref",
        "action",
        "target_kind",
        "person_ref",
        "target_value",
        "started_on",
        "ended_on",
        "recorded_at",
        "owner",
        "outcome",
        "notes",
    ),
}

TRUTH_TABLES: dict[str, tuple[str, ...]] = {
    "records": ("agency", "person_ref", "person_id"),
    "persons": (
        "person_id",
        "kind",
        "detail",
        "sex",
        "date_of_birth",
        "given_name",
        "family_name",
        "household",
    ),
    "victims": (
        "person_id",
        "network_id",
        "sex",
        "date_of_birth",
        "groomed_from",
        "first_signal_date",
        "recognition_date",
        "recognition_kind",
        "recruited_by",
        "prompt_recognition_date",
    ),
    "networks": ("network_id", "started", "ended", "adult_count", "child_count", "places"),
    "network_members": ("network_id", "person_id", "role", "nicknames"),
    "network_things": ("network_id", "kind", "value", "owner_person_id", "description"),
    "other_groups": ("group_id", "kind", "person_id", "role"),
    "signal_events": ("agency", "event_ref", "person_id", "scenario", "network_id"),
    "evidence_plants": (
        "plant",
        "network_id",
        "person_id",
        "adult_person_id",
        "agency",
        "event_ref",
        "day",
    ),
    "disruptions": (
        "network_id",
        "agency",
        "action_ref",
        "action",
        "target_kind",
        "target",
        "started_on",
        "effect",
        "replacement",
    ),
}


class TableWriter:
    """One CSV file per table, header first, rows appended as they are made."""

    def __init__(self, directory: Path, tables: dict[str, tuple[str, ...]]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, Any] = {}
        self.counts: dict[str, int] = dict.fromkeys(tables, 0)
        for name, columns in tables.items():
            handle = open(
                directory / f"{name}.csv", "w", newline="", encoding="utf-8", buffering=1 << 20
            )
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            self._files[name] = handle
            self._writers[name] = writer

    def row(self, table: str, values: tuple[Any, ...] | list[Any]) -> None:
        self._writers[table].writerow(values)
        self.counts[table] += 1

    def rows(self, table: str, values: list[tuple[Any, ...]]) -> None:
        self._writers[table].writerows(values)
        self.counts[table] += len(values)

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
