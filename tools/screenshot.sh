#!/usr/bin/env bash
# Render reports/report.html in headless Chromium at a laptop width, to look at it as a reader would.
# Needs Debian's chromium (apt-get install chromium); a dev tool, not part of `make report`.
# Usage: tools/screenshot.sh [report.html] [out.png] [width] [height]
set -euo pipefail
page=$(realpath "${1:-reports/report.html}")
out=${2:-/tmp/report-screenshot.png}
width=${3:-1366}
height=${4:-6000}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --window-size="$width,$height" \
  --screenshot="$out" "file://$page" >/dev/null 2>&1
echo "$out"
