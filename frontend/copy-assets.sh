#!/usr/bin/env bash
# Copies the built front-end packages from frontend/node_modules into the Python package, so the
# web app serves every stylesheet, script, font and image itself (never from a CDN).
#   static/vendor/govuk/      govuk-frontend@6 CSS and JS
#   static/vendor/moj/        @ministryofjustice/frontend@11 CSS and JS (the timeline)
#   static/vendor/cytoscape/  cytoscape@3 (the network graph)
#   static/vendor/assets/     fonts and images, served at /assets (the CSS refers to /assets/...)
#   static/vendor/axe/        axe-core@4 (a devDependency): the browser tests' accessibility
#                             checks; no page refers to it
set -euo pipefail
cd "$(dirname "$0")"
src=node_modules
out=../src/lantern/app/static/vendor
[ -d "$src/govuk-frontend" ] || { echo "run npm ci in frontend/ first" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/govuk" "$out/moj" "$out/cytoscape" "$out/assets"
cp "$src/govuk-frontend/dist/govuk/govuk-frontend.min.css" "$src/govuk-frontend/dist/govuk/govuk-frontend.min.js" "$out/govuk/"
cp -r "$src/govuk-frontend/dist/govuk/assets/." "$out/assets/"
cp "$src/@ministryofjustice/frontend/moj/moj-frontend.min.css" "$src/@ministryofjustice/frontend/moj/moj-frontend.min.js" "$out/moj/"
cp -r "$src/@ministryofjustice/frontend/moj/assets/images/." "$out/assets/images/"
cp "$src/cytoscape/dist/cytoscape.min.js" "$out/cytoscape/"
if [ -f "$src/axe-core/axe.min.js" ]; then
  mkdir -p "$out/axe" && cp "$src/axe-core/axe.min.js" "$src/axe-core/LICENSE" "$out/axe/"
fi
cp "$src/govuk-frontend/LICENSE.txt" "$out/govuk/" 2>/dev/null || true
cp "$src/cytoscape/LICENSE" "$out/cytoscape/" 2>/dev/null || true
echo "web assets copied to src/lantern/app/static/vendor"
