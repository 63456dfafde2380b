"""Token patterns, run only on documents that contain their anchor words.

spaCy's Matcher tries every token pattern at every token, so sixty patterns
with gaps cost more than the rest of the pipeline together. A pattern's
required slots of plain words are its *anchors*; a document that lacks a word
from any one of them cannot match, so that pattern's matcher is not run. Matches join the
EntityRuler's phrase matches and the longest wins, as in the EntityRuler.
A match never runs over a sentence's end: a gap ("concerns _ _ CSE") must not join
"no safeguarding concerns identified." to the next sentence's "CSE screening tool".
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import LOWER, SENT_START
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
        strings = nlp.vocab.strings
        # Patterns indexed by a word of their most selective slot (as lexeme hashes);
        # a pattern with no plain-word slot runs on every document.
        self.by_word: dict[int, list[int]] = {}
        self.always: list[int] = []
        self.patterns: list[tuple[list[frozenset[int]], Matcher]] = []
        for index, entry in enumerate(patterns):
            matcher = Matcher(nlp.vocab, validate=True)
            matcher.add(entry["label"], [entry["pattern"]])
            required = [
                frozenset(strings.add(w) for w in words)
                for words in required_words(entry["pattern"])
            ]
            self.patterns.append((required, matcher))
            if required:
                for word in required[0]:
                    self.by_word.setdefault(word, []).append(index)
            else:
                self.always.append(index)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        lower = doc.to_array(LOWER)
        words = set(lower.tolist())
        candidates = set(self.always)
        for word in words.intersection(self.by_word):
            candidates.update(self.by_word[word])
        candidates = {
            i for i in candidates if all(not words.isdisjoint(r) for r in self.patterns[i][0])
        }
        if not candidates:
            return doc
        # Each pattern runs only on the sentences that hold a word of each of its required
        # slots: a match never runs over a sentence's end, and spaCy's Matcher makes a Token
        # object for every token it passes (the larger part of its cost).
        is_start = doc.to_array(SENT_START) == 1
        is_start[0] = True
        bounds = [*numpy.flatnonzero(is_start).tolist(), len(doc)]
        sentences = [
            (start, end, set(lower[start:end].tolist()))
            for start, end in zip(bounds, bounds[1:], strict=False)
        ]
        spans: list[Span] = []
        for index in sorted(candidates):
            required, matcher = self.patterns[index]
            for start, end, held in sentences:
                if all(not held.isdisjoint(r) for r in required):
                    spans.extend(matcher(doc[start:end], as_spans=True))  # type: ignore[arg-type]
        if spans:
            doc.ents = filter_spans(list(doc.ents) + spans)
        return doc


@Language.factory("lantern_token_patterns", default_config={"patterns": []})
def make_anchored_patterns(
    nlp: Language, name: str, patterns: list[dict[str, Any]]
) -> AnchoredPatterns:
    return AnchoredPatterns(nlp, patterns)
