"""The layers contract holds: each stage imports only the stages below it.

import-linter reads the contract from pyproject.toml ([tool.importlinter]); `make lint` runs it
too, but a test makes `make test` (and so CI) fail when an arrow runs back up.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT


def test_no_stage_imports_a_stage_above_it() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail("import-linter is not installed: make install-dev")
    done = subprocess.run(
        [lint_imports, "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
