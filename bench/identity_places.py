"""Issue 18's "Done when": the truncation property fails if any one of the listed places is put
back the old way; and what time-true identity does to quality on the tuning counties.

    python bench/identity_places.py property [NAME ...]   # each place put back, the property run
    python bench/identity_places.py quality               # tuning seeds, before / after
    python bench/identity_places.py write                 # the section of bench/RESULTS.md
    python bench/identity_places.py quality --graph       # the graph's child test alone
    python bench/identity_places.py write-graph           # its own section (sixth session)

`property`: for each place (`PLACES` below), a copy of src/ and tests/ in
bench/_work/identity-places/NAME with that one place put back the old way (never committed),
and the whole-pipeline truncation property of tests/integration/test_truncation_property.py
run on its three small counties (seeds 3, 8, 21) with that copy on PYTHONPATH. `quality`:
`lantern evaluate --no-siloed` on the tuning counties of docs/evaluation.md ("The protocol":
`lantern synth --seed 1|2 --children 2000`), with the code as it is (after) and with every
indicator and score place put back at once (before). Tuning seeds only.
"""

# ruff: noqa: S608  -- the SQL here is source text written into a copy of src/, never run with input

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from identity_common import (  # noqa: E402 - bench/ is on the path
    CHILDREN,
    ROOT,
    TUNING_SEEDS,
    commands,
    county,
    evaluate,
    quality,
    write_section,
)

WORK = ROOT / "bench" / "_work" / "identity-places"
SECTION = "## Time-true identity: each place put back the old way (issue 18, fifth session)"
SEEDS = ((3, 90, 4), (8, 70, 5), (21, 80, 4))  # the fast property's counties
QUALITY_SEEDS = TUNING_SEEDS
FINAL = (
    "(SELECT record_id, person_id AS person_label, NULL::TIMESTAMP AS valid_from, "
    "NULL::TIMESTAMP AS valid_to FROM persons)"
)

# What each place was before identity over time, as an edit of today's source.
PLACES = {
    "counting_final_persons": "missing_repeat, missing_escalating, return_interview_missed and "
    "sti_repeat grouped by today's persons, dated by the records' own dates",
    "family_final_identity": "found_with_adult's family test on today's persons (the child's and "
    "the adult's records one person now, not when the report was recorded)",
    "age_on_todays_identity": "the law on age on today's best-supported date of birth "
    "(`person_identity`), not the one known when the record was made",
    "graph_child_on_todays_dob": "the graph's child test on today's person's date of birth, "
    "and a thing on a record a child's if the person was a child at any event, later ones "
    "included",
    "score_persons_union_find": "the score's persons of D a union-find over today's "
    "`record_links` by `available_at`, not the clustering of D",
    "review_places_whole_history": "the review's places and vehicles from the whole history's "
    "graph (`graph_edges`), not the evidence recorded by `--to`",
    "review_identity_final": "the review's children grouped by today's `persons`, not the "
    "score's persons of `--to`",
}
BEFORE = ("counting_final_persons", "family_final_identity", "age_on_todays_identity",
          "score_persons_union_find")  # fmt: skip


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old[:60])
    path.write_text(text.replace(old, new))


