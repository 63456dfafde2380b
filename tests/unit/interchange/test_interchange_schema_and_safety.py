"""The declarative schema matches the spec's tables; formula escaping for exports."""

from __future__ import annotations

from pathlib import Path

from lantern.export_safety import escape_formula, escape_record, escape_row
from lantern.interchange import schema

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_the_schema_has_the_spec_s_tables_and_required_columns():
    # the spec's four, then Lantern's compatible extension (docs/interchange.md)
    assert list(schema.TABLES) == [
        "people", "events", "event_people", "event_things", "disruption_actions"
    ]  # fmt: skip
    required = {t.name: [c.name for c in t.columns if c.required] for t in schema.TABLES.values()}
    assert required == {
        "people": ["agency", "person_ref"],
        "events": ["agency", "event_ref", "event_type", "occurred_at"],
        "event_people": ["agency", "event_ref", "person_ref", "role"],
        "event_things": ["agency", "event_ref", "kind", "value"],
        "disruption_actions": ["agency", "action_ref", "action", "target_kind", "started_on"],
    }
    assert [c.name for c in schema.PEOPLE.protected_columns] == ["ethnicity"]
    assert "ethnicity" not in [c.name for c in schema.PEOPLE.stored_columns]


def test_every_spec_column_is_in_the_schema():
    spec = (DOCS / "interchange.md").read_text()
    for table in schema.TABLES.values():
        for column in table.columns:
            assert column.name in spec, column.name


def test_the_generated_schema_doc_is_up_to_date():
    assert (DOCS / "interchange-schema.md").read_text() == schema.render_markdown() + "\n"


def test_formula_like_values_are_escaped_and_others_are_not():
    assert escape_formula('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert escape_formula("+44 7700 900123") == "'+44 7700 900123"
    assert escape_formula("-1") == "'-1"
    assert escape_formula("@name") == "'@name"
    assert escape_formula("\t=1") == "'\t=1"
    assert escape_formula("Kayleigh") == "Kayleigh"
    assert escape_formula(-1) == -1
    assert escape_formula(None) is None
    assert escape_row(["=1", "ok", 3]) == ["'=1", "ok", 3]
    assert escape_record({"a": "@x", "b": "y"}) == {"a": "'@x", "b": "y"}
