"""Read narratives: indicator findings in context, blaming language, things named.

The pipeline is spaCy's blank English with a sentencizer, an EntityRuler of
the patterns in `patterns.yaml` (one entity label per indicator; patterns with
gaps or regular expressions run in `anchored.py`, only on documents that
contain their anchor words) and
negspacy's Negex with the termset in `context.yaml`. Hypothetical, historical
and experiencer context are ConText-style cues from `context.yaml`, applied
here within each sentence. Nothing is downloaded: every rule is in this
package.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import cache
from itertools import islice
from typing import Any

import numpy
from spacy.attrs import IS_SPACE, LOWER, SENT_START
from spacy.language import Language

from lantern.indicators.catalogue import default_catalogue
from lantern.indicators.text import (
    anchored,  # (also registers "lantern_token_patterns")
    concepts,  # (also registers "lantern_concepts")
    people,
)
from lantern.indicators.text.layers import CONCEPTS, PATTERNS
from lantern.indicators.text.mentions import Mention, find_mentions
from lantern.indicators.text.rules import TextRules, compile_pattern, expand_phrases, load_rules

_CUE_LABELS = ("HYPO_PRE", "HYPO_POST", "HIST_PRE", "HIST_POST", "TERM")
_EXP_LABELS = (
    "EXP_OTHER",
    "EXP_OTHER_OF",
    "EXP_REPORT",
    "EXP_SUBJECT",
    "NAME_OTHER",
    "NAME_SUBJECT",
    "OBJ_PRON",
)
# A following cue ("... was discussed") reaches back over at most this many tokens.
FOLLOWING_REACH = 2
# A marker of awareness work reached across these belongs to another part of the clause
# ("discussed her relationship with him and what healthy relationships look like").
_MARKER_STOPS = frozenset({"and", ",", "but", "also", "as", "well"})
# Cheap test for text that may name a phone, a registration or a nickname.
_MAY_MENTION = re.compile(
    r"\d| as | called | named | aka |a\.k\.a\.|nicknamed|goes by|calls (?:him|her)self"
)
_WORD = re.compile(r"[a-z]+")
_ADULT_RELATIONS = frozenset(
    "mum mother dad father stepfather stepdad stepmother stepmum nan nana nanna gran grandma "
    "grandmother grandad granddad grandfather aunt auntie uncle".split()
)
# A finding followed by one of these and another child's name is that child's record.
_FOR_WHOM = frozenset({"for", "re", "regarding"})
# Words passed over when looking for the word before a finding.
_DETERMINERS = frozenset("a an the two three four several some many unknown".split())


# Passed over between a classification label and its value ("under the category of ...").
_LABEL_JOINERS = _DETERMINERS | {"of"}

_AUXILIARIES = frozenset({"be", "have", "do"})
# "by her former step - dad": the words between the agent's "by" and a kin word
_AGENT_MARKERS = frozenset({"by", "from", "against"})
# A participle right after the finding names it, it does not open a new clause: "sexual
# abuse alleged by Mia against her grandad". ("Reported by", "disclosed by" name who told.)
_NAMING_PARTICIPLES = frozenset({"alleged", "made", "committed"})
_KIN_MODIFIERS = frozenset("her his their the a an former late older step - great".split())


def _with_inflections(phrases: list[str]) -> list[str]:
    """Each phrase with its first word in every inflection of its verb ("covered" also as
    "covers", "covering", "cover"): a cue is a verb, whatever the tense a writer uses."""
    from lemminflect import getAllInflections, getAllLemmas

    out = set(phrases)
    for phrase in phrases:
        first, _, rest = phrase.partition(" ")
        for lemma in getAllLemmas(first).get("VERB", ()):
            if lemma in _AUXILIARIES:  # "did keep-safe work": "doing", "does" say too much
                continue
            for forms in getAllInflections(lemma, upos="VERB").values():
                out.update(f"{form} {rest}".strip() for form in forms)
    return sorted(out)


def _follows(doc: Any, start: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Whether the words right before `start` (passing over a determiner or a number:
    "by an older man", "by two adult males") are one of `phrases`."""
    i = start - 1
    while i >= 0 and (doc[i].lower_ in _DETERMINERS or doc[i].like_num):
        i -= 1
    before = [t.lower_ for t in doc[max(0, i - 5) : i + 1]]
    return any(
        len(p) <= len(before) and tuple(before[len(before) - len(p) :]) == p for p in phrases
    )


