"""The Lantern Interchange Format, version 1, defined once.

Every table and column of the format lives here with its type, whether it is
required, its vocabulary and its meaning. Validation (`lantern.interchange.checks`),
`lantern schema` and `docs/interchange-schema.md` are all generated from these objects, so
they cannot drift apart. The authoritative prose is `docs/interchange.md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT_VERSION = 1

# Column kinds. Each kind has one check in `lantern.interchange.checks`.
TEXT = "text"  # free text, stored as given (an empty string means unknown)
REF = "ref"  # an agency's own identifier; surrounding spaces are trimmed
AGENCY = "agency"  # a short lower-case code `[a-z][a-z0-9_]*`
DATE = "date"  # YYYY-MM-DD
TIMESTAMP = "timestamp"  # ISO 8601, with or without an offset; naive means Europe/London
INTEGER = "integer"
DECIMAL = "decimal"
VOCAB = "vocabulary"  # one of a fixed list
LIST = "list"  # `;`-separated values, stored as given
NHS_NUMBER = "nhs_number"  # 10 digits, spaces allowed, mod-11 check digit (a warning if wrong)

AGENCY_PATTERN = "[a-z][a-z0-9_]*"
STANDARD_AGENCIES = ("police", "social_care", "health", "education")

# A field longer than this is refused: no real record needs it, and it is how a
# corrupted export (a whole file in one quoted field) usually shows itself.
MAX_FIELD_CHARS = 100_000


@dataclass(frozen=True)
class Column:
    """One column of an interchange table."""

    name: str
    kind: str
    meaning: str
    required: bool = False
    vocabulary: tuple[str, ...] = ()
    # What happens to a value outside the vocabulary: "quarantine" the row, or store "other"
    # and warn (event types, where a new local type must not lose the record).
    unknown_becomes: str | None = None
    # Inclusive bounds for integers and decimals.
    minimum: float | None = None
    maximum: float | None = None
    # Protected characteristic: loaded into `equality_monitoring` only, never beside the record.
    protected: bool = False
    # Spellings accepted for a vocabulary value (compared case-insensitively); a synonym of
    # None means "unknown": stored as empty, with a warning.
    synonyms: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class Table:
    """One table of the format: its columns, its key and what a row is."""

    name: str
    meaning: str
    columns: tuple[Column, ...]
    # Unique within one load: a second row with the same key is quarantined as a duplicate.
    key: tuple[str, ...]
    # References this table makes: column → (table, column), always within the same agency.
    references: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        """Columns stored on the row itself (protected ones go to equality monitoring)."""
        return tuple(c for c in self.columns if not c.protected)

    @property
    def protected_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.protected)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "police": (
        "missing_report",
        "found_report",
        "incident",
        "crime_report",
        "sexual_offence_report",
        "intelligence",
        "stop_search",
        "arrest",
        "vehicle_stop",
        "concern_for_welfare",
        "charge",
        "conviction",
    ),
    "social_care": (
        "contact",
        "referral",
        "assessment",
        "strategy_discussion",
        "section47",
        "cp_conference",
        "cp_plan_start",
        "cp_plan_end",
        "care_episode_start",
        "care_episode_end",
        "placement_move",
        "missing_from_care",
        "away_from_placement",
        "return_home_interview",
    ),
    "health": (
        "ed_attendance",
        "sexual_health_attendance",
        "sti_diagnosis",
        "pregnancy",
        "termination",
        "substance_misuse_service",
        "self_harm",
        "injury",
        "gp_consultation",
        "safeguarding_referral",
    ),
    "education": ("absence", "exclusion", "school_concern", "children_missing_education"),
    "any": ("note", "other"),
}
ALL_EVENT_TYPES: tuple[str, ...] = tuple(t for types in EVENT_TYPES.values() for t in types)

PERSON_ROLES = (
    "subject",
    "victim",
    "suspect",
    "offender",
    "witness",
    "reporter",
    "associate",
    "parent",
    "carer",
    "professional",
    "other",
)
THING_KINDS = ("vehicle", "phone", "email", "social_handle", "address")
THING_ROLES = ("used_by_suspect", "seen_with_subject", "owned_by", "other")
SEXES = ("F", "M", "X")

_AGENCY = Column(
    "agency",
    AGENCY,
    "source system: police, social_care, health, education, or any other [a-z][a-z0-9_]*",
    required=True,
)

PEOPLE = Table(
    name="people",
    meaning="one row per person record held by an agency",
    key=("agency", "person_ref"),
    columns=(
        _AGENCY,
        Column("person_ref", REF, "the agency's own id for this record", required=True),
        Column("given_name", TEXT, "as recorded, any case, may be misspelt"),
        Column("family_name", TEXT, "as recorded, any case, may be misspelt"),
        Column("other_names", LIST, "aliases and nicknames, ;-separated (Tommo;T-Bone)"),
        Column("date_of_birth", DATE, "YYYY-MM-DD; may be wrong or approximate"),
        Column(
            "birth_year",
            INTEGER,
            "when only an approximate age is known",
            minimum=1900,
            maximum=2100,
        ),
        Column(
            "sex",
            VOCAB,
            "F, M, X or empty",
            vocabulary=SEXES,
            unknown_becomes="quarantine",
            synonyms=(
                ("female", "F"),
                ("male", "M"),
                ("u", None),
                ("unknown", None),
                ("not known", None),
                ("not stated", None),
            ),
        ),
        Column("nhs_number", NHS_NUMBER, "10 digits, spaces allowed; mod-11 check digit"),
        Column("upn", TEXT, "13-character Unique Pupil Number"),
        Column("postcode", TEXT, "UK postcode, any spacing/case"),
        Column("address", TEXT, "free text"),
        Column("phone", LIST, ";-separated, any UK format"),
        Column("email", LIST, ";-separated"),
        Column(
            "ethnicity",
            TEXT,
            "2021 Census code; equality monitoring only, never an input to linking, "
            "indicators or scoring",
            protected=True,
        ),
    ),
)

# The reference from event_people and event_things to their event.
_EVENT_REF = Column("event_ref", REF, "must exist in events for that agency", required=True)

EVENTS = Table(
    name="events",
    meaning="one row per thing that happened and was recorded",
    key=("agency", "event_ref"),
    columns=(
        _AGENCY,
        Column("event_ref", REF, "the agency's own id for this event", required=True),
        Column(
            "event_type",
            VOCAB,
            "from the event-type vocabulary; an unknown type is stored as 'other' with a warning",
            required=True,
            vocabulary=ALL_EVENT_TYPES,
            unknown_becomes="other",
        ),
        Column("occurred_at", TIMESTAMP, "when it happened (start)", required=True),
        Column(
            "recorded_at",
            TIMESTAMP,
            "when the agency recorded it; defaults to occurred_at",
        ),
        Column("ended_at", TIMESTAMP, "e.g. end of a missing episode or placement"),
        Column("postcode", TEXT, "where: UK postcode"),
        Column("place_name", TEXT, "where: a name"),
        Column("latitude", DECIMAL, "where: WGS84 latitude", minimum=-90, maximum=90),
        Column("longitude", DECIMAL, "where: WGS84 longitude", minimum=-180, maximum=180),
        Column("narrative", TEXT, "free text as written by the practitioner"),
        Column("outcome", TEXT, "free text or a local code (NFA, closed)"),
        Column("codes", LIST, ";-separated scheme:code, e.g. cin:11A;hocr:22B"),
    ),
)

EVENT_PEOPLE = Table(
    name="event_people",
    meaning="who was involved in an event, and how",
    key=("agency", "event_ref", "person_ref", "role"),
    references={"event_ref": ("events", "event_ref"), "person_ref": ("people", "person_ref")},
    columns=(
        _AGENCY,
        _EVENT_REF,
        Column("person_ref", REF, "must exist in people for that agency", required=True),
        Column(
            "role",
            VOCAB,
            "how the person was involved; subject is the child the record is about",
            required=True,
            vocabulary=PERSON_ROLES,
            unknown_becomes="quarantine",
        ),
    ),
)

EVENT_THINGS = Table(
    name="event_things",
    meaning="vehicles, phones and handles seen in an event",
    key=("agency", "event_ref", "kind", "value"),
    references={"event_ref": ("events", "event_ref")},
    columns=(
        _AGENCY,
        _EVENT_REF,
        Column(
            "kind",
            VOCAB,
            "what the thing is",
            required=True,
            vocabulary=THING_KINDS,
            unknown_becomes="quarantine",
        ),
        Column("value", TEXT, "as recorded: 'ab12 cde', '07700 900123', '@name'", required=True),
        Column(
            "role",
            VOCAB,
            "how the thing figured in the event",
            vocabulary=THING_ROLES,
            unknown_becomes="quarantine",
        ),
        Column("description", TEXT, "e.g. 'silver Vauxhall Astra'"),
    ),
)

# Disruption actions (a compatible extension of version 1, docs/interchange.md "Disruption
# actions"): what a partnership did against an adult, a vehicle or a place. Optional: a dataset
# without the file is unchanged.
DISRUPTION_ACTIONS_VOCAB = (
    "cawn",
    "sexual_risk_order",
    "shpo",
    "bail_conditions",
    "licensing_referral",
    "premises_visit",
    "anpr_marker",
    "arrest",
    "other",
)
DISRUPTION_TARGETS = ("person", "vehicle", "place")

DISRUPTION_ACTIONS = Table(
    name="disruption_actions",
    meaning="a disruption action against an adult, a vehicle or a place (optional)",
    key=("agency", "action_ref"),
    references={"person_ref": ("people", "person_ref")},
    columns=(
        _AGENCY,
        Column("action_ref", REF, "the agency's own id for this action", required=True),
        Column(
            "action",
            VOCAB,
            "what was done; an unknown action is stored as 'other' with a warning",
            required=True,
            vocabulary=DISRUPTION_ACTIONS_VOCAB,
            unknown_becomes="other",
            synonyms=(
                ("child abduction warning notice", "cawn"),
                ("child abduction warning", "cawn"),
                ("harbourers warning notice", "cawn"),
                ("sro", "sexual_risk_order"),
                ("sexual risk order", "sexual_risk_order"),
                ("sexual harm prevention order", "shpo"),
                ("bail", "bail_conditions"),
                ("bail conditions", "bail_conditions"),
                ("licensing referral", "licensing_referral"),
                ("premises visit", "premises_visit"),
                ("anpr marker", "anpr_marker"),
                ("pnc marker", "anpr_marker"),
            ),
        ),
        Column(
            "target_kind",
            VOCAB,
            "what the action is against: person, vehicle or place",
            required=True,
            vocabulary=DISRUPTION_TARGETS,
            unknown_becomes="quarantine",
        ),
        Column(
            "person_ref",
            REF,
            "the person it is against (target_kind person): must exist in people for that agency",
        ),
        Column(
            "target_value",
            TEXT,
            "the vehicle's registration (target_kind vehicle) or the place's name or postcode "
            "(target_kind place), as recorded",
        ),
        Column("started_on", DATE, "the date the action was taken or began", required=True),
        Column("ended_on", DATE, "the date it ended or expires (an order, bail); empty if open"),
        Column(
            "recorded_at",
            TIMESTAMP,
            "when the agency recorded it; defaults to started_on",
        ),
        Column("owner", TEXT, "who holds the action: an officer, a team or a role"),
        Column("outcome", TEXT, "what came of it, as recorded (served, breached, refused)"),
        Column("notes", TEXT, "free text as written by the practitioner"),
    ),
)

# In load order: references point only to tables loaded earlier.
TABLES: dict[str, Table] = {
    t.name: t for t in (PEOPLE, EVENTS, EVENT_PEOPLE, EVENT_THINGS, DISRUPTION_ACTIONS)
}

# An optional column on any table: where an adapter found the row in its source ("Episodes.csv,
# line 12"; docs/interchange.md, "Provenance"). Kept in `attributes` like any extra column, but
# expected, so a load does not note it as unknown.
PROVENANCE_COLUMN = "source"

# Extra columns an agency may send that are protected characteristics. They are never kept in
# `attributes`; like `ethnicity` they go only to `equality_monitoring`.
PROTECTED_EXTRA_COLUMNS = ("religion", "nationality")


def vocabulary_text(column: Column) -> str:
    if column.name == "event_type":
        return "; ".join(f"{agency}: {', '.join(types)}" for agency, types in EVENT_TYPES.items())
    return ", ".join(column.vocabulary)


def describe_type(column: Column) -> str:
    if column.kind == VOCAB:
        return "vocabulary"
    if column.kind in (INTEGER, DECIMAL) and column.minimum is not None:
        return f"{column.kind} {column.minimum:g}..{column.maximum:g}"
    return column.kind


def render_markdown() -> str:
    """The format as Markdown tables (what `lantern schema --markdown` writes)."""
    lines = [
        f"# Interchange format version {FORMAT_VERSION}: tables and columns",
        "",
        "Generated by `lantern schema --markdown` from `lantern/interchange/schema.py`;",
        "do not edit by hand. The prose contract is `docs/interchange.md`.",
        "",
    ]
    for table in TABLES.values():
        lines += [
            f"## {table.name}",
            "",
            f"{table.meaning[0].upper()}{table.meaning[1:]}. Unique key within an agency: "
            f"{', '.join(f'`{k}`' for k in table.key)}.",
            "",
            "| column | type | required | vocabulary | meaning |",
            "|---|---|---|---|---|",
        ]
        for c in table.columns:
            meaning = c.meaning.replace("|", "\\|")
            lines.append(
                f"| `{c.name}` | {describe_type(c)} | {'yes' if c.required else ''} | "
                f"{vocabulary_text(c)} | {meaning} |"
            )
        lines.append("")
    return "\n".join(lines)