def put_back(src: Path, place: str) -> None:
    """Edit the copy of src/ at `src` so that `place` works the old way."""
    lantern = src / "lantern"
    if place in ("counting_final_persons", "family_final_identity"):
        path = lantern / "indicators" / "structured.py"
        text = path.read_text()
        start, end = (
            ("def snapshot_events", "def missing_rules")
            if place == "counting_final_persons"
            else ("def known_family", "def service_vehicles")
        )
        i, j = text.index(start), text.index(end)
        body = text[i:j].replace("JOIN ind_person_spans", f"JOIN {FINAL}")
        assert body != text[i:j]
        path.write_text(text[:i] + body + text[j:])
    elif place == "age_on_todays_identity":
        path = lantern / "indicators" / "inputs.py"
        text = path.read_text()
        i = text.index('    steps.table(\n        f"{prefix}_dates_of_birth",')
        path.write_text(
            text[:i]
            + '''    steps.table(
        f"{prefix}_dates_of_birth",
        """
        SELECT m.record_id, m.known_at, coalesce(i.date_of_birth, r.dob)::DATE AS dob,
               CASE WHEN i.date_of_birth IS NULL
                    THEN coalesce(r.birth_year, i.birth_year) END::INTEGER AS birth_year,
               NULL::VARCHAR AS dob_note
        FROM (SELECT DISTINCT ep.record_id, e.recorded_at AS known_at
              FROM event_people ep JOIN events e USING (event_id)) m
        JOIN person_records r USING (record_id)
        LEFT JOIN persons s USING (record_id)
        LEFT JOIN person_identity i ON i.person_id = s.person_id
        """,
    )
'''
        )
    elif place == "score_persons_union_find":
        _replace(
            lantern / "resolve" / "history.py",
            """            SELECT together_from AS available_at, record_a AS record_id_l, record_b AS record_id_r
            FROM record_together
            WHERE together_from < {end} AND coalesce(together_to >= {end}, TRUE)""",
            """            SELECT available_at, record_id_l, record_id_r
            FROM record_links
            WHERE available_at < {end}""",
        )
    elif place == "graph_child_on_todays_dob":
        path = lantern / "graph" / "evidence.py"
        _replace(
            path,
            """LEFT JOIN graph_dates_of_birth s
                   ON s.record_id = ep.record_id AND s.known_at = e.recorded_at""",
            "LEFT JOIN graph_person_status s USING (person_id)",
        )
        _replace(
            path,
            "c.child_known_at <= coalesce(tm.recorded_at, r.first_recorded_at),",
            "c.child_known_at IS NOT NULL,",
        )
    elif place == "graph_as_before":
        # The graph's evidence as it was before this session's four graph fixes (the child
        # test, a record's thing, nickname carriers and a shared thing's crowd: c78cdcc..af33b44)
        old = subprocess.run(
            ["git", "show", "c78cdcc^:src/lantern/graph/evidence.py"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        (lantern / "graph" / "evidence.py").write_text(old)
    elif place == "review_places_whole_history":
        _replace(
            lantern / "review" / "stage.py",
            'if column_exists(con, "graph_evidence", "available_at"):',
            "if False:",
        )
    elif place == "review_identity_final":
        _replace(lantern / "review" / "upstream.py", 'if "score_persons" in present:', "if False:")
    else:
        raise SystemExit(f"no such place: {place}")


def _copy(name: str, places: tuple[str, ...]) -> Path:
    where = WORK / name
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    shutil.copytree(ROOT / "src", where / "src")
    shutil.copytree(ROOT / "tests", where / "tests")
    for place in places:
        put_back(where / "src", place)
    return where


CHECK = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1] + "/tests")
sys.path.insert(0, sys.argv[1] + "/tests/integration")
from lantern.cli import main
from test_truncation_property import check_truncation
seed, children, years = (int(v) for v in sys.argv[2:5])
with tempfile.TemporaryDirectory() as scratch:
    data = Path(scratch) / "county"
    assert main(["synth", "--out", str(data), "--seed", str(seed), "--children", str(children),
                 "--years", str(years)]) == 0
    problems = check_truncation(Path(scratch), data, seed, 2)
