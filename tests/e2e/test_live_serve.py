"""No downtime: `lantern serve` keeps serving while `lantern run` works on the same store, moves
to the new generation without a restart, and stays on the previous one when a run is killed.

Real processes: the server and every run are `python -m lantern.cli` subprocesses on one
store, the pages are fetched over HTTP."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from live_support import RIVERSIDE, add_analyst, environment, lantern, riverside_before, serving

KAYLEIGH = re.compile(r'href="/alerts/\d+">Kayleigh ')  # her alert in the queue


def _base_store(tmp_path: Path, env: dict[str, str]) -> Path:
    store = tmp_path / "lantern.duckdb"
    base = riverside_before(tmp_path / "base")
    done = lantern("run", str(base), "--store", str(store), env=env)
    assert done.returncode == 0, done.stderr
    add_analyst(tmp_path)
    return store


def _generation(text: str) -> int:
    found = re.search(r"store generation (\d+)", text)
    assert found, text[:2000]
    return int(found[1])


def test_a_run_raises_a_new_alert_that_the_serving_app_shows_without_a_restart(tmp_path):
    env = environment(tmp_path)
    store = _base_store(tmp_path, env)
    with serving(tmp_path, store, env) as app:
        before = app.page("/alerts")
        assert not KAYLEIGH.search(before), "Kayleigh is not at medium before the delta"
        assert _generation(before) == 1
        assert "Data as of 15 Mar 2013" in before  # the base's latest recorded_at

        run = subprocess.Popen(
            [sys.executable, "-m", "lantern.cli", "run", str(RIVERSIDE), "--store", str(store)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        # While the run works, the app answers from generation 1 (until the run switches, a
        # moment before its process ends).
        seen = []
        while run.poll() is None:
            seen.append(_generation(app.page("/alerts")))
            time.sleep(0.5)
        served_during = seen.count(1)
        assert seen == sorted(seen) and set(seen) <= {1, 2}, seen
        out, err = run.communicate()
        assert run.returncode == 0, err
        assert served_during >= 3, "the run was too quick to see the app serving meanwhile"
        line = out.strip().splitlines()[-1]
        assert line.startswith("lantern-run outcome=succeeded exit=0"), out
        assert "generation=2 mode=incremental" in line  # the store held a run

        after = app.wait_for("/alerts", r"store generation 2")
        assert KAYLEIGH.search(after), "the new alert is in the queue"
        assert "Data as of 12 Jun 2014" in after
        assert app.process.poll() is None  # the same server process throughout

    status = lantern("status", "--store", str(store), "--json", env=env)
    assert status.returncode == 0, status.stderr
    found = json.loads(status.stdout)
    assert found["current"]["generation"] == 2
    assert found["last_run"]["outcome"] == "succeeded"
    assert found["last_run"]["loaded"] > 0


def test_a_run_killed_half_way_leaves_the_app_on_the_previous_generation(tmp_path):
    env = environment(tmp_path)
    store = _base_store(tmp_path, env)
    with serving(tmp_path, store, env) as app:
        run = subprocess.Popen(
            [sys.executable, "-m", "lantern.cli", "run", str(RIVERSIDE), "--store", str(store)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert run.stderr is not None
        for line in run.stderr:  # the stage boundaries, as the run announces them
            if line.startswith("graph…"):
                run.send_signal(signal.SIGKILL)
                break
        run.wait()
        assert run.returncode == -signal.SIGKILL

        # The app still serves generation 1, and keeps doing so.
        time.sleep(2)
        page = app.page("/alerts")
        assert _generation(page) == 1 and not KAYLEIGH.search(page)
        status = lantern("status", "--store", str(store), "--json", env=env)
        assert status.returncode == 1, "a run that did not finish is a failure to monitoring"
        found = json.loads(status.stdout)
        assert found["last_run"]["outcome"] == "did not finish"
        assert found["current"]["generation"] == 1

        # The next run succeeds (the killed run's lock went with it) and the app moves on.
        again = lantern("run", str(RIVERSIDE), "--store", str(store), env=env)
        assert again.returncode == 0, again.stderr
        assert "generation=2" in again.stdout.strip().splitlines()[-1]
        after = app.wait_for("/alerts", r"store generation 2")
        assert KAYLEIGH.search(after)
    left = sorted(p.name for p in (tmp_path / "lantern.duckdb.generations").iterdir())
    assert [n for n in left if n.endswith(".duckdb")] == ["000001.duckdb", "000002.duckdb"]
