"""bench/review.py's comparison of tiers with the planted truth, on a hand-made truth."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_review", ROOT / "bench" / "review.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_victims_and_non_victims_are_counted_per_tier(tmp_path):
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "records.csv").write_text(
        "agency,person_ref,person_id\n"
        "police,A,T1\nhealth,H,T1\npolice,B,T2\npolice,C,T3\npolice,D,T4\n"
    )
    (truth / "victims.csv").write_text(
        "person_id,network_id,recognition_date\nT1,SN1,2011-01-01\nT2,SN1,\nT4,SN1,2014-01-01\n"
    )
    tiers = tmp_path / "tiers.csv"
    tiers.write_text(
        "person_id,records,tier,first_signal_at,first_flagged_at,first_action_at\n"
        "P1,police:A,recognised,,,\n"  # T1, split across two resolved children
        "P2,health:H,possible,,,\n"
        "P3,police:C,possible,,,\n"  # T3 is not a victim
    )
    result = _bench().compare(truth, tiers, None)
    assert result["victims_by_tier"] == {"recognised": 1, "in no tier": 2}
    assert result["per_tier"]["possible"] == {
        "children": 2, "planted victims": 1, "not planted victims": 1,
    }  # fmt: skip
    assert result["recognised_in_truth"] == 2
    assert result["recognised_in_truth_and_tier"] == 1
