"""How much a cheap first pass could leave out: notes, sentences and tokens that hold no trigger word.

The analyser already reads a note through its pipeline only when the note holds the
trigger words of some pattern (`TextAnalyser.may_match`, docs/indicators-text.md "Reading
many narratives"). A finer first pass would read only the sentences that do. This prints,
for the timing narratives of `bench/indicators.py` and for the tuning half of the dev notes
(odd ids; the held-out file is never opened), the share of notes that pass today's test,
the share of sentences (after the sentencizer and the line-break rule) that would pass the
same test read alone, and the share of tokens in those sentences: the most such a first
pass could save. It reads no finding and changes nothing.

Run: PYTHONPATH=src python bench/text_first_pass.py [--narratives N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from indicators import corpus  # noqa: E402 - bench/indicators.py, the timing narratives

from lantern.indicators.text.analyse import shared_analyser  # noqa: E402
from lantern.indicators.text.evaluation import read_annotated  # noqa: E402

DATA = ROOT / "tests" / "datasets" / "narratives"
TUNING = ROOT / "bench" / "_work" / "text-dev" / "tune.jsonl"


def shares(texts: list[str]) -> tuple[int, int, int, int, int, int]:
    """(notes, notes passing, sentences, sentences passing, tokens, tokens passing)."""
    analyser = shared_analyser()
    triggers = analyser.triggers
    splitters = [proc for name, proc in analyser.nlp.pipeline[:2]]  # sentencizer, line breaks
    notes = notes_in = sentences = sentences_in = tokens = tokens_in = 0
    for text in texts:
        doc = analyser.nlp.make_doc(text)
        notes += 1
        notes_in += analyser.may_match(doc)
        for proc in splitters:
            doc = proc(doc)
        for sentence in doc.sents:
            sentences += 1
            tokens += len(sentence)
            if triggers is None or triggers.met_by({t.lower for t in sentence}):
                sentences_in += 1
                tokens_in += len(sentence)
    return notes, notes_in, sentences, sentences_in, tokens, tokens_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--narratives", type=int, default=3000)
    args = parser.parse_args()
    sets = {
        "bench/indicators.py narratives": corpus(
            read_annotated(DATA / "annotated.jsonl"), args.narratives
        )
    }
    if TUNING.exists():
        notes = [json.loads(line) for line in TUNING.read_text(encoding="utf-8").splitlines()]
        sets["tuning dev notes (odd ids)"] = [
            n["text"] for n in notes if int(n["id"].lstrip("d")) % 2 == 1
        ]
    print("| texts | notes passing | sentences passing | tokens in passing sentences |")
    print("|---|---|---|---|")
    for name, texts in sets.items():
        n, n_in, s, s_in, t, t_in = shares(texts)
        print(
            f"| {name} | {n_in:,}/{n:,} ({n_in / n:.1%}) | {s_in:,}/{s:,} ({s_in / s:.1%}) "
            f"| {t_in / t:.1%} |"
        )


if __name__ == "__main__":
    main()
