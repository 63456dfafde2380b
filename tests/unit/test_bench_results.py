"""bench/results.py replaces one benchmark's section of RESULTS.md and leaves the rest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from support import ROOT

spec = importlib.util.spec_from_file_location("bench_results", ROOT / "bench" / "results.py")
assert spec is not None and spec.loader is not None
results = importlib.util.module_from_spec(spec)
spec.loader.exec_module(results)


def test_a_section_is_replaced_in_place(tmp_path: Path) -> None:
    page = tmp_path / "RESULTS.md"
    page.write_text("# Results\n\n## A\n\nold a\n\n## B\n\nb stays\n")
    results.replace_section("## A", ["new a"], page)
    assert page.read_text() == "# Results\n\n## A\n\nnew a\n\n## B\n\nb stays\n"


def test_the_last_section_and_a_new_one(tmp_path: Path) -> None:
    page = tmp_path / "RESULTS.md"
    page.write_text("# Results\n\n## A\n\nold a\n")
    results.replace_section("## A", ["new a"], page)
    results.replace_section("## C", ["c"], page)
    assert page.read_text() == "# Results\n\n## A\n\nnew a\n\n## C\n\nc\n"


def test_a_kept_subsection_stays_after_the_new_lines(tmp_path: Path) -> None:
    page = tmp_path / "RESULTS.md"
    page.write_text("## A\n\nold a\n\n### By hand\n\nmeasured\n\n## B\n\nb\n")
    results.replace_section("## A", ["new a", ""], page, keep="### By hand")
    assert page.read_text() == "## A\n\nnew a\n\n### By hand\n\nmeasured\n\n## B\n\nb\n"
