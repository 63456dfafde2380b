"""Proof that a change to the text layer changes no output: dump everything it reads, diff.

Reads, with the text layer of the working tree:
- the project's annotated sentences (`tests/datasets/narratives/annotated.jsonl`,
  `holdout.jsonl`, with their `subject_age`; the annotated set holds the multi-sentence
  records of `src/records.txt`);
- `bench/indicators.py`'s timing narratives (`--narratives`, the same seed and draw);
- the tuning half of the independent dev notes (`bench/_work/text-dev/tune.jsonl`, odd
  ids only; the held-out file is never opened), with their `subject_age`.

For each text it writes everything the analyser returns (every field of every finding,
the `sentence` included, the blaming language and the mentions), one JSON line, in
order. `--write FILE` keeps the dump; `--check FILE` reads again and prints the first
lines that differ (exit 1 on any difference).

Run: PYTHONPATH=src python bench/text_same_output.py --write /tmp/before.jsonl
     (change the code)
     PYTHONPATH=src python bench/text_same_output.py --check /tmp/before.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from indicators import corpus  # noqa: E402 - bench/indicators.py, the timing narratives

from lantern.indicators.text.analyse import shared_analyser  # noqa: E402
from lantern.indicators.text.evaluation import read_annotated  # noqa: E402

DATA = ROOT / "tests" / "datasets" / "narratives"
TUNING = ROOT / "bench" / "_work" / "text-dev" / "tune.jsonl"


def inputs(narratives: int) -> Iterator[tuple[str, str, int | None]]:
    """(set name, text, subject age) for every text the dump reads, in a fixed order."""
    items = read_annotated(DATA / "annotated.jsonl")
    for item in items:
        yield "annotated", item["text"], item.get("subject_age")
    for item in read_annotated(DATA / "holdout.jsonl"):
        yield "holdout", item["text"], item.get("subject_age")
    for text in corpus(items, narratives):
        yield "bench", text, None
    if TUNING.exists():
        for line in TUNING.read_text(encoding="utf-8").splitlines():
            note = json.loads(line)
            if int(note["id"].lstrip("d")) % 2 == 1:  # odd ids: the tuning half
                yield "tuning", note["text"], note.get("subject_age")
    else:
        print(f"({TUNING} absent: the tuning notes are not read)", file=sys.stderr)


def dump(narratives: int) -> Iterator[str]:
    rows = list(inputs(narratives))
    analyser = shared_analyser()
    analyses = analyser.analyse([text for _, text, _ in rows], [age for _, _, age in rows])
    for (name, text, age), analysis in zip(rows, analyses, strict=True):
        yield json.dumps(
            {"set": name, "age": age, "text": text, **asdict(analysis)}, ensure_ascii=False
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--narratives", type=int, default=30000)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--write", type=Path)
    what.add_argument("--check", type=Path)
    args = parser.parse_args()
    if args.write:
        with args.write.open("w", encoding="utf-8") as out:
            count = sum(out.write(line + "\n") > 0 for line in dump(args.narratives))
        print(f"{count} texts written to {args.write}")
        return
    before = args.check.read_text(encoding="utf-8").splitlines()
    now = list(dump(args.narratives))
    counts: dict[str, int] = {}
    differ: dict[str, int] = {}
    for k, line in enumerate(now):
        name = json.loads(line)["set"]
        counts[name] = counts.get(name, 0) + 1
        if k >= len(before) or before[k] != line:
            differ[name] = differ.get(name, 0) + 1
            if sum(differ.values()) <= 5:
                print(f"line {k + 1} differs:\n  was {before[k] if k < len(before) else '-'}")
                print(f"  now {line}")
    for name, count in counts.items():
        print(f"{name}: {count} texts, {differ.get(name, 0)} differ")
    if len(before) != len(now):
        print(f"{len(before)} lines before, {len(now)} now")
    sys.exit(1 if differ or len(before) != len(now) else 0)


if __name__ == "__main__":
    main()