print("RESULT " + json.dumps(problems))
"""


def _check(tree: Path, seed: tuple[int, int, int]) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(tree), *map(str, seed)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return list(json.loads(line[len("RESULT ") :]))
    return [f"the run failed: {done.stderr.strip().splitlines()[-1:]}"]


def property_runs(names: list[str]) -> None:
    for name in names or ["none", *PLACES]:
        tree = _copy(name, () if name == "none" else (name,))
        with ThreadPoolExecutor(max_workers=2) as pool:  # two cores
            found = list(pool.map(lambda s: _check(tree, s), SEEDS))  # noqa: B023
        out = {f"seed {s[0]}": problems for s, problems in zip(SEEDS, found, strict=True)}
        (WORK / f"property-{name}.json").write_text(json.dumps(out, indent=1))
        failing = sum(1 for p in out.values() if p)
        print(f"{name}: the property fails on {failing} of {len(SEEDS)} counties", flush=True)


def quality_runs(places: tuple[str, ...] = BEFORE, tag: str = "") -> None:
    """Evaluate the tuning counties with the code as it is (after) and with `places` put back
    (before); the reports are WORK/{tag}{after,before}-s{seed}.json."""
    trees = {"after": _copy(f"{tag}quality-after", ()),
             "before": _copy(f"{tag}quality-before", places)}  # fmt: skip
    for seed in QUALITY_SEEDS:
        data = county(WORK, seed)
        for label, tree in trees.items():
            evaluate(data, WORK / f"{tag}{label}-s{seed}.json", tree / "src")


def _quality_rows(tag: str = "") -> list[str]:
    rows = []
    for seed in QUALITY_SEEDS:
        for label in ("before", "after"):
            path = WORK / f"{tag}{label}-s{seed}.json"
            if path.exists():
                q = quality(path)
                rows.append(
                    f"| {seed} | {label} | {q['p']:.3f} / {q['r']:.3f} ({q['flagged']}) "
                    f"| {q['ever_p']:.3f} / {q['ever_r']:.3f} | {q['lead']} ({q['before_recognition']}) |"
                )
    return rows


def _first(problems: list[str]) -> str:
    if not problems:
        return "holds"
    names = sorted({p.split(": ", 2)[1].split(":")[0] for p in problems if p.count(": ") >= 2})
    return f"fails ({len(problems)} differences: {', '.join(names)})"


def write() -> None:
    lines = [
        'Issue 18\'s "Done when": the whole-pipeline truncation property '
        "(`tests/integration/test_truncation_property.py`, three small synthetic counties, two "
        "random cut dates each, a late-merging child and father planted in each, reviewer "
        "decisions before and after the cuts) holds on the code as it is and fails when any one "
        "of the places below is put back the old way. Each row is a copy of the source with that "
        "one place edited back (`bench/identity_places.py`, `put_back`; never committed), run "
        f"{dt.date.today().isoformat()} on {platform.node()} ({platform.machine()}, "
        f"{os.cpu_count()} cores, shared). A cell names the outputs that differed between "
        "`assess --as-of D` on the full data and `assess` on the data recorded by D.",
        "",
        "| place put back | how it was | seed 3 | seed 8 | seed 21 |",
        "|---|---|---|---|---|",
    ]
    for name in ["none", *PLACES]:
        path = WORK / f"property-{name}.json"
        if not path.exists():
            continue
        out = json.loads(path.read_text())
        how = "(today's code)" if name == "none" else PLACES[name]
        cells = " | ".join(_first(out.get(f"seed {s[0]}", [])) for s in SEEDS)
        lines.append(f"| `{name}` | {how} | {cells} |")
    lines += [
        "",
        f"Quality on the tuning counties (`lantern synth --seed 1|2 --children {CHILDREN}`, "
        "`lantern evaluate --no-siloed`): *after* is this branch; *before* is the same code with "
        f"{', '.join(f'`{b}`' for b in BEFORE)} put back at once. Tuning seeds only.",
        "",
        "| seed | run | children >= medium P / R (flagged) | ever flagged P / R | lead, median "
        "days (flagged before recognition) |",
        "|---|---|---|---|---|",
    ]
    lines += _quality_rows()
    write_section(SECTION, lines, WORK)


GRAPH = "graph_child_on_todays_dob"
GRAPH_SECTION = (
    "## Time-true identity: the graph's ties as of their own date (issue 18, sixth session)"
)


def write_graph() -> None:
    """The sixth session's place, the graph's child test: its property row and what it does
    to quality (`quality --graph`), in a section of its own."""
    lines = [
        "The graph's child test read today's person's date of birth (and a thing on a person "
        "record was a child's if the person was a child at any event, later ones included); "
        "it now reads the date known when each event was recorded (`graph_dates_of_birth`). "
        "A nickname's carriers and a shared thing's crowd were counted over the whole history; "
        "they are now counted as of each tie's date. "
        f"Run {dt.date.today().isoformat()} on {platform.node()} ({platform.machine()}, "
        f"{os.cpu_count()} cores, shared), `bench/identity_places.py` "
        f"(`property {GRAPH}`, `quality --graph`, `write-graph`).",
        "",
        "| place put back | how it was | seed 3 | seed 8 | seed 21 |",
        "|---|---|---|---|---|",
    ]
    path = WORK / f"property-{GRAPH}.json"
    if path.exists():
        out = json.loads(path.read_text())
        cells = " | ".join(_first(out.get(f"seed {s[0]}", [])) for s in SEEDS)
        lines.append(f"| `{GRAPH}` | {PLACES[GRAPH]} | {cells} |")
    lines += [
        "",
        f"Quality on the tuning counties (`lantern synth --seed 1|2 --children {CHILDREN}`, "
        "`lantern evaluate --no-siloed`): *after* is this branch; *before* is the same code with "
        "the graph's evidence as it was before this session's four fixes (`graph_as_before`: "
        "graph/evidence.py at c78cdcc^). Tuning seeds only.",
        "",
        "| seed | run | children >= medium P / R (flagged) | ever flagged P / R | lead, median "
        "days (flagged before recognition) |",
        "|---|---|---|---|---|",
        *_quality_rows("graph-"),
    ]
    write_section(GRAPH_SECTION, lines, WORK, notes="graph-notes.md")


def main() -> None:
    parser, sub = commands(__doc__)
    prop = sub.add_parser("property")
    prop.add_argument("names", nargs="*")
    qual = sub.add_parser("quality")
    qual.add_argument("--graph", action="store_true", help="the graph's evidence as before")
    sub.add_parser("write")
    sub.add_parser("write-graph")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.command == "property":
        property_runs(args.names)
    elif args.command == "quality":
        quality_runs(("graph_as_before",), "graph-") if args.graph else quality_runs()
    elif args.command == "write-graph":
        write_graph()
    else:
        write()


if __name__ == "__main__":
    main()
