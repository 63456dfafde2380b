"""Does a change that means to move code, not behaviour, leave the pipeline's output alone?

    python bench/same_behaviour.py --before DIR --after DIR [--seeds 1 2 3] [--note TEXT]

DIR holds, for each seed N, the store `lantern run` wrote (`<label>-N.duckdb`) and the four
files `lantern assess` wrote (`<label>-assess-N/`), each from the code before and after the
change on the same county (`lantern synth --seed N --children 2000`). Every derived table in
the store contract (`lantern.store.contract`) is compared as a multiset of rows
(`bench/compare_stores.py`), and each assessment file byte for byte. The section it writes
into bench/RESULTS.md says which, if any, differ. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import filecmp
import platform
import sys
from datetime import date
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from compare_stores import compare  # noqa: E402
from results import replace_section  # noqa: E402

from lantern.store.contract import TABLES  # noqa: E402

SECTION = "## Behaviour unchanged by the restructure (issue 17, `bench/same_behaviour.py`)"
FILES = ("persons.csv", "children.csv", "adults.csv", "networks.csv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="DIR/before-N.duckdb, …")
    parser.add_argument("--after", type=Path, required=True, help="DIR/final-N.duckdb, …")
    parser.add_argument("--before-label", default="before")
    parser.add_argument("--after-label", default="final")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--note", action="append", default=[], help="a line for the section")
    args = parser.parse_args(argv)
    lines = [
        f"Measured {date.today():%Y-%m-%d} on {platform.machine()}, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}. Tuning seeds "
        f"{', '.join(map(str, args.seeds))} (`lantern synth --seed N --children 2000`), each "
        "county run through `lantern run` and `lantern assess` with the code before the "
        "restructure and after it.",
        "",
        "| seed | derived tables compared | tables that differ | rows compared | "
        "assessment files identical |",
        "|---|---|---|---|---|",
    ]
    differ = False
    for seed in args.seeds:
        con = duckdb.connect()
        before = args.before / f"{args.before_label}-{seed}.duckdb"
        after = args.after / f"{args.after_label}-{seed}.duckdb"
        con.execute(f"ATTACH '{before}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{after}' AS b (READ_ONLY)")
        compared, rows, different = 0, 0, []
        for table in TABLES:
            verdict = compare(con, table.name)
            if verdict is None:
                continue
            compared += 1
            print(f"seed {seed} {table.name:28} {verdict}")
            if verdict.startswith("same"):
                rows += int(verdict.split("(")[1].split()[0])
            else:
                different.append(table.name)
        con.close()
        same_files = [
            name
            for name in FILES
            if filecmp.cmp(
                args.before / f"{args.before_label}-assess-{seed}" / name,
                args.after / f"{args.after_label}-assess-{seed}" / name,
                shallow=False,
            )
        ]
        differ |= bool(different) or len(same_files) < len(FILES)
        lines.append(
            f"| {seed} | {compared} | {', '.join(different) or 'none'} | {rows:,} | "
            f"{len(same_files)} of {len(FILES)} |"
        )
    lines += ["", *args.note]
    replace_section(SECTION, lines)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
