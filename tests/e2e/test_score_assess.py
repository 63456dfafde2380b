"""`lantern assess` end to end on the Riverside example: the four files of the spec,
every record once, and not a byte different when the ethnicity column is shuffled."""

import csv
import random
import shutil

from lantern.cli import main
from support import EXAMPLES

FILES = {
    "persons.csv": ["person_id", "records"],
    "children.csv": ["person_id", "records", "band", "score", "first_flagged_at", "network_ids", "top_reasons", "concern"],
    "adults.csv": ["person_id", "records", "score", "linked_children", "first_flagged_at", "network_ids", "top_reasons", "band", "concern", "known_by"],
    "networks.csv": ["network_id", "members", "child_count", "adult_count", "score", "first_flagged_at", "concern", "band"],
}  # fmt: skip


def _rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _shuffled_copy(source, target):
    shutil.copytree(source, target)
    people = target / "people.csv"
    rows = _rows(people)
    header, body = rows[0], rows[1:]
    column = header.index("ethnicity")
    values = [row[column] for row in body]
    random.Random(11).shuffle(values)
    values = ["Z9" if i % 3 == 0 else v for i, v in enumerate(values)]  # and some never seen
    for row, value in zip(body, values, strict=True):
        row[column] = value
    with people.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *body])


def test_assess_writes_the_spec_files_and_ethnicity_changes_nothing(tmp_path):
    dataset = EXAMPLES / "riverside"
    assert main(["assess", str(dataset), "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    for name, header in FILES.items():
        assert _rows(out / name)[0] == header, name

    people = _rows(dataset / "people.csv")
    records = sorted(f"{row[0]}:{row[1]}" for row in people[1:])
    listed = sorted(r for row in _rows(out / "persons.csv")[1:] for r in row[1].split(";"))
    assert listed == records  # every input record exactly once
    children = _rows(out / "children.csv")[1:]
    assert any(row[2] in ("medium", "high") and row[4] for row in children)

    _shuffled_copy(dataset, tmp_path / "shuffled")
    assert main(["assess", str(tmp_path / "shuffled"), "--out", str(tmp_path / "again")]) == 0
    for name in FILES:
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_every_adult_and_network_has_a_band_that_agrees_with_its_flag(tmp_path):
    assert main(["assess", str(EXAMPLES / "riverside"), "--out", str(tmp_path / "out")]) == 0
    adults = _rows(tmp_path / "out" / "adults.csv")
    header = adults[0]
    band, score = header.index("band"), header.index("score")
    assert adults[1:]
    for row in adults[1:]:
        assert row[band] in ("none", "low", "medium", "high")
        # the adult bands of docs/scoring.md: medium from 14 points, high from 24
        assert (row[band] in ("medium", "high")) == (float(row[score]) >= 14), row
    networks = _rows(tmp_path / "out" / "networks.csv")
    header = networks[0]
    band, flagged = header.index("band"), header.index("first_flagged_at")
    for row in networks[1:]:
        # a network never flagged is not put forward: band none; a flagged one medium or high
        assert (row[band] == "none") == (not row[flagged]), row
