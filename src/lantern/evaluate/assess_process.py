"""One assessment in its own process (used by `lantern evaluate`): writes OUT/run.json.

Usage: python -m lantern.evaluate.assess_process DATASET OUT [--agency A]... [--as-of D]
Exit code 3 when `lantern.pipeline.assess` does not exist.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--agency", action="append", default=None)
    parser.add_argument("--as-of", default=None)
    args = parser.parse_args(argv)
    try:
        from lantern.pipeline import assess
    except ImportError:
        print("lantern.pipeline.assess is not available", file=sys.stderr)
        return 3
    began = time.perf_counter()
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    result = assess(args.dataset, args.out, as_of=as_of, agencies=args.agency)
    seconds = time.perf_counter() - began
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = {
        "agencies": args.agency or "all",
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_kib / 1024, 1),
    }
    stages = getattr(result, "stages", None)
    if stages:
        run["stages"] = [
            dataclasses.asdict(s) if dataclasses.is_dataclass(s) and not isinstance(s, type) else s
            for s in stages
        ]
    (args.out / "run.json").write_text(json.dumps(run, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