def _precedes(doc: Any, end: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Whether the words right after `end` begin with one of `phrases`."""
    after = tuple(t.lower_ for t in doc[end : end + 6])
    return any(after[: len(p)] == p for p in phrases)


@dataclass(frozen=True)
class Finding:
    indicator: str
    category: str
    start: int
    end: int
    text: str
    negated: bool
    hypothetical: bool
    historical: bool
    experiencer: str  # subject or other
    sentence: str
    # Which reader found it: "patterns" (patterns.yaml, the EntityRuler and the anchored
    # token patterns) or "concepts" (concepts.yaml). The score counts only the layers its
    # weights list (`child.scored_text_layers`); the others are shown, not scored.
    layer: str = "patterns"
    # "family" when the words name the adult as the child's kin ("her uncle (32)"); else ""
    # (context.yaml, `kinship`)
    relation: str = ""

    @property
    def affirmed(self) -> bool:
        """About the child, not negated, not hypothetical: what becomes an indicator hit."""
        return not self.negated and not self.hypothetical and self.experiencer == "subject"


@dataclass(frozen=True)
class LanguageFinding:
    kind: str
    phrase_id: str
    start: int
    end: int
    text: str
    suggestion: str


@dataclass
class Analysis:
    hits: list[Finding] = field(default_factory=list)
    language: list[LanguageFinding] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def contract(self, identifier: Any, *, mentions: bool = False) -> dict[str, Any]:
        """The `lantern text` JSON object for this narrative."""
        out: dict[str, Any] = {
            "id": identifier,
            "hits": [
                {
                    "indicator": h.indicator,
                    "category": h.category,
                    "start": h.start,
                    "end": h.end,
                    "text": h.text,
                    "negated": h.negated,
                    "hypothetical": h.hypothetical,
                    "historical": h.historical,
                    "experiencer": h.experiencer,
                    "layer": h.layer,
                    "relation": h.relation,
                }
                for h in self.hits
            ],
            "language": [
                {
                    "kind": lang.kind,
                    "phrase": lang.phrase_id,
                    "start": lang.start,
                    "end": lang.end,
                    "text": lang.text,
                    "suggestion": lang.suggestion,
                }
                for lang in self.language
            ],
        }
        if mentions:
            out["mentions"] = [asdict(m) for m in self.mentions]
        return out


class TextAnalyser:
    """Builds the spaCy pipeline once; `analyse` then reads any number of narratives."""

    def __init__(self, rules: TextRules | None = None) -> None:
        import spacy
        from negspacy.negation import Negex  # noqa: F401  (registers the "negex" factory)
        from spacy.matcher import Matcher, PhraseMatcher

        self.rules = rules or load_rules()
        catalogue = default_catalogue().by_id()
        self.categories = {i: catalogue[i].category for i in self.rules.indicators}
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lantern_line_breaks")
        ruler = nlp.add_pipe(
            "entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": True}
        )
        phrases: list[dict[str, Any]] = []
        tokens: list[dict[str, Any]] = []
        for indicator, texts in self.rules.indicators.items():
            for text in texts:
                expanded = expand_phrases(text, self.rules.macros)
                if expanded is not None:  # cheap: the EntityRuler's PhraseMatcher
                    phrases.extend({"label": indicator, "pattern": p} for p in expanded)
                else:
                    pattern = compile_pattern(text, self.rules.macros)
                    tokens.append({"label": indicator, "pattern": pattern})
        ruler.add_patterns(phrases)  # type: ignore[attr-defined]
        token_patterns = nlp.add_pipe("lantern_token_patterns", config={"patterns": tokens})
        concept_reader = nlp.add_pipe("lantern_concepts")
        concept_reader.category_of = dict(self.categories)  # type: ignore[attr-defined]
        unknown = {r.label for r in concept_reader.reader.rules} - set(catalogue)  # type: ignore[attr-defined]
        if unknown:
            raise ValueError(f"concepts.yaml composes unknown indicators: {sorted(unknown)}")
        for rule in concept_reader.reader.rules:  # type: ignore[attr-defined]
            self.categories.setdefault(rule.label, catalogue[rule.label].category)
        nlp.add_pipe(
            "negex",
            config={
                "neg_termset": self.rules.context["negation"],
                "ent_types": sorted(self.categories),
                "span_keys": [concepts.SPAN_KEY],
            },
        )
        self.nlp = nlp

        ctx = self.rules.context
        self.cues = PhraseMatcher(nlp.vocab, attr="LOWER")
        cue_lists = {
            "HYPO_PRE": ctx["hypothetical"]["preceding"],
            "HYPO_POST": ctx["hypothetical"]["following"],
            "PLAN_PRE": ctx["planned"]["preceding"],
            "PLAN_POST": ctx["planned"]["following"],
            "TEACH": _with_inflections(ctx["awareness"]["teaching"]),
            "AWARE": ctx["awareness"]["markers"],
            "SUSPECT_PRE": ctx["suspicion"]["preceding"],
            "INACTIVE": ctx["not_sexually_active"]["phrases"],
            "CLAIM": ctx["refuted"]["claim"],
            "REFUTED": ctx["refuted"]["refutation"],
            "EXP_OTHER_OF": ctx["experiencer"]["other_of_named"],
            "HIST_PRE": ctx["historical"]["preceding"],
            "HIST_POST": ctx["historical"]["following"],
            "TERM": [t for t in ctx["negation"]["termination"] if not t.startswith(",")],
            "EXP_OTHER": ctx["experiencer"]["other"],
            "EXP_REPORT": ctx["experiencer"]["reporting"]
            + [
                f"{reporter} {verb}"
                for reporter in ctx["experiencer"]["reporters"]
                for verb in ctx["experiencer"]["finding_verbs"]
            ],
            "EXP_SUBJECT": ctx["experiencer"]["subject"],
        }
        for label, cue_phrases in cue_lists.items():
            self.cues.add(label, [nlp.make_doc(p) for p in cue_phrases])
        self.object_markers = set(ctx["experiencer"]["object_markers"])
        # A named concern is the professional's own finding: a plan or a discussion of it
        # ("SERAF to be completed", "discussed CSE concerns with her") still records it.
        self.plan_exempt = frozenset(ctx["planned"]["not_for"])
        self.discussing = frozenset(tuple(p.split()) for p in ctx["planned"]["discussing"])
        self._own = {nlp.vocab.strings.add(w) for w in ctx["planned"]["own"]}
        # A concern about sexual harm is a question, not a disclosure of it.
        self.suspicion_for = frozenset(ctx["suspicion"]["for"])
        # Contraception asked for by a child the note says is not sexually active.
        self.inactive_for = frozenset(ctx["not_sexually_active"]["for"])
        self.relative_markers = set(ctx["experiencer"]["relative_markers"])
        kinship = ctx["kinship"]
        self.kin_categories = frozenset(kinship["categories"])
        self.kin_words = frozenset(kinship["words"])
        self.kin_not_after = frozenset(kinship["not_after"])
        self.kin_before, self.kin_after = int(kinship["before"]), int(kinship["after"])
        self.kin_agent_categories = frozenset(kinship["agent_categories"])
        self.kin_agent_reach = int(kinship["agent_reach"])
        self.kin_agent_stops = frozenset(kinship["agent_stops"])
        self.kin_not_before = frozenset(kinship["not_before"])
        self.kin_always = frozenset(kinship["always"])
        self.kin_partner = frozenset(kinship["partner_of_parent"])
        self.kin_parents = frozenset(kinship["parents"])
        # as lexeme hashes: compared with the doc's LOWER array, no Token made
        self.refusals = tuple(
            tuple(nlp.vocab.strings.add(w) for w in r.split()) for r in ctx["refused_act"]
        )
        self._refusal_ends = frozenset(r[-1] for r in self.refusals)
        screening = ctx["screening_result"]
        self.screened_for = frozenset(screening["for"])
        self.screening_reach = int(screening["reach"])
        self.screening_separators = frozenset(screening["separators"])
        self.screening_results = tuple(tuple(r.split()) for r in screening["results"])
        fields = ctx["classification_fields"]
        self.field_labels = tuple(tuple(label.split()) for label in fields["labels"])
        self.field_categories = frozenset(fields["categories"])
        self.bare_labels = frozenset(fields["bare_labels"])
        self.under_words = frozenset(fields["under"])
        self.plan_words = frozenset(fields["plans"])
        self.plan_reach = int(fields["plan_reach"])
        search = ctx["search_result"]
        self.search_categories = frozenset(search["categories"])
        self.search_words = frozenset(search["search_words"])
        self.search_reach = int(search["reach"])
        self.search_results = tuple(tuple(r.split()) for r in search["results"])
        self.kin_identified = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.kin_identified.add("KIN_ID", [nlp.make_doc(p) for p in kinship["identified_by"]])
        self._comma = nlp.vocab.strings[","]
        self._should = nlp.vocab.strings.add("should")
        self._break_ids = {nlp.vocab.strings[w] for w in ctx["clause_break_words"]}

        self.language_phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.language_tokens = Matcher(nlp.vocab, validate=True)
        self.language_rules = {rule.id: rule for rule in self.rules.language}
        language_phrases: list[str] = []
        language_token_patterns: list[list[dict[str, Any]]] = []
        for rule in self.rules.language:
            for text in rule.patterns:
                lang_phrases = expand_phrases(text, self.rules.macros)
                if lang_phrases is not None:
                    self.language_phrases.add(rule.id, [nlp.make_doc(p) for p in lang_phrases])
                    language_phrases.extend(lang_phrases)
                else:
                    compiled = compile_pattern(text, self.rules.macros)
                    self.language_tokens.add(rule.id, [compiled])  # type: ignore[list-item]
                    language_token_patterns.append(compiled)  # type: ignore[arg-type]
        self.triggers = _trigger_words(
            nlp,
            phrases=[p["pattern"] for p in phrases] + language_phrases,
            token_patterns=language_token_patterns,
            anchored_patterns=token_patterns,  # type: ignore[arg-type]
            concept_requirements=concept_reader.reader.requirements(),  # type: ignore[attr-defined]
        )

    # ------------------------------------------------------------------ public

    def analyse(
        self,
        texts: Iterable[str],
        ages: Iterable[int | None] | None = None,
        *,
        batch_size: int = 512,
    ) -> Iterator[Analysis]:
        """One `Analysis` per text, in order. `ages` are the child's ages in years, if known.

        Each text is tokenised first; only texts holding a trigger word (`may_match`)
        go through the rest of the pipeline. The others cannot hold a finding or
        blaming language, so only their mentions (plain regular expressions) are read.
        """
        ages = ages if ages is not None else _nones()
        pairs = zip(texts, ages)  # noqa: B905 (ages may be endless)
        while batch := list(islice(pairs, batch_size)):
            docs = [self.nlp.make_doc(text) for text, _ in batch]
            wanted = [i for i, doc in enumerate(docs) if self.may_match(doc)]
            read = dict(zip(wanted, self.nlp.pipe(docs[i] for i in wanted), strict=True))
            for i, (text, age) in enumerate(batch):
                doc = read.get(i)
                yield self.read_doc(doc, age, text) if doc is not None else self.read_plain(text)

    def may_match(self, doc: Any) -> bool:
        """False only when no indicator or language pattern can match the tokenised `doc`."""
        if self.triggers is None:
            return True
        return self.triggers.met_by(set(doc.to_array(LOWER).tolist()))

    @staticmethod
    def read_plain(text: str) -> Analysis:
        """What `read_doc` finds in a text no pattern can match: its mentions alone."""
        return Analysis(mentions=find_mentions(text) if _MAY_MENTION.search(text) else [])

    def read_doc(self, doc: Any, age: int | None = None, text: str | None = None) -> Analysis:
        text = doc.text if text is None else text  # doc.text rebuilds the string token by token
        analysis = Analysis()
        ents = list(doc.spans[concepts.SPAN_KEY]) if concepts.SPAN_KEY in doc.spans else []
        if ents:
            fixed = {(e.start, e.end, e.label_) for e in doc.ents}
            # Sentence number of every token, from the sentence starts (no Python loop per token).
            is_start = doc.to_array(SENT_START) == 1
            is_start[0] = True
            sentence_of = numpy.cumsum(is_start) - 1
            bounds = [*numpy.flatnonzero(is_start).tolist(), len(doc)]
            lower = doc.to_array(LOWER)
            commas = numpy.flatnonzero(lower[:-1] == self._comma)
            clause_breaks = [int(c) for c in commas if int(lower[c + 1]) in self._break_ids]
            cues: dict[int, list[tuple[str, int, int]]] = {}
            strings = self.nlp.vocab.strings
            reports = set()
            for match_id, start, end in self.cues(doc):
                label = strings[match_id]
                cues.setdefault(int(sentence_of[start]), []).append((label, start, end))
                if label == "EXP_REPORT":
                    reports.add((start, end))
            if reports:  # "explained she ..." is an account, not "explained the risks"
                for number, found in cues.items():
                    cues[number] = [
                        (label, start, end)
                        for label, start, end in found
                        if label not in ("HYPO_PRE", "PLAN_PRE", "TEACH")
                        or not any(s == start and e > end for s, e in reports)
                    ]
            # "discussed her relationship with the 24-year-old": the child's own circumstance
            # talked about is not a plan (context.yaml `planned.discussing`)
            for number, found in cues.items():
                cues[number] = [cue for cue in found if not self._discussed_own(doc, *cue)]
            for label, start in people.name_cues(doc, age, self.object_markers):
                cues.setdefault(int(sentence_of[start]), []).append((label, start, start + 1))
            # "Should she return under the influence, ...", "Plan: should he go missing":
            # a condition by inversion, at the start of a sentence or of a list item
            for i in numpy.flatnonzero(lower == self._should).tolist():
                if is_start[i] or (i > 0 and doc[i - 1].is_punct):
                    cues.setdefault(int(sentence_of[i]), []).append(("HYPO_PRE", i, i + 1))
            labels = {label for found in cues.values() for label, *_ in found}
            inactive = "INACTIVE" in labels
            # A note that refutes what it was told ("anonymous call stating she was being
            # picked up by men ... Call believed to be malicious"; "concerns were that ...
            # Assessment found no evidence of this"): the claim's findings are negated.
            refuted = (
                {
                    number
                    for number, found in cues.items()
                    for label, *_ in found
                    if label == "CLAIM"
                }
                if "REFUTED" in labels
                else set()
            )
            others_after = people.other_children_at(doc, age)
            for ent in ents:
                indicator = ent.label_
                category = self.categories[indicator]
                excluded = self.rules.exclude_after.get(indicator)
                if excluded and _follows(doc, ent.start, excluded):
                    continue
                excluded = self.rules.exclude_before.get(indicator)
                if excluded and _precedes(doc, ent.end, excluded):
                    continue
                if category in self.field_categories and self._classification_value(doc, ent.start):
                    continue
                number = int(sentence_of[ent.start])
                sent = doc[bounds[number] : bounds[number + 1]]
                start_char, end_char = ent.start_char, ent.end_char
                in_sentence = cues.get(number, [])
                breaks = [start for label, start, _ in in_sentence if label == "TERM"] + [
                    c for c in clause_breaks if sent.start <= c < sent.end
                ]
                hypothetical = (
                    self._cued(in_sentence, breaks, ent, "HYPO_PRE", "HYPO_POST")
                    or (
                        indicator not in self.plan_exempt
                        and self._cued(in_sentence, breaks, ent, "PLAN_PRE", "PLAN_POST")
                    )
                    or (
                        indicator in self.suspicion_for
                        and self._cued(in_sentence, breaks, ent, "SUSPECT_PRE", "")
                    )
                    or self._awareness_work(doc, in_sentence, breaks, ent)
                    or (inactive and indicator in self.inactive_for)
                )
                historical = self._cued(in_sentence, breaks, ent, "HIST_PRE", "HIST_POST")
                experiencer = (
                    "subject"
                    if indicator in self.rules.subject_fixed
                    else self._experiencer(doc, in_sentence, ent)
                )
                # "Missing report completed for Courtney", "CSE referral for Jade": the
                # record a professional makes for another child named right after it
                if (
                    experiencer == "subject"
                    and ent.end + 1 < len(doc)
                    and doc[ent.end].lower_ in _FOR_WHOM
                    and ent.end + 1 in others_after
                ):
                    experiencer = "other"
                negated = (
                    bool(ent._.negex)
                    or self._refused(lower, ent.start)
                    or (indicator in self.screened_for and self._screened_out(doc, sent, ent))
                    or (category in self.search_categories and self._searched_nil(doc, sent, ent))
                    or (
                        number in refuted
                        and any(
                            label == "CLAIM" and end <= ent.start for label, _, end in in_sentence
                        )
                    )
                )
                # A negation inside a condition or advice is part of the hypothetical ("if
                # not home by 9.30 mum will report her missing", "advised about not accepting
                # drinks from strangers"): a sign is read as one or the other, never both
                # (neither is affirmed, so what counts is unchanged).
                if hypothetical and negated:
                    negated = False
                analysis.hits.append(
                    Finding(
                        indicator=indicator,
                        category=category,
                        start=start_char,
                        end=end_char,
                        text=text[start_char:end_char],
                        negated=negated,
                        hypothetical=hypothetical,
                        historical=historical,
                        experiencer=experiencer,
                        sentence=text[sent.start_char : sent.end_char].strip(),
                        layer=PATTERNS if (ent.start, ent.end, indicator) in fixed else CONCEPTS,
                        relation=self._relation(doc, sent, ent)
                        if category in self.kin_categories
                        else "",
                    )
                )
        if self.rules.named_in_sentence and len(analysis.hits) > 1:
            analysis.hits = self._explained_by_named_concern(analysis.hits)
        analysis.language = self._language(doc, age)
        analysis.mentions = self.read_plain(text).mentions
        return analysis

    def _explained_by_named_concern(self, hits: list[Finding]) -> list[Finding]:
        """Drop the signs a sentence explains itself: "holding drugs for older males" names
        criminal exploitation, and the older males are that concern's (`named_in_sentence`)."""
        affirmed: dict[str, set[str]] = {}
        for h in hits:
            if h.affirmed:
                affirmed.setdefault(h.sentence, set()).add(h.indicator)
        explained: dict[str, set[str]] = {}
        for sentence, found in affirmed.items():
            for concern in found & self.rules.named_in_sentence.keys():
                signs, unless, unless_words = self.rules.named_in_sentence[concern]
                if found & unless or unless_words.intersection(_WORD.findall(sentence.lower())):
                    continue
                explained.setdefault(sentence, set()).update(signs)
        if not explained:
            return hits
        return [h for h in hits if h.indicator not in explained.get(h.sentence, ())]

    # --------------------------------------------------------------- context

    def _discussed_own(self, doc: Any, label: str, start: int, end: int) -> bool:
        return (
            label == "PLAN_PRE"
            and end < len(doc)
            and doc[end].lower in self._own
            and tuple(t.lower_ for t in doc[start:end]) in self.discussing
        )

    def _screened_out(self, doc: Any, sent: Any, ent: Any) -> bool:
        """A low result of the screening the finding names ("CSE screening tool completed:
        low."; context.yaml `screening_result`)."""
        end = min(sent.end, ent.end + self.screening_reach + 1)
        for i in range(ent.end, end):
            if doc[i].text not in self.screening_separators:
                continue
            for result in self.screening_results:
                stop = i + 1 + len(result)
                if stop <= sent.end and tuple(t.lower_ for t in doc[i + 1 : stop]) == result:
                    after = doc[stop].text if stop < len(doc) else ""
                    return after not in ("/", "-")  # "low/medium" is not low
            return False
        return False

    def _searched_nil(self, doc: Any, sent: Any, ent: Any) -> bool:
        """What a search looked for and did not find ("Searched for drugs - nil found",
        "room searched for cannabis, nothing found"; context.yaml `search_result`)."""
        begin = max(sent.start, ent.start - self.search_reach)
        if not any(doc[i].lower_ in self.search_words for i in range(begin, ent.start)):
            return False
        after = [t.lower_ for t in doc[ent.end : sent.end]]
        return any(
            tuple(after[i : i + len(result)]) == result
            for i in range(len(after))
            for result in self.search_results
        )

    def _refused(self, lower: Any, start: int) -> bool:
        """A refusal right before the finding's words ("refused to get into the taxi")."""
        if start == 0 or int(lower[start - 1]) not in self._refusal_ends:
            return False
        for refusal in self.refusals:
            begin = start - len(refusal)
            if begin >= 0 and tuple(lower[begin:start].tolist()) == refusal:
                return True
        return False

    def _classification_value(self, doc: Any, start: int) -> bool:
        """Whether the words at `start` are the value of a form's classification field
        ("Category: sexual abuse.", "Type of abuse: sexual"): a label a professional chose for
        a referral or a plan, not the child's account of harm (context.yaml
        `classification_fields`)."""
        colon = start - 1
        while colon >= 0 and doc[colon].lower_ in _DETERMINERS:
            colon -= 1
        if colon >= 0 and doc[colon].text != ":":
            # the label without its colon ("CP plan, category sexual abuse", "under the
            # category of sexual abuse"), or "under" after a plan ("Recommend ICPC under
            # sexual abuse")
            at = colon
            while at >= 0 and doc[at].lower_ in _LABEL_JOINERS:
                at -= 1
            if at < 0:
                return False
            word = doc[at].lower_
            if word in self.bare_labels:
                return True
            if word in self.under_words:
                sentence_start = doc[at].sent.start
                return any(
                    doc[i].lower_ in self.plan_words
                    for i in range(max(sentence_start, at - self.plan_reach), at)
                )
            return False
        if colon < 1:
            return False
        for label in self.field_labels:
            begin = colon - len(label)
            if begin >= 0 and tuple(t.lower_ for t in doc[begin:colon]) == label:
                return True
        return False

    def _relation(self, doc: Any, sent: Any, ent: Any) -> str:
        """ "family" when the words name the adult of the finding as the child's kin
        (context.yaml `kinship`): a kin word in the finding's words or just around them ("her
        uncle Dean (32)", "her 26-year-old brother"); for a sexual-harm finding, the kin word
        that acts in its clause ("stepfather Lee has been touching her"); an identification
        later in the sentence ("...; identified as her step-dad"). Not someone else's relation
        ("her uncle's friend (40)", "a family friend")."""
        if ent.label_ in self.kin_always:
            return "family"
        start = max(sent.start, ent.start - self.kin_before)
        acts = self.categories[ent.label_] in self.kin_agent_categories
        if acts:
            start = ent.start
            while start > sent.start and ent.start - start < self.kin_agent_reach:
                if doc[start - 1].lower_ in self.kin_agent_stops:
                    break
                start -= 1
        end = min(sent.end, ent.end + self.kin_after)
        if any(self._kin(doc, i, acts) for i in range(start, end)):
            return "family"
        # the agent of a passive, later in the clause: "sexual assault of Kyla (11) by father
        # Luke", "picked up by her uncle in his car"
        i = ent.end
        units: list[tuple[int, int]] | None = None
        while i < sent.end and i - ent.end < self.kin_agent_reach:
            word = doc[i].lower_
            if word in self.kin_agent_stops and not (i == ent.end and word in _NAMING_PARTICIPLES):
                break
            if word in _AGENT_MARKERS:
                j = i + 1
                while j < sent.end and doc[j].lower_ in _KIN_MODIFIERS:
                    j += 1
                if j < sent.end and self._kin(doc, j, False):
                    return "family"
                # "against Mark Price (grandad)": a name with its kin beside it
                if units is None:
                    units = self._kin_appositions(doc, sent, False)
                if any(a == j for a, _ in units):
                    return "family"
            i += 1
        # doc-level offsets; "identified as her step - dad": up to four tokens on
        for _, _, at in self.kin_identified(doc[ent.end : sent.end]):
            if any(self._kin(doc, i, acts) for i in range(at, min(sent.end, at + 4))):
                return "family"
        # a person named with their kin beside them, in brackets or apposition ("with Stephen
        # Moore (mum's partner)", "by Mark Hardy (uncle)", "her mum's partner, Paul Watts, had
        # ..."), just around the window: the name stands for the kin
        for a, b in self._kin_appositions(doc, sent, acts):
            between = range(b, ent.start) if b <= ent.start else range(ent.end, a)
            if (
                a < end
                and start <= b
                and not any(doc[i].lower_ in self.kin_agent_stops for i in between)
            ):
                return "family"
        return ""

    def _kin_appositions(self, doc: Any, sent: Any, acts: bool) -> list[tuple[int, int]]:
        """Token spans (start, end) of a name and a kin description that stand for one person:
        "Name (kin)", "Name, [her] kin,", "[her] kin, Name,". The brackets and commas are part
        of the span."""
        out = []
        for p in range(sent.start + 1, sent.end - 1):
            opener = doc[p].text
            if opener not in ("(", ","):
                continue
            closer = ")" if opener == "(" else ","
            close = next(
                (j for j in range(p + 1, min(sent.end, p + 6)) if doc[j].text == closer), None
            )
            if close is None and opener == ",":
                continue  # an apposition opened by a comma closes with one
            stop = close if close is not None else min(sent.end, p + 5)
            inside = range(p + 1, stop)
            name_before = _is_name_token(doc[p - 1])
            if name_before and any(self._kin(doc, i, acts) for i in inside):
                first = p - 1
                while first - 1 >= sent.start and _is_name_token(doc[first - 1]):
                    first -= 1
                out.append((first, stop + 1))
            elif (
                opener == ","
                and inside
                and all(_is_name_token(doc[i]) for i in inside)
                and any(self._kin(doc, i, acts) for i in range(max(sent.start, p - 3), p))
            ):
                out.append((max(sent.start, p - 3), stop + 1))
        return out

    def _kin(self, doc: Any, i: int, acts: bool) -> bool:
        word = doc[i].lower_
        if word not in self.kin_words and word not in self.kin_parents:
            return False
        if acts:  # "disclosed to her mum that ...": the one told is not the one who acts
            j = i - 1 if i > 0 and doc[i - 1].lower_ not in ("her", "his", "their") else i - 2
            if j >= 0 and doc[j].lower_ in self.kin_not_before:
                return False
        after = doc[i + 1].lower_ if i + 1 < len(doc) else ""
        if after == "'s" and word in self.kin_parents:  # "mum's boyfriend": the household's
            partner = doc[i + 2].lower_ if i + 2 < len(doc) else ""
            return partner in self.kin_partner
        return after not in self.kin_not_after

    @staticmethod
    def _cued(
        cues: list[tuple[str, int, int]], breaks: list[int], ent: Any, before: str, after: str
    ) -> bool:
        for label, start, end in cues:
            if label == before and end <= ent.start:
                if not any(end <= b < ent.start for b in breaks):
                    return True
            elif label == after and ent.end <= start <= ent.end + FOLLOWING_REACH:
                if not any(ent.end <= b < start for b in breaks):
                    return True
        return False

    def _awareness_work(
        self, doc: Any, cues: list[tuple[str, int, int]], breaks: list[int], ent: Any
    ) -> bool:
        """A teaching verb before the finding and a marker of general awareness work between
        them or just after the finding, in one clause (context.yaml `awareness`): "talked
        about what grooming can look like", "discussed CSE awareness with her"."""
        teach = [
            end
            for label, _, end in cues
            if label == "TEACH"
            and end <= ent.start
            and not any(end <= b < ent.start for b in breaks)
        ]
        if not teach:
            return False
        opened = min(teach)
        for label, start, end in cues:
            if label != "AWARE":
                continue
            if opened <= start and end <= ent.start:
                between = range(end, ent.start)
            elif ent.end <= start <= ent.end + FOLLOWING_REACH:
                between = range(ent.end, start)
            else:
                continue
            if any(b in between for b in breaks) or any(
                doc[i].lower_ in _MARKER_STOPS for i in between
            ):
                continue
            return True
        return False

    def _experiencer(self, doc: Any, cues: list[tuple[str, int, int]], ent: Any) -> str:
        candidates = [
            (label, start, end)
            for label, start, end in cues
            if label in _EXP_LABELS
            # the child acted on may be inside the finding's own words ("made her do ...")
            # or its verb's object right after them ("had sexually abused her")
            and (end <= ent.start or (label == "OBJ_PRON" and start <= ent.end))
        ]
        # Longest match wins where cues overlap ("her friend" over "friend").
        candidates.sort(key=lambda c: (c[1], -(c[2] - c[1])))
        chosen: list[tuple[str, int, int]] = []
        for cue in candidates:
            if chosen and cue[1] < chosen[-1][2]:
                continue
            chosen.append(cue)
        # by_name: the other is named (a report by them is of their own experience);
        # acts_on: the other acts, and an object pronoun after them is the child
        state, by_name, acts_on = "subject", False, False
        for label, start, end in chosen:
            if label in ("EXP_OTHER", "EXP_OTHER_OF"):
                # "'s brother": the token before the possessor's name says whether the
                # phrase is an object ("went with Maya's brother")
                at = start - 1 if label == "EXP_OTHER" else start - 2
                before = doc[at].lower_ if at >= 0 else ""
                after = doc[end].lower_ if end < len(doc) else ""
                if after == "(":  # "another resident (Kyle, 15) who has been ..."
                    close = next(
                        (j for j in range(end, min(end + 8, len(doc))) if doc[j].text == ")"),
                        None,
                    )
                    after = (
                        doc[close + 1].lower_ if close is not None and close + 1 < len(doc) else ""
                    )
                if before in self.object_markers and after not in self.relative_markers:
                    continue
                # an adult of the family who acts on the child ("her mum's friend made her
                # do ...", "her stepdad hit her") did it to the child; a peer's "her" may be
                # the peer's own
                acts_on = label == "EXP_OTHER_OF" or doc[end - 1].lower_ in _ADULT_RELATIONS
                state, by_name = "other", False
            elif label == "NAME_OTHER":
                # another child named: "him" or "her" after is that child as often as ours
                state, by_name, acts_on = "other", True, False
            elif label == "NAME_SUBJECT":
                state, by_name, acts_on = "subject", False, False
            elif label == "OBJ_PRON":
                # "Gary (45) picks her up", "Maya's brother (24) gives them lifts": the
                # child is the one acted on
                if acts_on:
                    state, by_name, acts_on = "subject", False, False
            elif by_name:
                # "Courtney said she had been to his house": another child reports
                # her own experience; a parent or professional reports the child's
                continue
            else:
                state, acts_on = "subject", False
        return state

    # -------------------------------------------------------------- language

    def _language(self, doc: Any, age: int | None) -> list[LanguageFinding]:
        from spacy.util import filter_spans

        strings = self.nlp.vocab.strings
        matches = list(self.language_phrases(doc))
        if len(self.language_tokens):
            matches += list(self.language_tokens(doc))
        if not matches:
            return []
        spans = []
        for match_id, start, end in matches:
            span = doc[start:end]
            span.label_ = strings[match_id]
            spans.append(span)
        found = []
        for span in filter_spans(spans):
            rule = self.language_rules[span.label_]
            if rule.max_child_age is not None and age is not None and age > rule.max_child_age:
                continue
            if rule.needs_adult_cue and not _describes_adult(span.sent):
                continue
            if _negated_term(doc, span.start):  # "not sexually active", "no boyfriend"
                continue
            if rule.writer_only and (_quoted(doc, span) or _reported(span)):
                continue
            found.append(
                LanguageFinding(
                    kind="victim_blaming",
                    phrase_id=rule.id,
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                    suggestion=rule.suggestion,
                )
            )
        return found


_NEGATORS = frozenset({"not", "no", "n't", "never", "nor", "without"})
_QUOTES = frozenset({"'", '"', "‘", "’", "“", "”"})
_REPORTING = frozenset(
    "says said say saying states stated stating told tells calls called describes described "
    "refers referred claims claimed".split()
)


def _is_name_token(token: Any) -> bool:
    """A capitalised word that reads as a person's name (not "Mum", "Police", "She")."""
    return people.is_name(token.text)


def _negated_term(doc: Any, start: int) -> bool:
    """A term the writer denies is not the writer's label for the child."""
    return any(doc[i].lower_ in _NEGATORS for i in range(max(0, start - 2), start))


def _quoted(doc: Any, span: Any) -> bool:
    before = doc[span.start - 1].text if span.start > 0 else ""
    after = doc[span.end].text if span.end < len(doc) else ""
    return before in _QUOTES or after in _QUOTES or span.text[:1] in _QUOTES


def _reported(span: Any) -> bool:
    """Someone's words reported earlier in the sentence ("Jodie says Mike is her boyfriend",
    "attended with a male stating he was her boyfriend")."""
    sent = span.sent
    return any(t.lower_ in _REPORTING for t in sent[: span.start - sent.start])


_ADULT_WORDS = frozenset(
    "older adult adults man men male males twenties thirties forties fifties 20s 30s 40s".split()
)


def _describes_adult(sent: Any) -> bool:
    for token in sent:
        if token.lower_ in _ADULT_WORDS:
            return True
        if token.is_digit and 18 <= int(token.text) <= 99:
            return True
    return False


@Language.component("lantern_line_breaks")
def line_breaks(doc: Any) -> Any:
    """A line break ends a sentence. Chronologies, action lists and logs put one entry on
    each line, often with no full stop ("- 19/01 Mum found texts ...\n- 22/01 P seen at
    GP"): read as one sentence, a cue in one entry (a negation, "mum", "sessions") would
    reach into the next. (spaCy makes any whitespace but one plain space a token.)"""
    spaces = numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist()
    n = len(doc)
    for i in spaces:
        if "\n" not in doc[i].text:
            continue
        j = i + 1
        while j < n and doc[j].is_space:
            j += 1
        if j < n:
            doc[j].is_sent_start = True
    return doc


# ------------------------------------------------------- many narratives, fast


# A requirement: one word (lexeme hash) from each of these sets.
Requirement = tuple[frozenset[int], ...]


class Triggers:
    """The words a match needs: a text without them cannot match any pattern.

    A phrase matches only where every one of its tokens is; a token pattern
    only where a word of each of its required slots is (`anchored.required_words`).
    Each requirement is indexed by one word of its first slot, so a text is
    checked only against the requirements of the words it holds. A phrase's
    requirement is kept as the set of its words (met when all are in the text).
    """

    def __init__(self) -> None:
        self.by_word: dict[int, set[Requirement]] = {}
        self.all_of: dict[int, set[frozenset[int]]] = {}
        self.all_of_words: frozenset[int] = frozenset()
        self.by_word_words: frozenset[int] = frozenset()

    def add(self, requirement: Requirement) -> None:
        first, rest = requirement[0], requirement[1:]
        if all(len(slot) == 1 for slot in requirement):
            words = frozenset().union(*requirement)
            for word in first:
                self.all_of.setdefault(word, set()).add(words)
            return
        for word in first:
            self.by_word.setdefault(word, set()).add(rest)

    def prune(self) -> None:
        """Drop a phrase's word set when a smaller one under the same word is met whenever it is."""
        for word, sets in self.all_of.items():
            kept: list[frozenset[int]] = []
            for words in sorted(sets, key=len):
                if not any(k <= words for k in kept):
                    kept.append(words)
            self.all_of[word] = set(kept)
        self.all_of_words = frozenset(self.all_of)
        self.by_word_words = frozenset(self.by_word)

    def met_by(self, words: set[int]) -> bool:
        for word in words & self.all_of_words:
            if any(need <= words for need in self.all_of[word]):
                return True
        for word in words & self.by_word_words:
            for rest in self.by_word[word]:
                if all(not words.isdisjoint(slot) for slot in rest):
                    return True
        return False


def _trigger_words(
    nlp: Any,
    *,
    phrases: Sequence[str],
    token_patterns: Sequence[list[dict[str, Any]]],
    anchored_patterns: anchored.AnchoredPatterns,
    concept_requirements: list[tuple[frozenset[str], ...]] | None = None,
) -> Triggers | None:
    """The requirements of every indicator and language pattern; None when some
    pattern has no required word (a regular expression alone): then every text is read."""
    if anchored_patterns.always or concept_requirements is None:
        return None
    strings = nlp.vocab.strings
    triggers = Triggers()
    for concept_slots in concept_requirements:
        ordered = sorted(concept_slots, key=lambda w: (len(w & anchored.COMMON), len(w)))
        triggers.add(tuple(frozenset(strings.add(w) for w in slot) for slot in ordered))
    for words, indices in anchored_patterns.by_word.items():
        for index in indices:
            triggers.add((frozenset({words}), *anchored_patterns.patterns[index][0][1:]))
    for phrase in phrases:
        lowers = sorted({t.lower_ for t in nlp.make_doc(phrase)}, key=_selectivity)
        triggers.add(tuple(frozenset({strings.add(w)}) for w in lowers))
    for pattern in token_patterns:
        required = anchored.required_words(pattern)
        if not required:
            return None
        triggers.add(tuple(frozenset(strings.add(w) for w in words) for words in required))
    triggers.prune()
    return triggers


def _selectivity(word: str) -> tuple[bool, int]:
    """Rarer-looking words first: not a common word, then longer."""
    return (word in anchored.COMMON or not word.isalpha(), -len(word))


def _nones() -> Iterator[None]:
    while True:
        yield None


@cache
def shared_analyser() -> TextAnalyser:
    """One analyser per process (building the pipeline takes a second or two).

    Once built, the objects alive in the process (the pipeline's hundreds of thousands among
    them) are moved out of the cyclic garbage collector's reach (`gc.freeze`, after a
    collection, so only live objects): they live as long as the process, and every full
    collection during the reading walked all of them (about a tenth of the reading's CPU,
    measured). A worker forked afterwards also leaves their pages unwritten."""
    analyser = TextAnalyser()
    gc.collect()
    gc.freeze()
    return analyser


_WORKER: TextAnalyser | None = None


def _worker_init() -> None:
    global _WORKER
    _WORKER = shared_analyser()


def _worker_run(chunk: tuple[list[str], list[int | None]]) -> list[Analysis]:
    assert _WORKER is not None
    texts, ages = chunk
    return list(_WORKER.analyse(texts, ages))


def _safe_to_fork() -> bool:
    """Whether this process may fork its workers: it runs no other Python thread and has not
    loaded DuckDB, whose native threads hold locks a fork would copy mid-use. (numpy's
    OpenBLAS thread, started at import, stops itself around a fork.)"""
    return "duckdb" not in sys.modules and threading.active_count() == 1


def analyse_many(
    texts: Sequence[str],
    ages: Sequence[int | None] | None = None,
    *,
    n_process: int = 1,
    chunk_size: int = 2000,
    analyser: TextAnalyser | None = None,
) -> Iterator[Analysis]:
    """Analyse many narratives, in order, in `n_process` worker processes when more than one."""
    ages = list(ages) if ages is not None else [None] * len(texts)
    if n_process <= 1 or len(texts) < 2 * chunk_size:
        yield from (analyser or shared_analyser()).analyse(texts, ages)
        return
    chunks = [
        (list(texts[i : i + chunk_size]), ages[i : i + chunk_size])
        for i in range(0, len(texts), chunk_size)
    ]
    # Workers start from a fresh forkserver, not a fork of this process, when this process
    # may run other threads (`_safe_to_fork`): forking a process that runs DuckDB's threads
    # copies their locks mid-use, and a worker so made crashed (a segfault in the garbage
    # collector) in the slow suite. The server builds the analyser once (`warm`), so each
    # worker starts with it. A process with no other thread holds no other thread's lock:
    # it forks, and its workers start at once with the analyser already built here
    # (`lantern text --processes 2`, the bench). A multiprocessing.Pool waits for ever for a
    # dead worker's chunk; this executor says the pool broke, and the chunks not yet read
    # are then analysed here, so the findings are the same.
    context: multiprocessing.context.BaseContext
    if analyser is None and _safe_to_fork():
        shared_analyser()
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([f"{__package__}.warm"])
    done = 0
    try:
        with ProcessPoolExecutor(n_process, mp_context=context, initializer=_worker_init) as pool:
            for result in pool.map(_worker_run, chunks):
                yield from result
                done += 1
    except BrokenProcessPool:
        local = analyser or shared_analyser()
        for texts_chunk, ages_chunk in chunks[done:]:
            yield from local.analyse(texts_chunk, ages_chunk)
