#!/usr/bin/env bash
# Refresh the pinned front-end libraries in tracker/static/vendor from the npm registry.
# The app never loads anything from the internet at run time: these copies are committed.
set -euo pipefail
BOOTSTRAP_VERSION=5.3.9
CHARTJS_VERSION=4.6.1
# IndexedDB as promises for the offline queue (tracker/static/js/outbox.js): 600 bytes, no build step.
IDB_KEYVAL_VERSION=6.3.0
# Drag and drop of the board (/board): pointer and touch events, no dependencies.
SORTABLEJS_VERSION=1.15.7

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/tracker/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION -> unpacked into $work/NAME
  (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
  mkdir -p "$work/$1"
  tar -xzf "$work"/"$1"-"$2".tgz -C "$work/$1" --strip-components=1
}

fetch bootstrap "$BOOTSTRAP_VERSION"
mkdir -p "$vendor/bootstrap"
cp "$work/bootstrap/dist/css/bootstrap.min.css" "$work/bootstrap/dist/js/bootstrap.bundle.min.js" \
   "$work/bootstrap/LICENSE" "$vendor/bootstrap/"

fetch chart.js "$CHARTJS_VERSION"
mkdir -p "$vendor/chartjs"
cp "$work/chart.js/dist/chart.umd.min.js" "$work/chart.js/LICENSE.md" "$vendor/chartjs/" 2>/dev/null \
  || cp "$work/chart.js/dist/chart.umd.js" "$vendor/chartjs/chart.umd.min.js"

fetch idb-keyval "$IDB_KEYVAL_VERSION"
mkdir -p "$vendor/idb-keyval"
cp "$work/idb-keyval/dist/index.js" "$work/idb-keyval/LICENCE" "$vendor/idb-keyval/"

fetch sortablejs "$SORTABLEJS_VERSION"
mkdir -p "$vendor/sortablejs"
cp "$work/sortablejs/Sortable.min.js" "$work/sortablejs/LICENSE" "$vendor/sortablejs/"

cat > "$vendor/VERSIONS" <<EOV
bootstrap $BOOTSTRAP_VERSION
chart.js $CHARTJS_VERSION
idb-keyval $IDB_KEYVAL_VERSION
sortablejs $SORTABLEJS_VERSION
EOV
echo "Vendored bootstrap $BOOTSTRAP_VERSION, chart.js $CHARTJS_VERSION, idb-keyval $IDB_KEYVAL_VERSION and sortablejs $SORTABLEJS_VERSION into $vendor"
