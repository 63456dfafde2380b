"""Score the text analyser against an annotated set (tests/datasets/narratives/annotated.jsonl).

Each annotated sentence lists the findings expected in it with a context:
`A` affirmed and about the child, `N` negated, `H` hypothetical or advice,
`O` someone else's. A finding's predicted context is `H` if hypothetical (advice
not to do something is advice), else `N` if negated, else `O` if the experiencer is someone else, else `A`.

- Affirmed precision and recall, per category: predicted `A` findings
  against expected `A` findings (per sentence and indicator).
- Detection and context, per context: of the expected findings with that
  context, how many the analyser found at all, and of those, how many it
  gave the right context.
- Language: victim-blaming phrases found against expected, by kind.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lantern.indicators.catalogue import default_catalogue
from lantern.indicators.text.analyse import Analysis, Finding

CONTEXTS = {"A": "affirmed", "N": "negated", "H": "hypothetical", "O": "other person"}


def read_annotated(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def context_of(finding: Finding) -> str:
    if finding.hypothetical:
        return "H"
    if finding.negated:
        return "N"
    if finding.experiencer != "subject":
        return "O"
    return "A"


@dataclass
class PR:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Scores:
    sentences: int = 0
    affirmed: PR = field(default_factory=PR)
    by_category: dict[str, PR] = field(default_factory=lambda: defaultdict(PR))
    expected_by_context: Counter = field(default_factory=Counter)
    found_by_context: Counter = field(default_factory=Counter)
    right_by_context: Counter = field(default_factory=Counter)
    language: PR = field(default_factory=PR)
    errors: list[str] = field(default_factory=list)

    def context_accuracy(self, context: str) -> float:
        found = self.found_by_context[context]
        return self.right_by_context[context] / found if found else 1.0

    def detection(self, context: str) -> float:
        expected = self.expected_by_context[context]
        return self.found_by_context[context] / expected if expected else 1.0

    def negation_hypothetical_accuracy(self) -> float:
        found = sum(self.found_by_context[c] for c in "NH")
        right = sum(self.right_by_context[c] for c in "NH")
        return right / found if found else 1.0


def score(items: list[dict], analyses: Iterable[Analysis]) -> Scores:
    categories = {i.id: i.category for i in default_catalogue().indicators}
    scores = Scores()
    for item, analysis in zip(items, analyses, strict=True):
        scores.sentences += 1
        predicted: dict[str, set[str]] = defaultdict(set)
        for finding in analysis.hits:
            predicted[finding.indicator].add(context_of(finding))
        expected = {(e["indicator"], e["context"]) for e in item["expected"]}
        expected_affirmed = {i for i, c in expected if c == "A"}
        predicted_affirmed = {i for i, contexts in predicted.items() if "A" in contexts}
        for indicator in expected_affirmed | predicted_affirmed:
            pr = scores.by_category[categories[indicator]]
            if indicator in expected_affirmed and indicator in predicted_affirmed:
                pr.tp += 1
                scores.affirmed.tp += 1
            elif indicator in predicted_affirmed:
                pr.fp += 1
                scores.affirmed.fp += 1
                scores.errors.append(f"FP {indicator}: {item['text']}")
            else:
                pr.fn += 1
                scores.affirmed.fn += 1
                scores.errors.append(f"FN {indicator}: {item['text']}")
        for indicator, context in expected:
            scores.expected_by_context[context] += 1
            if indicator in predicted:
                scores.found_by_context[context] += 1
                if context in predicted[indicator]:
                    scores.right_by_context[context] += 1
                else:
                    got = ",".join(sorted(predicted[indicator]))
                    scores.errors.append(f"CTX {indicator} {context}→{got}: {item['text']}")
            elif context != "A":
                scores.errors.append(f"MISS {indicator} ({context}): {item['text']}")
        kinds_found = {lang.phrase_id for lang in analysis.language}
        kinds_expected = set(item["language"])
        scores.language.tp += len(kinds_found & kinds_expected)
        scores.language.fp += len(kinds_found - kinds_expected)
        scores.language.fn += len(kinds_expected - kinds_found)
        for kind in kinds_found ^ kinds_expected:
            tag = "LANG-FP" if kind in kinds_found else "LANG-FN"
            scores.errors.append(f"{tag} {kind}: {item['text']}")
    return scores
