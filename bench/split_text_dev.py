"""Split the independent dev notes into the tuning half and the held-out half (docs/evaluation.md).

Odd-numbered ids are for tuning (read them, trace them, change rules); even-numbered ids are held
out and scored once at the end of a piece of work. The halves go to bench/_work/text-dev/, which
is not committed, so that nobody reads the held-out half by accident in the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# shared/ sits beside the checkout (/work/main -> /work/shared); from a worktree one level
# deeper (/work/wt/NAME) it is two levels up: the first that exists.
DEFAULT_DEV = next(
    (
        p / "shared" / "eval" / "text" / "dev.jsonl"
        for p in ROOT.parents
        if (p / "shared" / "eval" / "text" / "dev.jsonl").exists()
    ),
    ROOT.parent / "shared" / "eval" / "text" / "dev.jsonl",
)
OUT = ROOT / "bench" / "_work" / "text-dev"


def split(dev: Path, out: Path) -> tuple[int, int]:
    out.mkdir(parents=True, exist_ok=True)
    tune, held = [], []
    for line in dev.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        number = int("".join(ch for ch in case["id"] if ch.isdigit()))
        (tune if number % 2 else held).append(line)
    (out / "tune.jsonl").write_text("\n".join(tune) + "\n", encoding="utf-8")
    (out / "heldout.jsonl").write_text("\n".join(held) + "\n", encoding="utf-8")
    return len(tune), len(held)


if __name__ == "__main__":
    dev = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEV
    n_tune, n_held = split(dev, OUT)
    print(f"tuning half: {n_tune} notes -> {OUT / 'tune.jsonl'}")
    print(f"held-out half: {n_held} notes -> {OUT / 'heldout.jsonl'} (score once, at the end)")
