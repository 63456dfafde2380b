"""Which text rules the tuning notes use: a rule or lexicon entry used by one note only is a
sign it was written for that note (issue 15, sixth session).

For every entry of the text layer's data files (`patterns.yaml` indicator patterns, every
concept word, abbreviation and composition of `concepts.yaml`, every cue of `context.yaml`,
every pattern of `language.yaml`) this counts the tuning notes (`bench/_work/text-dev/
tune.jsonl`, odd ids; fold A = id 1 mod 4, fold B = 3 mod 4) and the project's own annotated
sentences (`tests/datasets/narratives/*.jsonl`) in which the entry matches, as words (raw
matching: an entry that matches is not always one a finding rests on). It also names the
commit that last changed the entry's line (`git blame`), so an entry added while the tuning
notes were in view (issue 15, from commit 8b5b27e) can be told from an older one.

Run: .venv/bin/python bench/text_rule_usage.py [--singletons] > report.tsv
The held-out half (even ids) is not read.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lantern.indicators.text import concepts as concepts_module  # noqa: E402
from lantern.indicators.text.analyse import shared_analyser  # noqa: E402
from lantern.indicators.text.rules import (  # noqa: E402
    CONTEXT_PATH,
    LANGUAGE_PATH,
    PATTERNS_PATH,
    compile_pattern,
    expand_phrases,
)

TUNE = ROOT / "bench" / "_work" / "text-dev" / "tune.jsonl"
OWN = ROOT / "tests" / "datasets" / "narratives"
ISSUE_15_START = "8b5b27e"


def blame(path: Path) -> list[str]:
    """The commit (short) that last changed each line of `path`."""
    out = subprocess.run(
        ["git", "blame", "--line-porcelain", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commits = []
    for line in out.splitlines():
        if len(line) > 40 and line[40] == " " and all(c in "0123456789abcdef" for c in line[:40]):
            commits.append(line[:8])
    return commits


def issue_15_commits() -> set[str]:
    out = subprocess.run(
        ["git", "rev-list", f"{ISSUE_15_START}..HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {c[:8] for c in out.split()}


def line_of(lines: list[str], needle: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i
    for i in range(len(lines)):
        if needle in lines[i]:
            return i
    return -1


class Entries:
    def __init__(self, nlp: Any) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = nlp
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.tokens = Matcher(nlp.vocab)
        self.meta: dict[str, tuple[str, str, str, int]] = {}  # key -> (file, where, entry, line)

    def key(self, file: str, where: str, entry: str, line: int) -> str:
        k = f"{file}|{where}|{entry}"
        self.meta[k] = (file, where, entry, line)
        return k

    def add_phrases(self, key: str, phrases: list[str], case: bool = False) -> None:
        docs = [self.nlp.make_doc(p) for p in phrases if p.strip()]
        if docs:
            (self.orth if case else self.lower).add(key, docs)

    def add_pattern(self, key: str, text: str, macros: dict[str, str]) -> None:
        expanded = expand_phrases(text, macros)
        if expanded is not None:
            self.add_phrases(key, expanded)
        else:
            self.tokens.add(key, [compile_pattern(text, macros)])  # type: ignore[list-item]

    def found(self, doc: Any) -> set[str]:
        strings = self.nlp.vocab.strings
        out = set()
        for matcher in (self.lower, self.orth, self.tokens):
            for match_id, _, _ in matcher(doc):
                out.add(strings[match_id])
        return out


def build(analyser: Any) -> tuple[Entries, Any]:
    import yaml

    nlp = analyser.nlp
    entries = Entries(nlp)
    rules = analyser.rules
    macros = rules.macros
    # patterns.yaml: each indicator's patterns
    lines = PATTERNS_PATH.read_text(encoding="utf-8").splitlines()
    for indicator, texts in rules.indicators.items():
        at = line_of(lines, f"{indicator}:")
        for text in texts:
            n = line_of(lines, text, at)
            entries.add_pattern(entries.key("patterns", indicator, text, n), text, macros)
    # concepts.yaml: words (with inflections, as the reader reads them) and abbreviations
    data = concepts_module.load_concepts()
    lines = concepts_module.CONCEPTS_PATH.read_text(encoding="utf-8").splitlines()
    for concept, items in data["concepts"].items():
        at = line_of(lines, f"  {concept}:")
        for item in items:
            item = str(item)
            exact = item.startswith("=")
            phrase = item.lstrip("=")
            n = line_of(lines, phrase, at)
            key = entries.key("concepts", concept, item, n)
            if any(ch.isupper() for ch in phrase):
                entries.add_phrases(key, [phrase], case=True)
            elif exact or " " in phrase:
                entries.add_phrases(key, [phrase])
            else:
                entries.add_phrases(key, sorted(concepts_module._inflections(phrase)))
    for abbreviation, concept in data["abbreviations"].items():
        a = str(abbreviation)
        n = line_of(lines, f"{a}:")
        key = entries.key("concepts", f"abbreviation->{concept}", a, n)
        entries.add_phrases(key, [a], case=any(ch.isupper() for ch in a))
    # context.yaml: every list of cue phrases, by its path
    ctx = yaml.safe_load(CONTEXT_PATH.read_text(encoding="utf-8"))
    lines = CONTEXT_PATH.read_text(encoding="utf-8").splitlines()

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, str) and item.strip(" ,"):
                    n = line_of(lines, f'"{item}"') if f'"{item}"' in "\n".join(lines) else -1
                    if n < 0:
                        n = line_of(lines, item)
                    entries.add_phrases(entries.key("context", path, item, n), [item.strip()])

    walk(ctx, "")
    # language.yaml
    lines = LANGUAGE_PATH.read_text(encoding="utf-8").splitlines()
    for rule in rules.language:
        at = line_of(lines, f"id: {rule.id}")
        for text in rule.patterns:
            n = line_of(lines, text, at)
            entries.add_pattern(entries.key("language", rule.id, text, n), text, macros)
    return entries, data


def compositions(analyser: Any, doc: Any) -> set[str]:
    """The compositions of concepts.yaml that match in `doc` (as the reader matches them)."""
    from itertools import accumulate

    from lantern.indicators.text.people import token_lists

    reader = analyser.nlp.get_pipe("lantern_concepts").reader
    texts, lowers, starts = token_lists(doc)
    found = reader.occurrences(doc, lowers, starts)
    sentence = list(accumulate(1 if s else 0 for s in starts))
    sentence.append(sentence[-1] + 1 if sentence else 0)
    positions: dict[str, list[int]] = {}
    for i, lower in enumerate(lowers):
        positions.setdefault(lower, []).append(i)
    computed = concepts_module._Computed(doc, found, texts, lowers, starts)
    out = set()
    for rule in reader.rules + reader.explain_rules:
        if reader._match_rule(rule, positions, found, computed, sentence):
            out.add(f"concepts|compose.{rule.label}|{rule.text}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singletons", action="store_true", help="only entries of one note")
    args = parser.parse_args()
    analyser = shared_analyser()
    entries, data = build(analyser)
    notes = [json.loads(line) for line in TUNE.read_text(encoding="utf-8").splitlines() if line]
    own = [
        json.loads(line)["text"]
        for path in sorted(OWN.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    used: dict[str, set[str]] = defaultdict(set)
    own_used: dict[str, int] = defaultdict(int)
    for note in notes:
        doc = analyser.nlp(note["text"])
        for k in entries.found(doc) | compositions(analyser, doc):
            used[k].add(note["id"])
    for text in own:
        doc = analyser.nlp(text)
        for k in entries.found(doc) | compositions(analyser, doc):
            own_used[k] += 1
    blames = {
        "patterns": blame(PATTERNS_PATH),
        "concepts": blame(concepts_module.CONCEPTS_PATH),
        "context": blame(CONTEXT_PATH),
        "language": blame(LANGUAGE_PATH),
    }
    recent = issue_15_commits()
    concept_lines = concepts_module.CONCEPTS_PATH.read_text(encoding="utf-8").splitlines()
    for label, texts in data["compose"].items():
        for text in texts:
            entries.meta[f"concepts|compose.{label}|{text}"] = (
                "concepts",
                f"compose.{label}",
                text,
                line_of(concept_lines, text),
            )
    print("file\twhere\tentry\ttune_notes\tfold_A\tfold_B\town_sentences\tcommit\tissue15\tnotes")
    for k, (file, where, entry, line) in sorted(entries.meta.items()):
        ids = sorted(used.get(k, ()))
        if args.singletons and len(ids) != 1:
            continue
        commit = blames[file][line] if 0 <= line < len(blames[file]) else "?"
        fold_a = sum(1 for i in ids if int(i[1:]) % 4 == 1)
        print(
            f"{file}\t{where}\t{entry}\t{len(ids)}\t{fold_a}\t{len(ids) - fold_a}\t"
            f"{own_used.get(k, 0)}\t{commit}\t{'yes' if commit in recent else 'no'}\t"
            f"{','.join(ids)}"
        )


if __name__ == "__main__":
    main()
