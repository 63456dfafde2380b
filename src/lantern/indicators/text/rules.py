"""Text rules as data: read the YAML files beside this module and compile them.

`patterns.yaml` holds the indicator patterns, `context.yaml` the negation,
hypothetical, historical and experiencer cues, `language.yaml` the
victim-blaming phrases. The small pattern language is described at the top
of `patterns.yaml`; `compile_pattern` turns one pattern into either a phrase
(for spaCy's PhraseMatcher) or a token pattern (for its Matcher).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lantern.config_files import read_mapping
from lantern.errors import ConfigError

HERE = Path(__file__).parent
PATTERNS_PATH = HERE / "patterns.yaml"
CONTEXT_PATH = HERE / "context.yaml"
LANGUAGE_PATH = HERE / "language.yaml"

_TOKEN_MARKS = ("|", "?", "_", "#", "re:", "$")
_GAP = re.compile(r"^_(\{\d+,\d+\})?$")


def _is_token_pattern(text: str) -> bool:
    return any(mark in slot for slot in text.split() for mark in _TOKEN_MARKS if slot != "?")


def compile_pattern(text: str, macros: dict[str, str]) -> str | list[dict[str, Any]]:
    """A plain phrase stays a string; anything with marks becomes a spaCy token pattern."""
    if not _is_token_pattern(text):
        return text
    tokens: list[dict[str, Any]] = []
    for raw in text.split():
        gap = _GAP.match(raw)
        if gap:
            tokens.append({"OP": gap.group(1)} if gap.group(1) else {})
            continue
        optional = raw.endswith("?") and len(raw) > 1 and not raw.startswith("re:")
        slot = raw[:-1] if optional else raw
        spec = _slot_spec(slot, macros, text)
        if optional:
            spec["OP"] = "?"
        tokens.append(spec)
    return tokens


def expand_phrases(text: str, macros: dict[str, str], limit: int = 5000) -> list[str] | None:
    """All the plain phrases a gap-free, regex-free token pattern stands for, or None.

    Phrases go to spaCy's PhraseMatcher, which costs the same however many
    there are; the token Matcher's cost grows with every pattern.
    """
    if not _is_token_pattern(text):
        return [text]
    options: list[list[str]] = [[]]
    for raw in text.split():
        if _GAP.match(raw) or raw.startswith("re:") or "#" in raw:
            return None
        optional = raw.endswith("?") and len(raw) > 1
        slot = raw[:-1] if optional else raw
        words: list[str] = []
        for alternative in slot.split("|"):
            if alternative.startswith("$"):
                expansion = macros.get(alternative[1:], "")
                if expansion.startswith("re:") or not expansion:
                    return None
                words.extend(expansion.split("|"))
            else:
                words.append(alternative)
        if optional:
            words.append("")
        options = [prefix + [w] if w else prefix for prefix in options for w in words]
        if len(options) > limit:
            return None
    return [" ".join(words) for words in options if words]


def _slot_spec(slot: str, macros: dict[str, str], pattern: str) -> dict[str, Any]:
    if slot.startswith("re:"):
        return {"LOWER": {"REGEX": slot[3:]}}
    if slot.startswith("$") and "|" not in slot and macros.get(slot[1:], "").startswith("re:"):
        return {"LOWER": {"REGEX": macros[slot[1:]][3:]}}
    words: list[str] = []
    for alternative in slot.split("|"):
        if alternative.startswith("$"):
            name = alternative[1:]
            if name not in macros:
                raise ConfigError(f"text pattern {pattern!r} uses unknown macro ${name}")
            words.extend(macros[name].split("|"))
        else:
            words.append(alternative)
    words = [w.lower() for w in words]
    return {"LOWER": words[0]} if len(words) == 1 else {"LOWER": {"IN": words}}


@dataclass(frozen=True)
class LanguageRule:
    id: str
    suggestion: str
    patterns: list[str]
    sources: list[str] = field(default_factory=list)
    max_child_age: int | None = None
    needs_adult_cue: bool = False
    # The writer's own word only: not inside quotation marks ("a new 'boyfriend'": the
    # writer distances herself from it) nor in someone's reported words ("Jodie says Mike is
    # her boyfriend": the child's word for him, recorded).
    writer_only: bool = False


@dataclass(frozen=True)
class TextRules:
    macros: dict[str, str]
    indicators: dict[str, list[str]]
    subject_fixed: frozenset[str]
    # indicator -> phrases (lower-case words) that drop a match right after / before them
    exclude_after: dict[str, tuple[tuple[str, ...], ...]]
    exclude_before: dict[str, tuple[tuple[str, ...], ...]]
    # named concern -> (signs it explains in its sentence, findings and words that keep them)
    named_in_sentence: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]]
    context: dict[str, Any]
    language: list[LanguageRule]


def _read(path: Path) -> dict[str, Any]:
    return read_mapping(path, "text rules")


def _phrases(entries: dict[str, list[str]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    return {k: tuple(tuple(str(p).lower().split()) for p in v) for k, v in entries.items()}


@cache
def load_rules() -> TextRules:
    patterns = _read(PATTERNS_PATH)
    context = _read(CONTEXT_PATH)
    language = _read(LANGUAGE_PATH)
    rules = TextRules(
        macros={k: str(v) for k, v in patterns["macros"].items()},
        indicators={k: [str(p) for p in v] for k, v in patterns["indicators"].items()},
        subject_fixed=frozenset(patterns.get("subject_fixed", [])),
        exclude_after=_phrases(patterns.get("exclude_after", {})),
        exclude_before=_phrases(patterns.get("exclude_before", {})),
        named_in_sentence={
            k: (
                frozenset(v["explains"]),
                frozenset(v.get("unless", [])),
                frozenset(w.lower() for w in v.get("unless_words", [])),
            )
            for k, v in patterns.get("named_in_sentence", {}).items()
        },
        context=context,
        language=[LanguageRule(**entry) for entry in language["phrases"]],
    )
    for texts in rules.indicators.values():  # fail early on a bad macro
        for text in texts:
            compile_pattern(text, rules.macros)
    return rules
