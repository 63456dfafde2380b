"""The Splink model: comparisons, blocking rules, training, and the phrase for each level.

One definition serves every backend: the comparisons use Splink's level
library (or dialect-neutral SQL translated by Splink), so the same settings
build on DuckDB and on Spark.

Each comparison level carries a plain-English phrase, used as evidence for a
link ("same NHS number; given name similar (0.94); same date of birth"), and
a prior m probability, used when the model is not trained by expectation
maximisation (small stores) and as EM's starting point otherwise.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

# A scored pair is linked when its match probability reaches this (match weight ≥ about 3.2);
# chosen on synthetic records (docs/resolve.md: the precision/recall table by threshold).
DEFAULT_THRESHOLD = 0.9
# Pairs scored at or above this probability are kept in `resolve_pairs` for explanation.
KEEP_PAIRS_ABOVE = 0.001
# Prior probability that two records picked at random are one person (before training).
PRIOR_MATCH_PROBABILITY = 1e-4
# Smallest m probability a trained level may keep (see floor_m_probabilities).
M_FLOOR = 0.01


@dataclass(frozen=True)
class Level:
    creator: Any
    phrase: str | None  # None: says nothing (null level)
    m: float  # prior m probability
    u: float = (
        0.5  # prior u probability, replaced by random sampling where the sample has the level
    )
    similarity_sql: str | None = None  # shown in the phrase as "(0.94)"


@dataclass(frozen=True)
class ComparisonSpec:
    name: str
    description: str
    levels: list[Level] = field(default_factory=list)

    def creator(self, with_priors: bool) -> cl.CustomComparison:
        levels = []
        for level in self.levels:
            creator = level.creator
            if level.phrase is not None:
                creator = creator.configure(label_for_charts=level.phrase)
            if with_priors and level.phrase is not None:
                creator = creator.configure(m_probability=level.m, u_probability=level.u)
            levels.append(creator)
        return cl.CustomComparison(
            levels, output_column_name=self.name, comparison_description=self.description
        )


def _null(*columns: str) -> Any:
    condition = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return cll.CustomLevel(condition, base_dialect_str="duckdb").configure(is_null_level=True)


def _both_null(a: str, b: str) -> Any:
    condition = f"({a}_l IS NULL AND {b}_l IS NULL) OR ({a}_r IS NULL AND {b}_r IS NULL)"
    return cll.CustomLevel(condition, base_dialect_str="duckdb").configure(is_null_level=True)


def _jw(column: str) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r)"


COMPARISONS: list[ComparisonSpec] = [
    ComparisonSpec(
        "nhs_number",
        "NHS number (valid check digit only)",
        [
            Level(_null("nhs_number_norm"), None, 0),
            Level(cll.ExactMatchLevel("nhs_number_norm"), "same NHS number", 0.97, 1e-7),
            Level(cll.ElseLevel(), "different NHS numbers", 0.03, 1.0),
        ],
    ),
    ComparisonSpec(
        "upn",
        "Unique Pupil Number",
        [
            Level(_null("upn_norm"), None, 0),
            Level(cll.ExactMatchLevel("upn_norm"), "same UPN", 0.95, 1e-6),
            Level(cll.ElseLevel(), "different UPNs", 0.05, 1.0),
        ],
    ),
    ComparisonSpec(
        "given_name",
        "Given name: exact, nickname or alias, Jaro-Winkler",
        [
            Level(_null("given_name_norm"), None, 0),
            Level(cll.ExactMatchLevel("given_name_norm"), "same given name", 0.82, 0.01),
            Level(
                cll.CustomLevel(
                    "given_name_norm_l = family_name_norm_r AND family_name_norm_l = given_name_norm_r",
                    base_dialect_str="duckdb",
                ),
                "given and family names swapped",
                0.02,
                1e-5,
            ),
            Level(
                cll.ArrayIntersectLevel("given_name_roots", 1),
                "given names are forms of one name (nickname or alias)",
                0.08,
                0.005,
            ),
            Level(
                cll.JaroWinklerLevel("given_name_norm", 0.92),
                "given name similar ({similarity})",
                0.05,
                0.01,
                _jw("given_name_norm"),
            ),
            Level(
                cll.JaroWinklerLevel("given_name_norm", 0.80),
                "given name somewhat similar ({similarity})",
                0.03,
                0.05,
                _jw("given_name_norm"),
            ),
            Level(cll.ElseLevel(), "different given names", 0.02, 0.93),
        ],
    ),
    ComparisonSpec(
        "family_name",
        "Family name: exact, a part of a double-barrelled name, Jaro-Winkler",
        [
            Level(_null("family_name_norm"), None, 0),
            Level(cll.ExactMatchLevel("family_name_norm"), "same family name", 0.85, 0.005),
            Level(
                cll.ArrayIntersectLevel("family_name_parts", 1),
                "family names share a part",
                0.05,
                0.001,
            ),
            Level(
                cll.JaroWinklerLevel("family_name_norm", 0.92),
                "family name similar ({similarity})",
                0.04,
                0.005,
                _jw("family_name_norm"),
            ),
            Level(
                cll.JaroWinklerLevel("family_name_norm", 0.80),
                "family name somewhat similar ({similarity})",
                0.02,
                0.05,
                _jw("family_name_norm"),
            ),
            Level(cll.ElseLevel(), "different family names", 0.04, 0.94),
        ],
    ),
    ComparisonSpec(
        "date_of_birth",
        "Date of birth: exact, day and month swapped, one character different, year",
        [
            Level(_both_null("dob", "birth_year"), None, 0),
            Level(cll.ExactMatchLevel("dob"), "same date of birth", 0.86, 5e-5),
            Level(
                cll.CustomLevel("dob_key_l = dob_key_r", base_dialect_str="duckdb"),
                "same date of birth with day and month swapped",
                0.03,
                5e-5,
            ),
            Level(
                cll.DamerauLevenshteinLevel("dob_text", 1),
                "date of birth differs by one character",
                0.04,
                0.001,
            ),
            Level(cll.ExactMatchLevel("birth_year"), "same year of birth", 0.04, 0.015),
            Level(
                cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 1", base_dialect_str="duckdb"),
                "year of birth within one year",
                0.02,
                0.03,
            ),
            Level(cll.ElseLevel(), "different dates of birth", 0.01, 0.95),
        ],
    ),
    ComparisonSpec(
        "sex",
        "Sex",
        [
            Level(_null("sex"), None, 0),
            Level(cll.ExactMatchLevel("sex"), "same sex", 0.98, 0.5),
            Level(cll.ElseLevel(), "different sex recorded", 0.02, 0.5),
        ],
    ),
    ComparisonSpec(
        "postcode",
        "Postcode: full, sector, district",
        [
            Level(_null("postcode_norm"), None, 0),
            Level(cll.ExactMatchLevel("postcode_norm"), "same postcode", 0.6, 1e-4),
            Level(cll.ExactMatchLevel("postcode_sector"), "same postcode sector", 0.1, 0.005),
            Level(cll.ExactMatchLevel("postcode_district"), "same postcode district", 0.1, 0.02),
            Level(cll.ElseLevel(), "different postcode areas", 0.2, 0.975),
        ],
    ),
    ComparisonSpec(
        "phone",
        "Phone numbers (E.164): any in common",
        [
            Level(_null("phones"), None, 0),
            Level(cll.ArrayIntersectLevel("phones", 1), "a phone number in common", 0.6, 1e-5),
            Level(cll.ElseLevel(), "no phone number in common", 0.4, 1.0),
        ],
    ),
    ComparisonSpec(
        "email",
        "Email addresses: any in common",
        [
            Level(_null("emails"), None, 0),
            Level(cll.ArrayIntersectLevel("emails", 1), "an email address in common", 0.6, 1e-5),
            Level(cll.ElseLevel(), "no email address in common", 0.4, 1.0),
        ],
    ),
]

# Blocking for prediction: each rule is an equi-join, so the comparison count
# grows with the size of the largest blocks, not with n². See docs/resolve.md.
PREDICTION_BLOCKING: list[Any] = [
    block_on("nhs_number_norm"),
    block_on("upn_norm"),
    block_on("dob_key", "family_name_key"),
    block_on("dob_key", "given_name_roots", arrays_to_explode=["given_name_roots"]),
    block_on(
        "family_name_key", "given_name_roots", "birth_year", arrays_to_explode=["given_name_roots"]
    ),
    block_on("postcode_norm", "given_name_roots", arrays_to_explode=["given_name_roots"]),
    block_on("postcode_norm", "dob_key"),
    block_on("postcode_norm", "family_name_key"),
    # same full name, years of birth at most one apart (a typo in the year, or year-only records)
    "l.given_name_norm = r.given_name_norm AND l.family_name_norm = r.family_name_norm "
    "AND abs(l.birth_year - r.birth_year) <= 1",
    block_on("phone_first"),
]

# EM runs once per rule; each estimates the m of the comparisons not in its rule.
TRAINING_BLOCKING = [
    block_on("dob"),
    block_on("family_name_norm", "given_name_norm"),
]

# Deterministic rules for estimating the prior probability that two records match.
DETERMINISTIC_RULES = [
    block_on("nhs_number_norm"),
    block_on("upn_norm"),
    block_on("given_name_norm", "family_name_norm", "dob"),
]


def settings(
    with_priors: bool = True, probability_two_random_records_match: float = PRIOR_MATCH_PROBABILITY
) -> SettingsCreator:
    """The Splink settings for dedupe across all agencies' records (`person_records`)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[c.creator(with_priors) for c in COMPARISONS],
        blocking_rules_to_generate_predictions=PREDICTION_BLOCKING,
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["given_name_first", "dob_text", "first_recorded_at"],
        max_iterations=20,
    )


