"""No code outside the store, the interchange format and equality monitoring may name
`equality_monitoring` or `ethnicity` (or the other protected characteristics), so no model,
indicator, link or score can read them."""

from __future__ import annotations

import re
from pathlib import Path

import lantern

SRC = Path(lantern.__file__).resolve().parent
# store/ and interchange/ load them into equality_monitoring; review/equality* reports on it;
# synth/ writes the column into the synthetic datasets it generates (it never reads it back);
# adapters/ copies a return's ethnicity into the interchange column (which the store then puts
# only in equality_monitoring), and writes it into the synthetic returns; it decides nothing by it.
ALLOWED = ("store/", "interchange/", "review/equality", "synth/", "adapters/")
WORDS = re.compile(r"equality_monitoring|ethnicity|religion|nationality", re.IGNORECASE)


def test_protected_characteristics_are_named_only_where_they_are_loaded_or_monitored():
    offenders = []
    for path in sorted(SRC.rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".sql", ".yaml", ".yml", ".html",
                                                     ".j2", ".json", ".txt"}:  # fmt: skip
            continue
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith(ALLOWED):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if WORDS.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "protected characteristics named outside store/interchange:\n" + (
        "\n".join(offenders)
    )


def test_the_check_would_catch_a_reader():
    assert WORDS.search("SELECT ethnicity FROM equality_monitoring")
