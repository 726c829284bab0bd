#!/usr/bin/env bash
# Render a report in headless Chromium at a given width, to look at it as a reader would:
# 1366 for a laptop, 390 for a phone. Needs Debian's chromium (apt-get install chromium);
# a dev tool, not part of `make report`. The measured checks are in tests/test_browser.py.
# Usage: tools/screenshot.sh [width] [report.html] [out.png] [height]
#   e.g. tools/screenshot.sh 390  ->  /tmp/report-390.png of reports/report.html
set -euo pipefail
width=${1:-1366}
case $width in
  '' | *[!0-9]*) echo "screenshot.sh: width must be a number of CSS px, got '$width'" >&2; exit 2 ;;
esac
page=$(realpath "${2:-reports/report.html}")
out=${3:-/tmp/report-$width.png}
height=${4:-6000}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --window-size="$width,$height" \
  --screenshot="$out" "file://$page" >/dev/null 2>&1
echo "$out"
