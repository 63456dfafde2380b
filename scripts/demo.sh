#!/usr/bin/env bash
# make demo: build a synthetic county, run the whole pipeline and the review, serve the web app on
# :8000 (or PORT). Usage: demo.sh PY DIR SEED CHILDREN [PORT].
# The county is live: moved in time so its records end in the week before today (`lantern synth
# --ends-on`). Re-running reuses the county and store already built while the county is under a
# week old; an older one is built again, so the queue, ages and clocks stay those of today.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$1"; DIR="$2"; SEED="$3"; CHILDREN="$4"; PORT="${5:-8000}"
LANTERN="$(dirname "$PY")/lantern"
mkdir -p "$DIR"
if [ -f "$DIR/county/manifest.yaml" ] && [ -z "$(find "$DIR/county/manifest.yaml" -mtime -7)" ]; then
  echo "== The demo county is over a week old: building it again to end this week"
  rm -rf "$DIR/county"
fi
if [ ! -f "$DIR/county/manifest.yaml" ]; then
  echo "== Building a synthetic county: $CHILDREN children over 10 years (seed $SEED), ending this week"
  "$LANTERN" synth --seed "$SEED" --children "$CHILDREN" --years 10 --out "$DIR/county" --ends-on today
fi
APP_DB="sqlite:///$DIR/lantern-app.db"
if [ ! -f "$DIR/lantern.duckdb" ] || [ ! -f "$DIR/lantern-demo.json" ] \
   || [ "$DIR/county/manifest.yaml" -nt "$DIR/lantern.duckdb" ]; then
  echo "== Running the pipeline: ingest, resolve, indicators, graph, score; then the review"
  # The marker is written last, so a build stopped half-way is redone next time (a run
  # stopped half-way leaves no store generation current at all: docs/operations.md).
  rm -rf "$DIR/lantern.duckdb" "$DIR/lantern.duckdb.generations" "$DIR/lantern.duckdb.wal" \
    "$DIR/building.duckdb" "$DIR/building.duckdb.wal" "$DIR/lantern-demo.json"
  rm -f "$DIR/lantern-app.db" "$DIR/lantern-app.db-wal" "$DIR/lantern-app.db-shm"
  "$LANTERN" run "$DIR/county" --store "$DIR/lantern.duckdb" --out "$DIR/assessment"
  "$LANTERN" review --store "$DIR/lantern.duckdb" --out "$DIR/review"
  # The marker `serve --demo` demands: this store and this app database are the demo's own
  # (demo mode resets accounts and prints passwords; it refuses anything else).
  "$PY" -m lantern.app.demo "$DIR/lantern.duckdb" "$APP_DB"
fi
echo "== Serving the web app on http://127.0.0.1:$PORT: sign in with a login below (Ctrl-C to stop)"
export LANTERN_DATABASE_URL="$APP_DB"
exec "$LANTERN" serve --store "$DIR/lantern.duckdb" --host 127.0.0.1 --port "$PORT" --demo
