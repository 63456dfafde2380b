"""Finding a dataset's tables on disk and reading its manifest.

A dataset is a directory. Each table is one file named after it (`people.csv`,
`people.parquet`, `people.jsonl`) or a sub-directory of parts (`events/part-001.csv`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lantern.errors import DatasetError
from lantern.interchange.schema import TABLES

ENCODINGS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}


@dataclass(frozen=True)
class TableFile:
    """One file holding (part of) one table."""

    table: str
    path: Path
    name: str  # path relative to the dataset directory, as shown in messages
    encoding: str  # csv, parquet or jsonl


@dataclass(frozen=True)
class Manifest:
    name: str
    extracted_at: dt.datetime | None
    version: int | None


@dataclass
class Dataset:
    path: Path
    manifest: Manifest
    files: list[TableFile]
    ignored: list[str] = field(default_factory=list)  # files that belong to no table

    @property
    def name(self) -> str:
        return self.manifest.name

    def files_for(self, table: str) -> list[TableFile]:
        return [f for f in self.files if f.table == table]


def read_manifest(directory: Path) -> Manifest:
    path = directory / "manifest.yaml"
    if not path.exists():
        return Manifest(name=directory.resolve().name, extracted_at=None, version=None)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path}: manifest.yaml is not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise DatasetError(f"{path}: manifest.yaml must be a mapping of name: value")
    problems = []
    version = data.get("lantern_interchange")
    if version is not None and version != 1:
        problems.append(f"lantern_interchange is {version!r}; this Lantern reads version 1")
    extracted = data.get("extracted_at")
    if isinstance(extracted, str):
        try:
            extracted = dt.datetime.fromisoformat(extracted.replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"extracted_at {extracted!r} is not an ISO 8601 timestamp")
            extracted = None
    elif isinstance(extracted, dt.date) and not isinstance(extracted, dt.datetime):
        extracted = dt.datetime.combine(extracted, dt.time())
    elif extracted is not None and not isinstance(extracted, dt.datetime):
        problems.append(f"extracted_at {extracted!r} is not an ISO 8601 timestamp")
        extracted = None
    if problems:
        raise DatasetError(f"{path}: manifest.yaml has problems", problems)
    if isinstance(extracted, dt.datetime) and extracted.tzinfo is not None:
        from zoneinfo import ZoneInfo

        extracted = extracted.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)
    return Manifest(
        name=str(data.get("name") or directory.resolve().name),
        extracted_at=extracted,
        version=version,
    )


def open_dataset(directory: Path | str) -> Dataset:
    """Find every table file in `directory`; a `DatasetError` if there is nothing to load."""
    directory = Path(directory)
    if not directory.exists():
        raise DatasetError(f"{directory}: no such dataset directory")
    if not directory.is_dir():
        raise DatasetError(f"{directory}: a dataset is a directory of table files")
    manifest = read_manifest(directory)
    files: list[TableFile] = []
    ignored: list[str] = []
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith(".") or entry.name in ("manifest.yaml", "README.md"):
            continue
        if entry.is_dir() and entry.name in TABLES:
            parts = sorted(p for p in entry.rglob("*") if p.is_file())
            for part in parts:
                if part.name.startswith("."):
                    continue
                encoding = ENCODINGS.get(part.suffix.lower())
                name = part.relative_to(directory).as_posix()
                if encoding is None:
                    ignored.append(name)
                else:
                    files.append(TableFile(entry.name, part, name, encoding))
        elif entry.is_file() and entry.stem in TABLES and entry.suffix.lower() in ENCODINGS:
            files.append(TableFile(entry.stem, entry, entry.name, ENCODINGS[entry.suffix.lower()]))
        else:
            ignored.append(entry.name + ("/" if entry.is_dir() else ""))
    if not files:
        expected = ", ".join(f"{t}.csv" for t in TABLES)
        raise DatasetError(
            f"{directory}: no interchange tables found (expected files such as {expected}, "
            "or .parquet/.jsonl, or a sub-directory per table)"
        )
    return Dataset(path=directory, manifest=manifest, files=files, ignored=ignored)
