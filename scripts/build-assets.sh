#!/usr/bin/env bash
# Builds the web app's front-end assets (GOV.UK Frontend, MOJ Frontend, Cytoscape) from the npm
# registry into src/lantern/app/static/vendor, so the app never loads anything from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f frontend/package.json ] || exit 0
stamp=src/lantern/app/static/vendor/.built
if [ -f "$stamp" ] && [ "$stamp" -nt frontend/package-lock.json ]; then exit 0; fi
command -v npm >/dev/null || { echo "npm is needed to build the web assets (apt-get install npm)"; exit 1; }
(cd frontend && npm ci --silent --no-audit --no-fund)
bash frontend/copy-assets.sh
touch "$stamp"
