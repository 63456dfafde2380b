"""Victim-blaming language by agency and year, with pseudonymised examples.

An example is the sentence around a phrase with every name of everyone in
the record, and anything that looks like a reference, phone, vehicle,
postcode, e-mail or handle, replaced — the review is read by people who have
no business knowing whose record it was.
"""

from __future__ import annotations

import re

import duckdb

from lantern.review.steps import Step

BY_AGENCY_YEAR = Step(
    "review_language",
    """
    SELECT lf.agency, year(CAST(lf.recorded_at AS DATE)) AS year, lf.kind,
           count(*) AS findings, count(DISTINCT lf.event_id) AS records,
           count(DISTINCT p.person_id) AS children
    FROM language_findings lf
    LEFT JOIN review_source_persons p ON p.record_id = lf.record_id
    CROSS JOIN review_period pd
    WHERE CAST(lf.recorded_at AS DATE) BETWEEN pd.period_from AND pd.period_to
    GROUP BY ALL
    ORDER BY lf.agency, year, lf.kind
    """,
    "victim-blaming phrases by agency, year and kind",
)

# The phrases each agency used most, with one occurrence each to quote.
_EXAMPLE_CANDIDATES = """
    WITH found AS (
        SELECT lf.agency, lower(lf.phrase) AS phrase_key, lf.phrase, lf.kind, lf.suggestion,
               lf.event_id, lf.span_start, lf.span_end, CAST(lf.recorded_at AS DATE) AS recorded_on
        FROM language_findings lf, review_period pd
        WHERE CAST(lf.recorded_at AS DATE) BETWEEN pd.period_from AND pd.period_to
    ),
    ranked AS (
        SELECT agency, phrase_key, count(*) AS occurrences,
               arg_min(event_id, recorded_on) AS event_id,
               arg_min(span_start, recorded_on) AS span_start,
               arg_min(span_end, recorded_on) AS span_end,
               arg_min(phrase, recorded_on) AS phrase, any_value(kind) AS kind,
               any_value(suggestion) AS suggestion, year(min(recorded_on)) AS first_year,
               row_number() OVER (PARTITION BY agency ORDER BY count(*) DESC, phrase_key) AS rank
        FROM found GROUP BY agency, phrase_key
    )
    SELECT r.agency, r.kind, r.phrase, r.suggestion, r.occurrences, r.first_year,
           r.span_start, r.span_end, e.narrative,
           (SELECT list(DISTINCT n) FROM (
                SELECT unnest([pe.given_name, pe.family_name]
                              || string_split(coalesce(pe.other_names, ''), ';')) AS n
                FROM event_people ep JOIN people pe ON pe.record_id = ep.record_id
                WHERE ep.event_id = r.event_id)
            WHERE n IS NOT NULL AND length(trim(n)) > 1) AS names
    FROM ranked r
    LEFT JOIN events e ON e.event_id = r.event_id
    WHERE r.rank <= ?
    ORDER BY r.agency, r.rank
"""

_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\w)@\w+"), "[handle]"),
    (re.compile(r"(\+44\s?|\b0)\d[\d ]{8,12}\d\b"), "[phone]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I), "[postcode]"),
    (re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", re.I), "[vehicle]"),
    (re.compile(r"\b(?=[\w/-]*\d)[A-Za-z]+[\w/-]*\b|\b\d{4,}\b"), "[ref]"),
)
_COMMON_CAPITALISED = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "police", "school", "she", "he", "her", "his", "they",
    "mum", "dad", "mother", "father", "nan", "gp", "a&e", "the", "a", "an", "and", "but",
    "i", "it", "we", "you", "this", "that", "there", "staff", "friends", "child",
}  # fmt: skip
# Abbreviations practitioners use; any other run of two or three capitals may be initials.
_COMMON_ABBREVIATIONS = {
    "CSE", "CCE", "YP", "GP", "NFA", "CP", "CIN", "LAC", "CLA", "SW", "PC", "DC", "DS", "MASH",
    "CAMHS", "STI", "ED", "AE", "RHI", "UK", "CID", "TV", "OK", "ASB", "SCR", "MACE", "EHCP",
}  # fmt: skip
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_INITIALS = re.compile(r"\b[A-Z]{2,3}\b")
_LOWER_WORDS_SQL = """
    SELECT DISTINCT w FROM (
        SELECT unnest(regexp_extract_all(narrative, '\\b[a-z][a-z]+\\b')) AS w
        FROM events WHERE narrative IS NOT NULL
    )
"""


def sentence_around(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence holding text[start:end], cut to about `limit` characters either side."""
    left = max(text.rfind(mark, 0, start) for mark in (".", "!", "?", "\n"))
    right_candidates = [i for i in (text.find(m, end) for m in (".", "!", "?", "\n")) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    left = max(left + 1, start - limit)
    right = min(right, end + limit)
    return text[left:right].strip()


def pseudonymise(text: str, names: list[str], vocabulary: frozenset[str] = frozenset()) -> str:
    """Replace names, references and identifiers.

    Besides the `names` given (everyone in the record) and identifier patterns, a
    capitalised word is taken for a name unless it is a common word or appears in
    lower case somewhere in the records (`vocabulary`), and two or three capitals
    for initials unless a common abbreviation.
    """
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "[name]", text, flags=re.I)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)

    def _name_or_word(match: re.Match[str]) -> str:
        word = match.group(0).lower()
        if word in _COMMON_CAPITALISED or word in vocabulary:
            return match.group(0)
        return "[name]"

    text = _CAPITALISED.sub(_name_or_word, text)
    return _INITIALS.sub(
        lambda m: m.group(0) if m.group(0) in _COMMON_ABBREVIATIONS else "[name]", text
    )


def write_examples(con: duckdb.DuckDBPyConnection, per_agency: int = 3) -> int:
    """Write `review_language_examples`: each agency's commonest phrases, quoted pseudonymised."""
    rows = con.execute(_EXAMPLE_CANDIDATES, [per_agency]).fetchall()
    vocabulary = (
        frozenset(w for (w,) in con.execute(_LOWER_WORDS_SQL).fetchall()) if rows else frozenset()
    )
    examples = []
    for (
        agency,
        kind,
        phrase,
        suggestion,
        occurrences,
        first_year,
        start,
        end,
        narrative,
        names,
    ) in rows:
        if (
            narrative
            and start is not None
            and end is not None
            and 0 <= start < end <= len(narrative)
        ):
            quoted = sentence_around(narrative, start, end)
        else:
            quoted = phrase or ""
        examples.append(
            (agency, kind, phrase, suggestion, occurrences, first_year,
             pseudonymise(quoted, list(names or []), vocabulary))
        )  # fmt: skip
    con.execute(
        """CREATE OR REPLACE TABLE review_language_examples (agency VARCHAR, kind VARCHAR,
           phrase VARCHAR, suggestion VARCHAR, occurrences INTEGER, first_year INTEGER,
           example VARCHAR)"""
    )
    if examples:
        con.executemany(
            "INSERT INTO review_language_examples VALUES (?, ?, ?, ?, ?, ?, ?)", examples
        )
    return len(examples)


STEPS = (BY_AGENCY_YEAR,)
