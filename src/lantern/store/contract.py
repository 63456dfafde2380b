"""The store's contract between the stages, defined once: every derived table and column, the
stage that writes it, and the store version.

Shaped like `lantern.interchange.schema` (the input format): the stages' tables are listed here
with their DuckDB types, `docs/pipeline.md`'s "Every derived table and column" section is
generated from them (`python -m lantern.store.contract`; a test keeps it current), and a test
runs the whole pipeline and checks the store it writes against them. A stage that adds, renames
or drops a column changes `TABLES` here (and `STORE_VERSION` when a store written before the
change can no longer be read).

`STORE_VERSION` is written into the store (the view `lantern_store`) when a store is first opened for
writing, and checked once whenever a store is opened (`lantern.store.connection.connect`): a
store whose derived tables were written by an older Lantern is refused with a message that says
what to do (`lantern run --store S --full`, which writes every derived table again and then
stamps the store), rather than read through per-stage fallbacks.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lantern.errors import StoreError

# 1: the first store with a version (December 2026): every table and column below.
# 2: `assessments.legal_floor` and `points_band`: the score stage writes the floor and the band
#    the points alone give, which the app worked out again from the reasons' wording.
# 3: the adults' evidence picture (graph: adult_evidence, account_withdrawals, disruptions,
#    target_activity_months) and the store's disruption_actions (issue 22).
# 4: `indicator_hits.relation` ('family': the words name the adult as the child's family, or
#    the record attributes the sexual harm to the family), read by the graph and the score.
STORE_VERSION = 4
VERSION_TABLE = "lantern_store"
STAGES = ("resolve", "indicators", "graph", "score")


@dataclass(frozen=True)
class DerivedTable:
    """A table a stage writes: its name, the stage, and its (column, DuckDB type) pairs."""

    name: str
    stage: str
    columns: tuple[tuple[str, str], ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def _table(name: str, stage: str, columns: str) -> DerivedTable:
    """A table from "name TYPE, name TYPE, …" (DuckDB's type names, as information_schema
    gives them)."""
    pairs = (column.split(" ", 1) for column in columns.split(", "))
    return DerivedTable(name, stage, tuple((n, kind) for n, kind in pairs))


# fmt: off
TABLES: tuple[DerivedTable, ...] = (
    # resolve -----------------------------------------------------------------------------------
    _table("person_records", "resolve",
        "record_id VARCHAR, agency VARCHAR, person_ref VARCHAR, first_recorded_at TIMESTAMP, "
        "given_name_norm VARCHAR, given_name_first VARCHAR, given_name_root VARCHAR, "
        "given_name_roots VARCHAR[], other_names_norm VARCHAR[], family_name_norm VARCHAR, "
        "family_name_parts VARCHAR[], family_name_key VARCHAR, dob DATE, dob_text VARCHAR, "
        "dob_key VARCHAR, birth_year BIGINT, sex VARCHAR, postcode_norm VARCHAR, postcode_sector "
        "VARCHAR, postcode_district VARCHAR, phones VARCHAR[], phone_first VARCHAR, emails "
        "VARCHAR[], nhs_number_norm VARCHAR, upn_norm VARCHAR"),
    _table("persons", "resolve",
        "record_id VARCHAR, person_id VARCHAR"),
    _table("person_identity", "resolve",
        "person_id VARCHAR, date_of_birth DATE, birth_year BIGINT, born DATE, "
        "dob_records BIGINT, dob_disagreements VARCHAR"),
    _table("record_links", "resolve",
        "record_id_l VARCHAR, record_id_r VARCHAR, match_weight DOUBLE, match_probability DOUBLE, "
        "available_at TIMESTAMP, source VARCHAR, evidence VARCHAR"),
    _table("resolve_candidates", "resolve",
        "record_id_l VARCHAR, record_id_r VARCHAR, match_weight DOUBLE, match_probability DOUBLE, "
        "available_at TIMESTAMP, source VARCHAR, evidence VARCHAR"),
    _table("record_person_spans", "resolve",
        "record_id VARCHAR, component VARCHAR, person_label VARCHAR, valid_from TIMESTAMP, "
        "valid_to TIMESTAMP"),
    _table("record_together", "resolve",
        "record_a VARCHAR, record_b VARCHAR, together_from TIMESTAMP, together_to TIMESTAMP"),
    _table("resolve_scored", "resolve",
        "record_id_l VARCHAR, record_id_r VARCHAR, match_weight DOUBLE, available_at TIMESTAMP, "
        "source VARCHAR"),
    _table("resolve_cannot_link", "resolve",
        "record_id_l VARCHAR, record_id_r VARCHAR, reason VARCHAR"),
    _table("resolve_decisions", "resolve",
        "record_id_l VARCHAR, record_id_r VARCHAR, decision VARCHAR, decided_by VARCHAR, reason "
        "VARCHAR, decided_at TIMESTAMP"),
    _table("resolve_dob_decisions", "resolve",
        "decision_id VARCHAR, record_id VARCHAR, date_of_birth DATE, decided_by VARCHAR, reason "
        "VARCHAR, decided_at TIMESTAMP"),
    _table("resolve_guarded", "resolve",
        "record_id_l VARCHAR, record_id_r VARCHAR, reason VARCHAR"),
    # Kept across runs: each run that resolves again appends its merges, splits and renamings
    # (lantern.resolve.person_changes); the model a full run trained, for incremental runs.
    _table("person_changes", "resolve",
        "changed_at TIMESTAMP, load_id VARCHAR, change VARCHAR, person_id VARCHAR, "
        "previous_person_id VARCHAR, records VARCHAR[]"),
    # The normalisers' results by distinct raw value, kept for the next run (resolve.records):
    # an incremental run normalises only the values they lack.
    _table("resolve_normalised_code", "resolve", "fingerprint VARCHAR"),
    _table("resolve_normalised_given", "resolve",
        "raw VARCHAR, norm VARCHAR, first VARCHAR, root VARCHAR, roots VARCHAR[]"),
    _table("resolve_normalised_family", "resolve",
        "raw VARCHAR, norm VARCHAR, parts VARCHAR[], sx VARCHAR"),
    _table("resolve_normalised_other_names", "resolve",
        "raw VARCHAR, names VARCHAR[], roots VARCHAR[]"),
    _table("resolve_normalised_postcode", "resolve",
        "raw VARCHAR, norm VARCHAR, sector VARCHAR, district VARCHAR"),
    _table("resolve_normalised_phone", "resolve", "raw VARCHAR, phones VARCHAR[]"),
    _table("resolve_normalised_email", "resolve", "raw VARCHAR, emails VARCHAR[]"),
    _table("resolve_normalised_nhs", "resolve", "raw VARCHAR, norm VARCHAR"),
    _table("resolve_normalised_upn", "resolve", "raw VARCHAR, norm VARCHAR"),
    _table("resolve_model", "resolve",
        "saved_at TIMESTAMP, records BIGINT, training VARCHAR, model_json VARCHAR"),
    _table("resolve_model_levels", "resolve",
        "comparison VARCHAR, gamma INTEGER, phrase VARCHAR, similarity_sql VARCHAR, match_weight "
        "DOUBLE, m_probability DOUBLE, u_probability DOUBLE"),
    _table("resolve_pairs", "resolve",
        "match_weight DOUBLE, match_probability DOUBLE, record_id_l VARCHAR, record_id_r VARCHAR, "
        "nhs_number_norm_l VARCHAR, nhs_number_norm_r VARCHAR, gamma_nhs_number INTEGER, "
        "upn_norm_l VARCHAR, upn_norm_r VARCHAR, gamma_upn INTEGER, given_name_norm_l VARCHAR, "
        "given_name_norm_r VARCHAR, family_name_norm_l VARCHAR, family_name_norm_r VARCHAR, "
        "given_name_roots_l VARCHAR[], given_name_roots_r VARCHAR[], gamma_given_name INTEGER, "
        "family_name_parts_l VARCHAR[], family_name_parts_r VARCHAR[], gamma_family_name INTEGER, "
        "dob_l DATE, dob_r DATE, birth_year_l BIGINT, birth_year_r BIGINT, dob_key_l VARCHAR, "
        "dob_key_r VARCHAR, dob_text_l VARCHAR, dob_text_r VARCHAR, gamma_date_of_birth INTEGER, "
        "sex_l VARCHAR, sex_r VARCHAR, gamma_sex INTEGER, postcode_norm_l VARCHAR, "
        "postcode_norm_r VARCHAR, postcode_sector_l VARCHAR, postcode_sector_r VARCHAR, "
        "postcode_district_l VARCHAR, postcode_district_r VARCHAR, gamma_postcode INTEGER, "
        "phones_l VARCHAR[], phones_r VARCHAR[], gamma_phone INTEGER, emails_l VARCHAR[], "
        "emails_r VARCHAR[], gamma_email INTEGER, family_name_key_l VARCHAR, family_name_key_r "
        "VARCHAR, phone_first_l VARCHAR, phone_first_r VARCHAR, given_name_first_l VARCHAR, "
        "given_name_first_r VARCHAR, first_recorded_at_l TIMESTAMP, first_recorded_at_r "
        "TIMESTAMP, match_key VARCHAR"),
    _table("resolve_spelling_variants", "resolve",
        "name_l VARCHAR, name_r VARCHAR"),
    _table("thing_mentions", "resolve",
        "thing_id VARCHAR, event_id VARCHAR, record_id VARCHAR, agency VARCHAR, source VARCHAR, "
        "role VARCHAR, description VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP"),
    _table("things", "resolve",
        "thing_id VARCHAR, kind VARCHAR, value_norm VARCHAR, display VARCHAR"),
    # indicators --------------------------------------------------------------------------------
    _table("ind_narrative_texts", "indicators",
        "event_id VARCHAR, agency VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP, "
        "record_id VARCHAR, age INTEGER, text_key VARCHAR"),
    _table("indicator_hits", "indicators",
        "hit_id VARCHAR, indicator VARCHAR, category VARCHAR, weight DOUBLE, agency VARCHAR, "
        "event_id VARCHAR, record_id VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP, "
        "source VARCHAR, evidence VARCHAR, span_start INTEGER, span_end INTEGER, span_text "
        "VARCHAR, legal_floor VARCHAR, related_record_id VARCHAR, concern VARCHAR, text_layer VARCHAR, "
        "relation VARCHAR"),
    _table("language_findings", "indicators",
        "agency VARCHAR, event_id VARCHAR, record_id VARCHAR, kind VARCHAR, phrase VARCHAR, "
        "phrase_id VARCHAR, span_start INTEGER, span_end INTEGER, suggestion VARCHAR, occurred_at "
        "TIMESTAMP, recorded_at TIMESTAMP, child_age_years INTEGER"),
    # The text analyser's readings of every text read so far, by md5 of the text and the
    # analyser's fingerprint (lantern.indicators.narratives): an incremental run reads new texts only.
    _table("text_reading_texts", "indicators", "text_key VARCHAR, analyser VARCHAR"),
    _table("text_reading_findings", "indicators",
        "text_key VARCHAR, ordinal INTEGER, indicator VARCHAR, category VARCHAR, span_start "
        "INTEGER, span_end INTEGER, span_text VARCHAR, sentence VARCHAR, negated BOOLEAN, "
        "hypothetical BOOLEAN, historical BOOLEAN, experiencer VARCHAR, affirmed BOOLEAN, "
        "layer VARCHAR, relation VARCHAR"),
    _table("text_reading_language", "indicators",
        "text_key VARCHAR, ordinal INTEGER, kind VARCHAR, phrase VARCHAR, phrase_id VARCHAR, "
        "span_start INTEGER, span_end INTEGER, suggestion VARCHAR, max_child_age INTEGER"),
    _table("text_reading_mentions", "indicators",
        "text_key VARCHAR, ordinal INTEGER, kind VARCHAR, value VARCHAR, value_norm VARCHAR, "
        "span_start INTEGER, span_end INTEGER"),
    _table("text_findings", "indicators",
        "event_id VARCHAR, agency VARCHAR, indicator VARCHAR, category VARCHAR, span_start "
        "INTEGER, span_end INTEGER, span_text VARCHAR, sentence VARCHAR, negated BOOLEAN, "
        "hypothetical BOOLEAN, historical BOOLEAN, experiencer VARCHAR, affirmed BOOLEAN, "
        "occurred_at TIMESTAMP, recorded_at TIMESTAMP, layer VARCHAR, relation VARCHAR"),
    _table("text_mentions", "indicators",
        "event_id VARCHAR, agency VARCHAR, kind VARCHAR, value VARCHAR, value_norm VARCHAR, "
        "span_start INTEGER, span_end INTEGER, occurred_at TIMESTAMP, recorded_at TIMESTAMP"),
    # graph -------------------------------------------------------------------------------------
    _table("adult_child_links", "graph",
        "adult_id VARCHAR, child_id VARCHAR, signal_child BOOLEAN, weight DECIMAL(38,2), kinds "
        "VARCHAR[], n_events HUGEINT, first_available_at TIMESTAMP, last_occurred_at TIMESTAMP"),
    _table("graph_child_signals", "graph",
        "event_id VARCHAR, person_id VARCHAR, signal_at TIMESTAMP"),
    _table("graph_children", "graph",
        "person_id VARCHAR, first_child_event_at TIMESTAMP"),
    _table("graph_communities", "graph",
        "node_id VARCHAR, community BIGINT"),
    _table("graph_concern_signs", "graph",
        "sign VARCHAR, value VARCHAR"),
    _table("graph_connectors", "graph",
        "community BIGINT, node_id VARCHAR, n_children BIGINT, n_households BIGINT, connected_at "
        "TIMESTAMP"),
    _table("graph_family_names", "graph",
        "person_id VARCHAR, family_name VARCHAR"),
    _table("graph_contact_links", "graph",
        "node_id VARCHAR, child_id VARCHAR, household VARCHAR, first_available_at TIMESTAMP"),
    _table("graph_edges", "graph",
        "src VARCHAR, dst VARCHAR, kind VARCHAR, weight DECIMAL(38,2), first_available_at "
        "TIMESTAMP, last_occurred_at TIMESTAMP, n_events BIGINT, evidence JSON, raw_weight "
        "DECIMAL(38,2), first_occurred_at TIMESTAMP, n_signal_events BIGINT, agencies VARCHAR[], "
        "roles VARCHAR[], child_id VARCHAR, contact_id VARCHAR, record_only BOOLEAN, "
        "suspect_evidence BOOLEAN, routine BOOLEAN, routine_reason VARCHAR"),
    _table("graph_evidence", "graph",
        "src VARCHAR, dst VARCHAR, kind VARCHAR, event_id VARCHAR, paired_event_id VARCHAR, "
        "agency VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP, available_at TIMESTAMP, "
        "src_record VARCHAR, dst_record VARCHAR, src_role VARCHAR, dst_role VARCHAR, via VARCHAR, "
        "child_id VARCHAR, contact_id VARCHAR, points DECIMAL(2,1), signal_at TIMESTAMP, "
        "protective BOOLEAN, suspect BOOLEAN"),
    _table("graph_network_concerns", "graph",
        "network_id VARCHAR, signal_children BIGINT, naming_criminal_exploitation BIGINT, "
        "with_sexual_signs BIGINT, concern VARCHAR"),
    _table("graph_network_edges", "graph",
        "src VARCHAR, dst VARCHAR, weight DECIMAL(38,2)"),
    _table("graph_networks", "graph",
        "network_id VARCHAR, community BIGINT, signal_children BIGINT, first_available_at "
        "TIMESTAMP"),
    _table("graph_nicknames", "graph",
        "nickname VARCHAR, person_id VARCHAR, record_id VARCHAR, first_recorded_at TIMESTAMP"),
    _table("graph_nodes", "graph",
        "node_id VARCHAR, kind VARCHAR, label VARCHAR, subkind VARCHAR, is_child BOOLEAN, "
        "signal_child BOOLEAN, linked_signal_children BIGINT, routine BOOLEAN, routine_reason "
        "VARCHAR, first_available_at TIMESTAMP"),
    _table("graph_participants", "graph",
        "event_id VARCHAR, agency VARCHAR, event_type VARCHAR, occurred_at TIMESTAMP, recorded_at "
        "TIMESTAMP, ended_at TIMESTAMP, postcode VARCHAR, place_name VARCHAR, record_id VARCHAR, "
        "person_id VARCHAR, role VARCHAR, age_at_event BIGINT, is_child BOOLEAN, child_role "
        "BOOLEAN, protective BOOLEAN, suspect BOOLEAN, n_people BIGINT"),
    _table("graph_person_status", "graph",
        "person_id VARCHAR, dob DATE, birth_year BIGINT, home VARCHAR"),
    _table("graph_place_visits", "graph",
        "person_id VARCHAR, record_id VARCHAR, place_id VARCHAR, place_kind VARCHAR, place_label "
        "VARCHAR, event_id VARCHAR, agency VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP, "
        "role VARCHAR, is_child BOOLEAN, child_role BOOLEAN, people_that_day BIGINT"),
    _table("graph_signal_children", "graph",
        "person_id VARCHAR, n_hits BIGINT, n_categories BIGINT, categories VARCHAR[], "
        "first_hit_at TIMESTAMP"),
    _table("graph_stats", "graph",
        "node_id VARCHAR, kind VARCHAR, subkind VARCHAR, label VARCHAR, degree BIGINT, "
        "weighted_degree DOUBLE, betweenness DOUBLE, closeness DOUBLE, eigenvector DOUBLE, "
        "component BIGINT, component_size BIGINT, signal_child BOOLEAN, linked_signal_children "
        "BIGINT, routine BOOLEAN, estimated BOOLEAN"),
    _table("graph_stats_slices", "graph",
        "link_kind VARCHAR, period VARCHAR, node_id VARCHAR, degree BIGINT, weighted_degree "
        "DOUBLE, betweenness DOUBLE, closeness DOUBLE, eigenvector DOUBLE, component_size BIGINT, "
        "estimated BOOLEAN"),
    _table("graph_thing_links", "graph",
        "person_id VARCHAR, record_id VARCHAR, thing_id VARCHAR, event_id VARCHAR, agency "
        "VARCHAR, occurred_at TIMESTAMP, available_at TIMESTAMP, role VARCHAR, is_child BOOLEAN, "
        "source VARCHAR"),
    _table("adult_evidence", "graph",
        "item_id VARCHAR, adult_id VARCHAR, kind VARCHAR, child_id VARCHAR, account_of VARCHAR, "
        "agency VARCHAR, record_id VARCHAR, event_id VARCHAR, thing_id VARCHAR, occurred_at "
        "TIMESTAMP, recorded_at TIMESTAMP, recorded_by VARCHAR, summary VARCHAR, withdrawn "
        "BOOLEAN"),
    _table("account_withdrawals", "graph",
        "child_id VARCHAR, adult_id VARCHAR, disclosure_event_id VARCHAR, disclosure_record_id "
        "VARCHAR, disclosed_at TIMESTAMP, withdrawal_event_id VARCHAR, withdrawal_record_id "
        "VARCHAR, withdrawn_at TIMESTAMP, days_between INTEGER, withdrawal_words VARCHAR, "
        "missing_between INTEGER, adult_contacts_between INTEGER"),
    _table("disruptions", "graph",
        "disruption_id VARCHAR, target_kind VARCHAR, target_id VARCHAR, action VARCHAR, agency "
        "VARCHAR, owner VARCHAR, started_on DATE, ended_on DATE, outcome VARCHAR, record_id "
        "VARCHAR, recorded_at TIMESTAMP"),
    _table("target_activity_months", "graph",
        "target_kind VARCHAR, target_id VARCHAR, month DATE, sightings INTEGER, children_seen "
        "INTEGER, missing_episodes INTEGER"),
    _table("networks", "graph",
        "network_id VARCHAR, node_id VARCHAR, role_in_network VARCHAR"),
    _table("place_hotspots", "graph",
        "place_id VARCHAR, signal_children BIGINT, visits HUGEINT, children VARCHAR[], "
        "first_available_at TIMESTAMP, last_occurred_at TIMESTAMP"),
    # score -------------------------------------------------------------------------------------
    _table("assessments", "score",
        "person_id VARCHAR, kind VARCHAR, score DOUBLE, band VARCHAR, first_flagged_at DATE, "
        "network_ids VARCHAR, top_reasons VARCHAR, as_of DATE, linked_children INTEGER, records "
        "VARCHAR, legal_floor VARCHAR, points_band VARCHAR, concern VARCHAR"),
    _table("network_assessments", "score",
        "network_id VARCHAR, child_count INTEGER, adult_count INTEGER, score DOUBLE, "
        "first_flagged_at DATE, members VARCHAR, as_of DATE, band VARCHAR"),
    # Each component's centrality by its fingerprint (lantern.graph.centrality.Carry): an
    # incremental run carries the figures of the components that did not change.
    _table("graph_stats_state", "graph",
        "fingerprint VARCHAR, node_id VARCHAR, betweenness DOUBLE, harmonic DOUBLE, "
        "eigenvector DOUBLE"),
    _table("score_history", "score",
        "person_id VARCHAR, at DATE, score DOUBLE, band VARCHAR, track VARCHAR, cluster VARCHAR"),
    _table("score_persons", "score",
        "record_id VARCHAR, person_id VARCHAR"),
    # The replay's state on the assessment date, by part of the county (lantern.score.carry):
    # an incremental run carries forward the parts whose facts did not change.
    _table("score_replay_state", "score", "fingerprint VARCHAR, until DATE, state BLOB"),
    _table("score_reasons", "score",
        "person_id VARCHAR, points DOUBLE, category VARCHAR, indicator VARCHAR, agency VARCHAR, "
        "event_id VARCHAR, occurred_at DATE, recorded_at DATE, evidence VARCHAR, track VARCHAR"),
)
# fmt: on

BY_NAME = {table.name: table for table in TABLES}


def stage_tables(stage: str) -> tuple[DerivedTable, ...]:
    return tuple(t for t in TABLES if t.stage == stage)


def _rerun(path: object) -> str:
    return (
        f"re-run every stage on the records it holds with this Lantern: `lantern run --store "
        f"{path} --full` (or build a new store from the extract: `lantern run DATASET --store "
        f"NEW.duckdb`)"
    )


def check_version(
    con: duckdb.DuckDBPyConnection, path: object, *, read_only: bool, rederive: bool = False
) -> None:
    """Refuse a store written by an older Lantern; stamp a new one. Called once per open.

    A store with no version table is new (nothing derived in it yet: stamped now, when opened
    for writing) or older than versions (derived tables there: refused). `rederive`: the
    caller is about to write every derived table again (`lantern run --full`), so an older
    store is let in; the caller stamps it when the stages have run (`stamp`)."""
    present = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }  # (not connection.existing_tables: connection imports this module)
    if VERSION_TABLE in present:
        row = con.execute(f"SELECT max(store_version) FROM {VERSION_TABLE}").fetchall()  # noqa: S608
        version = row[0][0] if row else None
        if version is not None and version > STORE_VERSION:
            raise StoreError(
                f"{path}: written by a newer Lantern (store version {version}; this one reads "
                f"{STORE_VERSION}): upgrade Lantern to read it"
            )
        if version == STORE_VERSION or (rederive and not read_only):
            return
        older = f"store version {version}"
    else:
        derived = sorted(present & set(BY_NAME))
        if derived and rederive and not read_only:
            return
        if not derived:
            if not read_only:
                stamp(con)
            return
        older = (
            f"no store version; it has {', '.join(derived[:3])}{'…' if len(derived) > 3 else ''}"
        )
    raise StoreError(
        f"{path}: written by an older Lantern ({older}; this one reads store version "
        f"{STORE_VERSION}). Its tables are not read through fallbacks: {_rerun(path)}"
    )


def stamp(con: duckdb.DuckDBPyConnection) -> None:
    """Write this Lantern's store version into the store: a one-row view (a constant, not a
    table of data: a store a failed load left untouched still holds no table)."""
    con.execute(
        f"CREATE OR REPLACE VIEW {VERSION_TABLE} AS SELECT {int(STORE_VERSION)} AS store_version"
    )


def mismatches(con: duckdb.DuckDBPyConnection, stages: tuple[str, ...] = STAGES) -> list[str]:
    """How the store's derived tables differ from the contract (empty when they match)."""
    problems = []
    for table in TABLES:
        if table.stage not in stages:
            continue
        found = tuple(
            (name, kind)
            for name, kind in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position",
                [table.name],
            ).fetchall()
        )
        if not found:
            problems.append(f"{table.name} ({table.stage}): not in the store")
        elif set(found) != set(table.columns):  # not their order: Splink's varies by run
            extra = [c for c in found if c not in table.columns]
            missing = [c for c in table.columns if c not in found]
            problems.append(
                f"{table.name} ({table.stage}): in the store, not the contract: {extra}; "
                f"in the contract, not the store: {missing}"
            )
    return problems


def render_markdown() -> str:
    """docs/pipeline.md's generated section: every derived table and column, by stage."""
    lines = [
        "## Every derived table and column",
        "",
        "<!-- Generated from src/lantern/store/contract.py by `python -m lantern.store.contract`;",
        "     tests/unit/store/test_store_contract.py fails when this section is stale. -->",
        "",
        f"Store version {STORE_VERSION}. A store written by an older Lantern is refused when it is",
        "opened, with what to do: `lantern run --store S --full` writes every stage again on the",
        "records it holds and stamps it with this version.",
        "",
    ]
    for stage in STAGES:
        lines += [f"### {stage}", "", "| table | columns |", "|---|---|"]
        for table in stage_tables(stage):
            columns = ", ".join(f"`{name}` {kind}" for name, kind in table.columns)
            lines.append(f"| `{table.name}` | {columns} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")