def train(linker: Any, *, use_em: bool, seed: int = 42, max_pairs_u: float = 2e6) -> list[str]:
    """Estimate the model's parameters without labels; returns a log of what was done.

    With `use_em` false (a store too small to estimate from: a handful of records
    makes random-sample u values meaningless), the documented priors stand.
    """
    if not use_em:
        return [
            f"prior probability two random records match: {PRIOR_MATCH_PROBABILITY} (documented prior)",
            "u and m: documented priors (store too small to estimate them)",
        ]
    log = []
    clock = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(DETERMINISTIC_RULES, recall=0.8)
    log.append(
        f"probability two random records match: deterministic rules, recall 0.8 ({time.perf_counter() - clock:.1f}s)"
    )
    clock = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    log.append(
        f"u: random sampling of up to {max_pairs_u:.0e} pairs (seed {seed}; {time.perf_counter() - clock:.1f}s)"
    )
    clock = time.perf_counter()
    for number, rule in enumerate(TRAINING_BLOCKING, 1):
        before = copy.deepcopy(linker._settings_obj)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=2e6
            )
        except ValueError as error:  # an m or u underflowed (Splink refuses values below 1e-300)
            # Seen on one agency's records alone (a siloed run), when EM drives a level that is
            # almost never observed towards zero; the model as it was before this session
            # (earlier estimates, or the documented priors) stands, floored below.
            linker._settings_obj = before
            log.append(f"m: expectation maximisation session {number} abandoned ({error})")
    floor_m_probabilities(linker)
    log.append(
        f"m: expectation maximisation blocked on date of birth, then on full name ({time.perf_counter() - clock:.1f}s)"
    )
    log.append(
        f"m floored at {M_FLOOR}: no single disagreement outweighs the rest by more than a few bits"
    )
    return log


def floor_m_probabilities(linker: Any, floor: float = M_FLOOR) -> None:
    """Raise any trained m below `floor` to it.

    EM on clean-looking data drives the m of a disagreement level (different
    sex recorded, no phone in common) towards zero, which would make one
    clerical error veto a link that every other field supports.
    """
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            m = level.m_probability
            if m is not None and m < floor:
                level.m_probability = floor


def level_table(linker: Any) -> list[dict[str, Any]]:
    """One row per (comparison, level) of the trained model: gamma, phrase, match weight, m and u."""
    rows = []
    trained = {c.output_column_name: c for c in linker._settings_obj.comparisons}
    for spec in COMPARISONS:
        comparison = trained[spec.name]
        for level, trained_level in zip(spec.levels, comparison.comparison_levels, strict=True):
            if level.phrase is None:
                continue
            rows.append(
                {
                    "comparison": spec.name,
                    "gamma": trained_level.comparison_vector_value,
                    "phrase": level.phrase,
                    "similarity_sql": level.similarity_sql,
                    "match_weight": float(trained_level._log2_bayes_factor),
                    "m_probability": float(trained_level.m_probability),
                    "u_probability": float(trained_level.u_probability),
                }
            )
    return rows
