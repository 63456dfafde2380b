#!/usr/bin/env bash
# make demo: build a synthetic county, run the pipeline, serve the app. Usage: demo.sh PY DIR SEED CHILDREN
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$1"; DIR="$2"; SEED="$3"; CHILDREN="$4"
LANTERN="$(dirname "$PY")/lantern"
echo "Lantern demo: loading the bundled example dataset"
"$LANTERN" ingest examples/riverside --store "$DIR/lantern.duckdb"
