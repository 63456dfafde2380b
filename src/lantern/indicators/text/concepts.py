"""Concepts composed by proximity (`concepts.yaml`): the second layer of reading a note.

The phrase and token patterns of `patterns.yaml` find fixed wordings. Case notes
written by other people say the same things in other words, abbreviated and
misspelled: "picks him up most days in a white Golf R", "MFH x6", "aquiring
expensive things". This layer tags each token with the *concepts* it expresses
(a word class in any inflection, an agency abbreviation, a number that reads as
an adult's age, a misspelling of a concept word) and then finds *compositions*
of concepts close together in one sentence. Every match is a span of the
note's own words, so every finding still shows the words it rests on.

The component runs after the sentencizer and the fixed patterns, and writes
`doc.spans["lantern"]`: the fixed patterns' entities plus the concept matches
that no fixed match of the same category already covers. Negation (negspacy)
and the other context rules then read that span group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml
from spacy.attrs import IS_ALPHA, IS_TITLE
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

CONCEPTS_PATH = Path(__file__).with_name("concepts.yaml")
SPAN_KEY = "lantern"

_NUMBER = re.compile(r"^\d{1,3}$")
_DECADE = re.compile(r"(?:^|[^0-9])[2-7]0'?s\b|^(?:twenties|thirties|forties|fifties|sixties)$")
_YEAR_OLD = re.compile(r"(?:^|\D)(19[0-9]{2})$")
_TIME = re.compile(r"^(?:[01]\d|2[0-3])[0-5]\d(?:hrs|h)?$|^\d{1,2}(?:am|pm|\.\d\d|:\d\d)$")
_PERCENT = re.compile(r"^(\d{1,3})%$")
_LIKE_NUM = re.compile(r"^[\d.,]+$")
_MONEY_AMOUNT = re.compile(r"^\d[\d,]*(?:\.\d\d)?(?:-£?\d[\d,]*)?k?$")
# Words after a number that make it a time, an amount or a count, not an age.
_NOT_AGE_AFTER = frozenset(
    "% hrs hr hours hour mins minutes min secs seconds days day nights night weeks week wks "
    "wk months month times x am pm mph miles km metres meters sessions episodes calls "
    "texts messages reports incidents pence p percent pupils children people kids girls "
    "boys units mg ml tablets pills / : th st nd rd".split()
)
_NOT_AGE_BEFORE = frozenset(
    "£ $ # no no. number flat room ref route bus junction j m x at / : - year y yr "
    "page para section s. s top over under since until till from to by".split()
)
# Capitalised words that are not names or places.
NOT_NAMES = frozenset(
    "i im i'm mum mother dad father nan gran police pc ps dc ds sw fc staff school college "
    "year y monday tuesday wednesday thursday friday saturday sunday january february "
    "march april may june july august september october november december jan feb mar "
    "apr jun jul aug sep sept oct nov dec xmas christmas easter summer winter spring "
    "autumn english maths science pe art music history geography csc mash cse cce nfa "
    "she he they her his him it the a an and but or no not yp cyp ip pt child "
    "carer carers manager team hospital ed a&e gp court town city centre".split()
)
_COLOURS = frozenset(
    "black white silver grey gray red blue maroon green yellow orange gold purple dark "
    "navy brown beige bronze".split()
)


@dataclass(frozen=True)
class Slot:
    kind: str  # "concept", "literal", "computed"
    value: Any  # a concept name, a frozenset of words, a computed name
    gap: int  # tokens allowed between the previous slot and this one
    either_side: bool  # this slot may come before the previous one


@dataclass(frozen=True)
class Rule:
    label: str
    text: str
    slots: tuple[Slot, ...]


def _parse_rule(label: str, text: str) -> Rule:
    slots: list[Slot] = []
    gap, either = 0, False
    for part in text.split():
        m = re.fullmatch(r"(<)?~(\d+)(>)?", part)
        if m:
            gap, either = int(m.group(2)), bool(m.group(1))
            continue
        if part.startswith("@"):
            slot = Slot("computed", part[1:], gap, either)
        elif part.isupper() and re.fullmatch(r"[A-Z_]+", part):
            slot = Slot("concept", part, gap, either)
        else:
            words = frozenset(w.lstrip("=").lower() for w in part.split("|"))
            slot = Slot("literal", words, gap, either)
        slots.append(slot)
        gap, either = 0, False
    return Rule(label, text, tuple(slots))


@cache
def load_concepts(path: Path = CONCEPTS_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _inflections(word: str) -> set[str]:
    from lemminflect import getAllInflections

    forms = {word}
    for values in getAllInflections(word).values():
        forms.update(values)
    return forms


class ConceptReader:
    """Tags tokens with concepts and finds the compositions of `concepts.yaml`."""

    def __init__(self, nlp: Language, data: dict[str, Any] | None = None) -> None:
        data = data or load_concepts()
        self.nlp = nlp
        vocabulary: dict[str, set[str]] = {}  # concept -> lower-case phrases
        exact_case: dict[str, set[str]] = {}  # concept -> case-sensitive phrases
        for concept, entries in data["concepts"].items():
            for entry in entries:
                entry = str(entry)
                exact = entry.startswith("=")
                phrase = entry.lstrip("=")
                if any(ch.isupper() for ch in phrase):
                    exact_case.setdefault(concept, set()).add(phrase)
                    continue
                forms = {phrase} if exact or " " in phrase else _inflections(phrase)
                vocabulary.setdefault(concept, set()).update(f.lower() for f in forms)
        for abbreviation, concept in data["abbreviations"].items():
            target = exact_case if any(ch.isupper() for ch in abbreviation) else vocabulary
            target.setdefault(concept, set()).add(str(abbreviation))
        self.phrases = {c: set(v) for c, v in vocabulary.items()}
        for c, v in exact_case.items():
            self.phrases.setdefault(c, set()).update(v)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for concept, phrases in vocabulary.items():
            self.matcher.add(concept, [nlp.make_doc(p) for p in sorted(phrases)])
        self.case_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for concept, phrases in exact_case.items():
            self.case_matcher.add(concept, [nlp.make_doc(p) for p in sorted(phrases)])
        # single words per concept, for words joined by "/" ("CT/GC") and misspellings
        self.word_concepts: dict[str, set[str]] = {}
        for concept, phrases in vocabulary.items():
            for p in phrases:
                if " " not in p:
                    self.word_concepts.setdefault(p, set()).add(concept)
        self.fuzzy_targets = sorted(w for w in self.word_concepts if len(w) >= 6 and w.isalpha())
        self.rules = [
            _parse_rule(label, text) for label, texts in data["compose"].items() for text in texts
        ]
        # per rule, the concepts it needs found and the literal word sets it needs held: a
        # rule is tried only when both are (one set test, not a loop over its slots)
        self._rule_needs = [
            (
                rule,
                frozenset(slot.value for slot in rule.slots if slot.kind == "concept"),
                tuple(slot.value for slot in rule.slots if slot.kind == "literal"),
            )
            for rule in self.rules
        ]
        # and indexed by one concept each needs (the rarest-looking: the last), so a note is
        # tested only against the rules whose concept it holds; rules needing no concept are
        # tested on every note
        self._rules_by_concept: dict[str, list[int]] = {}
        self._rules_always: list[int] = []
        for index, (_, needed, _) in enumerate(self._rule_needs):
            if needed:
                key = max(needed, key=lambda c: (len(c), c))
                self._rules_by_concept.setdefault(key, []).append(index)
            else:
                self._rules_always.append(index)
        self.unless = {label: set(v) for label, v in (data.get("unless") or {}).items()}
        self.explained_by = {label: set(v) for label, v in (data.get("explained_by") or {}).items()}
        # an explanation or an exception may be a composition ("CORRECTION ~2 PEER"):
        # matched like a rule, and found under its own text
        self.explain_rules = [
            _parse_rule("_explains", text)
            for texts in (*self.explained_by.values(), *self.unless.values())
            for text in sorted(texts)
            if " " in text
        ]
        self._explain_by_text = {rule.text: rule for rule in self.explain_rules}
        self.overrides = {label: set(v) for label, v in (data.get("overrides") or {}).items()}
        self.street_words = frozenset(str(w).lower() for w in data.get("street_words") or ())
        self.last_found: dict[str, list[tuple[int, int]]] = {}
        self._last_context: tuple[Any, Any, Any] = ({}, None, [])
        self._fuzzy_cache: dict[str, set[str]] = {}

    # ------------------------------------------------------------ triggers

    def requirements(self) -> list[tuple[frozenset[str], ...]] | None:
        """Per rule, the words a text needs (one from each set); None if some rule can
        match on computed concepts alone (then every text must be read)."""
        first_words: dict[str, set[str]] = {}
        for concept, words in self._all_first_words().items():
            first_words[concept] = words
        out: list[tuple[frozenset[str], ...]] = []
        for rule in self.rules:
            required: list[frozenset[str]] = []
            for slot in rule.slots:
                if slot.kind == "concept":
                    required.append(frozenset(first_words.get(slot.value, set())))
                elif slot.kind == "literal":
                    required.append(slot.value)
                elif slot.value in _COMPUTED_TRIGGERS:
                    required.append(_COMPUTED_TRIGGERS[slot.value])
            if not required:
                return None
            out.append(tuple(required))
        return out

    def _all_first_words(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for concept, phrases in self.phrases.items():
            for phrase in phrases:
                doc = self.nlp.make_doc(phrase)
                if len(doc):
                    out.setdefault(concept, set()).add(doc[0].lower_)
        for word, concepts in self.word_concepts.items():
            for concept in concepts:
                out.setdefault(concept, set()).add(word)
        return out

    # ------------------------------------------------------------ matching

    def occurrences(
        self, doc: Doc, lowers: list[str] | None = None, starts: list[bool] | None = None
    ) -> dict[str, list[tuple[int, int]]]:
        """Concept -> (start, end) token spans where the doc expresses it."""
        strings = self.nlp.vocab.strings
        found: dict[str, list[tuple[int, int]]] = {}
        if lowers is None or starts is None:
            lowers = [t.lower_ for t in doc]
            starts = [bool(t.is_sent_start) for t in doc]
        n = len(lowers)
        for matcher in (self.matcher, self.case_matcher):
            for match_id, start, end in matcher(doc):
                # "a flat in Brook St": a capitalised word before a street word is an address
                if end < n and lowers[end] in self.street_words and doc[start].is_title:
                    continue
                found.setdefault(strings[match_id], []).append((start, end))
        flags = doc.to_array([IS_ALPHA, IS_TITLE]).tolist()
        for i, lower in enumerate(lowers):
            alpha, title = flags[i]
            if not alpha:
                if "/" in lower and len(lower) > 3:
                    for part in lower.split("/"):
                        for concept in self.word_concepts.get(part, ()):
                            found.setdefault(concept, []).append((i, i + 1))
                continue
            # a capitalised word inside a sentence is a name ("Hanover Tower"), not a misspelling
            if title and not starts[i]:
                continue
            if len(lower) >= 6 and lower not in self.word_concepts:
                for concept in self._fuzzy(lower):
                    found.setdefault(concept, []).append((i, i + 1))
        return found

    def _fuzzy(self, lower: str) -> set[str]:
        """Concepts of the concept word `lower` misspells, if it is no English word."""
        cached = self._fuzzy_cache.get(lower)
        if cached is not None:
            return cached
        from lemminflect import getAllLemmas

        concepts: set[str] = set()
        if not getAllLemmas(lower):
            import jellyfish

            limit = 1 if len(lower) < 9 else 2
            for target in self.fuzzy_targets:
                if abs(len(target) - len(lower)) > limit or target[0] != lower[0]:
                    continue
                if jellyfish.damerau_levenshtein_distance(lower, target) <= limit:
                    concepts |= self.word_concepts[target]
        if len(self._fuzzy_cache) < 100_000:
            self._fuzzy_cache[lower] = concepts
        return concepts

    def matches(self, doc: Doc) -> list[Span]:
        from lantern.indicators.text.people import token_lists

        texts, lowers, starts = token_lists(doc)
        found = self.occurrences(doc, lowers, starts)
        self.last_found = found
        sentence = list(accumulate(1 if s else 0 for s in starts))
        sentence.append(sentence[-1] + 1 if sentence else 0)
        positions: dict[str, list[int]] = {}
        for i, lower in enumerate(lowers):
            positions.setdefault(lower, []).append(i)
        computed = _Computed(doc, found, texts, lowers, starts)
        # the compositions that explain or except a sign are matched only when a sign asks
        # for them (`explanation`), not on every note
        self._last_context = (positions, computed, sentence)
        spans: list[Span] = []
        held = set(found)
        words = positions.keys()
        candidates = set(self._rules_always)
        for concept in held.intersection(self._rules_by_concept):
            candidates.update(self._rules_by_concept[concept])
        for index in sorted(candidates):
            rule, concepts_needed, literals_needed = self._rule_needs[index]
            if not concepts_needed <= held or any(
                words.isdisjoint(needed) for needed in literals_needed
            ):
                continue
            for start, end in self._match_rule(rule, positions, found, computed, sentence):
                if self._excluded(rule.label, start, end, found):
                    continue
                spans.append(Span(doc, start, end, label=rule.label))
        return spans

    def explanation(self, concept: str) -> list[tuple[int, int]]:
        """Where the last note read expresses `concept` (a word class or, matched on first
        asking, a composition that explains or excepts a sign: "CORRECTION ~2 PEER")."""
        found = self.last_found
        spans = found.get(concept)
        if spans is None:
            rule = self._explain_by_text.get(concept)
            if rule is None:
                return []
            positions, computed, sentence = self._last_context
            spans = found[concept] = list(
                self._match_rule(rule, positions, found, computed, sentence)
            )
        return spans

    @staticmethod
    def _occ(
        slot: Slot,
        positions: dict[str, list[int]],
        found: dict[str, list[tuple[int, int]]],
        computed: _Computed,
    ) -> list[tuple[int, int]]:
        if slot.kind == "concept":
            return found.get(slot.value, [])
        if slot.kind == "literal":
            return sorted((i, i + 1) for w in slot.value for i in positions.get(w, ()))
        return computed.get(slot.value)

    def _match_rule(
        self,
        rule: Rule,
        positions: dict[str, list[int]],
        found: dict[str, list[tuple[int, int]]],
        computed: _Computed,
        sentence: list[int],
    ) -> Iterable[tuple[int, int]]:
        first = self._occ(rule.slots[0], positions, found, computed)
        partial = [(s, e, s, e) for s, e in first]  # (span start, span end, last start, last end)
        for slot in rule.slots[1:]:
            if not partial:
                return []
            occ = self._occ(slot, positions, found, computed)
            nxt = []
            for ps, pe, ls, le in partial:
                for s, e in occ:
                    if le <= s <= le + slot.gap:
                        pass
                    elif slot.either_side and ls - slot.gap <= e <= ls:
                        pass
                    else:
                        continue
                    span_s, span_e = min(ps, s), max(pe, e)
                    if sentence[span_s] != sentence[span_e - 1]:
                        continue
                    nxt.append((span_s, span_e, s, e))
            partial = nxt
        return [(s, e) for s, e, _, _ in partial]

    def _excluded(
        self, label: str, start: int, end: int, found: dict[str, list[tuple[int, int]]]
    ) -> bool:
        for concept in self.unless.get(label, ()):
            for s, e in self.explanation(concept):
                if s < end and start < e:
                    return True
        return False


def _decade_words() -> frozenset[str]:
    words = {"twenties", "thirties", "forties", "fifties", "sixties"}
    words.update(str(n) for n in range(18, 80))
    decades = [f"{d}0s" for d in range(2, 8)] + [f"{d}0's" for d in range(2, 8)]
    for a in decades:
        words.add(a)
        for prefix in ("mid-", "late-", "early-"):
            words.add(prefix + a)
        for b in decades:
            words.update({f"{a}/{b}", f"{a}-{b}"})
    return frozenset(words)


# The words a computed concept needs (the trigger words of `requirements`); a computed
# concept not listed constrains nothing there (its rule's other slots still do).
_COMPUTED_TRIGGERS: dict[str, frozenset[str]] = {
    "money": frozenset({"£"}),
    "percent": frozenset({"%"} | {f"{n}%" for n in range(90)}),
    "adult_age": frozenset(str(n) for n in range(18, 80)),
    "adult_range": frozenset(str(n) for n in range(16, 80)),
    "decade": _decade_words(),
    "colour": _COLOURS,
}


class _Computed:
    """Concepts computed from the tokens' shapes (numbers, names), on demand.

    Works on plain lists of the tokens' texts (built once per document): iterating a
    spaCy Doc makes a Token object per token, which cost more than the rest together."""

    def __init__(
        self,
        doc: Doc,
        found: dict[str, list[tuple[int, int]]],
        texts: list[str],
        lowers: list[str],
        starts: list[bool],
    ) -> None:
        self.found = found
        self.texts = texts
        self.lowers = lowers
        self.starts = starts
        self.n = len(texts)
        self.cache: dict[str, list[tuple[int, int]]] = {}

    def get(self, name: str) -> list[tuple[int, int]]:
        if name not in self.cache:
            self.cache[name] = getattr(self, "_" + name)()
        return self.cache[name]

    def _numbers(self) -> list[int]:
        return [i for i, t in enumerate(self.texts) if t[:1].isdigit() and _NUMBER.match(t)]

    def _is_age(self, i: int) -> bool:
        texts, lowers = self.texts, self.lowers
        if not 18 <= int(texts[i]) <= 79:
            return False
        before = lowers[i - 1] if i > 0 else ""
        after = lowers[i + 1] if i + 1 < self.n else ""
        if before in _NOT_AGE_BEFORE or after in _NOT_AGE_AFTER:
            return False
        return not (after == "." and i + 2 < self.n and _LIKE_NUM.match(texts[i + 2]))

    def _adult_age(self) -> list[tuple[int, int]]:
        out = []
        for i in self.get_numbers():
            if self._is_age(i):
                end = i + 1
                if end < self.n and self.texts[end] == "+":
                    end += 1
                out.append((i, end))
        return out

    def get_numbers(self) -> list[int]:
        if "numbers" not in self.cache:
            self.cache["numbers"] = [(i, i) for i in self._numbers()]  # type: ignore[misc]
        return [i for i, _ in self.cache["numbers"]]

    def _adult_range(self) -> list[tuple[int, int]]:
        texts, out = self.texts, []
        for i in self.get_numbers():
            if (
                i + 2 < self.n
                and texts[i + 1] in ("-", "to", "–")
                and _NUMBER.match(texts[i + 2])
                and 16 <= int(texts[i]) < int(texts[i + 2]) <= 79
                and int(texts[i + 2]) >= 18
                and (texts[i - 1] if i else "") not in ("£", "$")
            ):
                out.append((i, i + 3))
        return out

    def _decade(self) -> list[tuple[int, int]]:
        out = []
        texts, lowers = self.texts, self.lowers
        for i, lower in enumerate(lowers):
            if ("0s" in lower or "0's" in lower or lower.endswith("ties")) and _DECADE.search(
                lower
            ):
                out.append((i, i + 1))
            elif (
                lower[:1].isdigit()
                and _NUMBER.match(texts[i])
                and 18 <= int(texts[i]) <= 79
                and i + 1 < self.n
                and lowers[i + 1] in ("+", "something", "odd", "ish", "plus")
            ):
                out.append((i, i + 2))
        return out

    def _old_year(self) -> list[tuple[int, int]]:
        return [(i, i + 1) for i, t in enumerate(self.texts) if "19" in t and _YEAR_OLD.search(t)]

    def _time(self) -> list[tuple[int, int]]:
        return [(i, i + 1) for i, t in enumerate(self.lowers) if t[:1].isdigit() and _TIME.match(t)]

    def _percent(self) -> list[tuple[int, int]]:
        """A percentage under 90: school attendance below 90% is persistent absence (DfE)."""
        texts, out = self.texts, []
        for i, t in enumerate(texts):
            if not t[:1].isdigit():
                continue
            m = _PERCENT.match(t)
            if m and int(m.group(1)) < 90:
                out.append((i, i + 1))
            elif _NUMBER.match(t) and int(t) < 90 and i + 1 < self.n and texts[i + 1] == "%":
                out.append((i, i + 2))
        return out

    def _money(self) -> list[tuple[int, int]]:
        texts, out = self.texts, []
        for i, t in enumerate(texts):
            if not t.startswith("£"):
                continue
            if t == "£":
                if i + 1 < self.n and _MONEY_AMOUNT.match(texts[i + 1]):
                    out.append((i, i + 2))
            else:
                out.append((i, i + 1))
        return out

    def _name(self, i: int) -> bool:
        text = self.texts[i].strip("'")
        if not text or not text[0].isupper():
            return False
        lower = text.lower()
        if lower in NOT_NAMES or lower in FAMILY_WORDS:
            return False
        return (text.istitle() and text.isalpha()) or (
            text.isupper() and len(text) > 2 and text.isalpha()
        )

    def _person_ref(self) -> list[tuple[int, int]]:
        """A name ("Dean", "Reece HALL", "'Ash'", "Kenny P.") or a person noun ("a male")."""
        texts, out = self.texts, []
        person = {i for s, e in self.found.get("PERSON_NOUN", []) for i in range(s, e)}
        for i, t in enumerate(texts):
            if i in person or self._name(i) or (t in ("'", '"') and i > 0 and self._name(i - 1)):
                end = i + 1
                if end < self.n and texts[end] == "." and len(t) == 1:
                    end += 1
                out.append((i, end))
        return out

    def _possessive_name(self) -> list[tuple[int, int]]:
        lowers = self.lowers
        return [
            (i, i + 2)
            for i in range(self.n - 1)
            if lowers[i + 1] in ("'s", "’s") and not self.starts[i] and self._name(i)
        ]

    def _place_name(self) -> list[tuple[int, int]]:
        texts, lowers, out = self.texts, self.lowers, []
        for i, t in enumerate(texts):
            if self.starts[i] or not t.istitle() or not self._name(i):
                continue
            end = i + 1
            while end < self.n and texts[end].istitle() and texts[end].isalpha():
                end += 1
            # "in Darren's car", "near Jake's address": a person's, not a place's name
            if end < self.n and lowers[end] in ("'s", "’s"):
                continue
            out.append((i, end))
        return out

    def _colour(self) -> list[tuple[int, int]]:
        return [(i, i + 1) for i, t in enumerate(self.lowers) if t in _COLOURS]


_QUOTE_MARKS = frozenset({"'", '"', "‘", "’", "“", "”"})


def _inside_quotes(texts: list[str], starts: list[bool]) -> list[bool]:
    """Per token, whether it is inside quotation marks opened in its own sentence (a quote
    mark is a token of its own; "n't" and "'s" are not quote marks)."""
    out, inside = [], False
    for text, start in zip(texts, starts, strict=True):
        if start:
            inside = False
        if text in _QUOTE_MARKS:
            inside = not inside
            out.append(False)
            continue
        out.append(inside)
    return out


FAMILY_WORDS = frozenset(
    "mum mother mummy dad father daddy stepdad stepfather stepmum parent parents nan nana gran "
    "grandma grandad carer carers".split()
)


@Language.factory("lantern_concepts", default_config={})
def make_concept_reader(nlp: Language, name: str) -> ConceptComponent:
    return ConceptComponent(nlp)


class ConceptComponent:
    """Writes `doc.spans[SPAN_KEY]`: the fixed patterns' entities and the concept matches
    that no entity of the same category covers (the fixed wording is the more precise)."""

    def __init__(self, nlp: Language) -> None:
        self.reader = ConceptReader(nlp)
        self.category_of: dict[str, str] = {}

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        spans: list[Span] = list(ents)
        taken: dict[str, list[tuple[int, int]]] = {}
        for ent in ents:
            taken.setdefault(self.category_of.get(ent.label_, ent.label_), []).append(
                (ent.start, ent.end)
            )
        by_label: dict[str, list[Span]] = {}
        for span in self.reader.matches(doc):
            by_label.setdefault(span.label_, []).append(span)
        for label, found in by_label.items():
            category = self.category_of.get(label, label)
            kept: list[tuple[int, int]] = list(taken.get(category, []))
            for span in sorted(found, key=lambda s: (-(s.end - s.start), s.start)):
                if any(s < span.end and span.start < e for s, e in kept):
                    continue
                kept.append((span.start, span.end))
                spans.append(span)
            taken[category] = kept
        doc.spans[SPAN_KEY] = self._overridden(self._unexplained(doc, spans))
        return doc

    def _overridden(self, spans: list[Span]) -> list[Span]:
        """Drop a reading another reading of the same words replaces ("superficial cuts to
        forearm" is self-harm, not an injury done to the child)."""
        overrides = self.reader.overrides
        labels = [s.label_ for s in spans]
        winners = [
            (s, overrides[label])
            for s, label in zip(spans, labels, strict=True)
            if label in overrides
        ]
        if not winners:
            return spans
        return [
            s
            for s, label in zip(spans, labels, strict=True)
            if not any(
                label in replaced and s.start < w.end and w.start < s.end for w, replaced in winners
            )
        ]

    def _unexplained(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Drop a sign its own or a neighbouring sentence explains ("a bruise on her shin
        from football", "a new phone, paid for by the LA", "a school trip to a hotel")."""
        explained_by = self.reader.explained_by
        asked = [
            (k, concepts)
            for k, span in enumerate(spans)
            if (concepts := explained_by.get(span.label_))
        ]
        if not asked:
            return spans
        where = {
            concept: self.reader.explanation(concept)
            for _, concepts in asked
            for concept in concepts
        }
        if not any(where.values()):
            return spans
        from lantern.indicators.text.people import token_lists

        texts, _, starts = token_lists(doc)
        sentence_of = list(accumulate(1 if s else 0 for s in starts))
        quoted = _inside_quotes(texts, starts)
        dropped = set()
        for k, concepts in asked:
            here = sentence_of[spans[k].start]
            # an explanation in the child's own quoted words ("says 'from the gym'",
            # "money is 'from my birthday'") is recorded, not accepted: it explains nothing
            if any(
                abs(sentence_of[s] - here) <= 1 and not quoted[s]
                for concept in concepts
                for s, _ in where[concept]
            ):
                dropped.add(k)
        return [span for k, span in enumerate(spans) if k not in dropped]
