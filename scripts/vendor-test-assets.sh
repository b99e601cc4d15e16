#!/usr/bin/env bash
# Refresh the pinned test-only libraries in tests/browser/vendor from the npm registry.
# axe-core checks accessibility in the browser tests; the app itself never serves it.
set -euo pipefail
AXE_VERSION=4.14.1

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/tests/browser/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null)
mkdir -p "$work/axe-core" "$vendor"
tar -xzf "$work/axe-core-$AXE_VERSION.tgz" -C "$work/axe-core" --strip-components=1
cp "$work/axe-core/axe.min.js" "$vendor/axe.min.js"
cp "$work/axe-core/LICENSE" "$vendor/axe-LICENSE"
echo "axe-core $AXE_VERSION" > "$vendor/VERSIONS"
echo "Vendored axe-core $AXE_VERSION into $vendor"
