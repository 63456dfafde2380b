"""`lantern run` on a persistent store: a second extract updates it, and the same extract
twice changes nothing."""

import pytest

from lantern.cli import main
from support import EXAMPLES


@pytest.mark.slow
def test_running_the_same_extract_twice_gives_the_same_assessment(store_path, tmp_path):
    dataset = str(EXAMPLES / "riverside")
    assert main(["run", dataset, "--store", str(store_path), "--out", str(tmp_path / "one")]) == 0
    assert main(["run", dataset, "--store", str(store_path), "--out", str(tmp_path / "two")]) == 0
    for name in ("persons.csv", "children.csv", "adults.csv", "networks.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert len((tmp_path / "one" / "persons.csv").read_text().splitlines()) > 1
