"""Token patterns, run only on documents that contain their anchor words.

spaCy's Matcher tries every token pattern at every token, so sixty patterns
with gaps cost more than the rest of the pipeline together. A pattern's
required slots of plain words are its *anchors*; a document that lacks a word
from any one of them cannot match, so that pattern's matcher is not run. Matches join the
EntityRuler's phrase matches and the longest wins, as in the EntityRuler.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

# Words so common that a slot made of them filters out few documents.
COMMON = frozenset(
    "a an the and or but to of in on at by for with from into as is was were be been being "
    "has have had having he she her him his they them their it this that who which not no "
    "man men male males adult adults older woman women guy guys up off out".split()
)


def required_words(pattern: list[dict[str, Any]]) -> list[frozenset[str]]:
    """For each required plain-word slot, its words: a match needs one word from each."""
    required = []
    for slot in pattern:
        if slot.get("OP") in ("?", "*") or "OP" in slot and not set(slot) - {"OP"}:
            continue
        lower = slot.get("LOWER")
        if isinstance(lower, str):
            required.append(frozenset({lower}))
        elif isinstance(lower, dict) and "IN" in lower:
            required.append(frozenset(lower["IN"]))
    # Most selective first, so a document is usually ruled out at the first test.
    return sorted(required, key=lambda words: (len(words & COMMON), len(words)))


class AnchoredPatterns:
    def __init__(self, nlp: Language, patterns: list[dict[str, Any]]) -> None:
        self.patterns: list[tuple[list[frozenset[str]], Matcher]] = []
        for entry in patterns:
            matcher = Matcher(nlp.vocab, validate=True)
            matcher.add(entry["label"], [entry["pattern"]])
            self.patterns.append((required_words(entry["pattern"]), matcher))

    def __call__(self, doc: Doc) -> Doc:
        words = {token.lower_ for token in doc}
        spans: list[Span] = []
        for required, matcher in self.patterns:
            if all(not words.isdisjoint(r) for r in required):
                spans.extend(matcher(doc, as_spans=True))  # type: ignore[arg-type]
        if spans:
            doc.ents = filter_spans(list(doc.ents) + spans)
        return doc


@Language.factory("lantern_token_patterns", default_config={"patterns": []})
def make_anchored_patterns(
    nlp: Language, name: str, patterns: list[dict[str, Any]]
) -> AnchoredPatterns:
    return AnchoredPatterns(nlp, patterns)
