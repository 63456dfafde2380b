"""Build annotated.jsonl from the hand-written sources in src/ (one sentence a line).

A source line is `TAGS || sentence`. TAGS are space-separated:
`indicator:A` (affirmed, about the child), `indicator:N` (negated),
`indicator:H` (hypothetical or advice), `indicator:O` (someone else's),
`lang=kind` (a victim-blaming phrase expected), `age=N` (the child's age),
or `-` for a sentence with nothing to find.

Run: python tests/datasets/narratives/make_annotated.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def parse(line: str, ident: str) -> dict:
    tags, text = (part.strip() for part in line.split("||", 1))
    item: dict = {"id": ident, "text": text, "expected": [], "language": []}
    for tag in tags.split():
        if tag == "-":
            continue
        if tag.startswith("age="):
            item["subject_age"] = int(tag[4:])
        elif tag.startswith("lang="):
            item["language"].append(tag[5:])
        else:
            indicator, context = tag.split(":")
            item["expected"].append({"indicator": indicator, "context": context})
    return item


def build(folder: str, name: str) -> None:
    items = []
    for source in sorted((HERE / folder).glob("*.txt")):
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                items.append(parse(line, f"{source.stem}-{number}"))
    out = HERE / name
    out.write_text(
        "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
    )
    print(f"wrote {len(items)} sentences to {out}")


def main() -> None:
    build("src", "annotated.jsonl")
    # Written after the patterns were last changed, to measure them on unseen sentences.
    build("holdout", "holdout.jsonl")


if __name__ == "__main__":
    main()
