#!/usr/bin/env bash
# Refreshes docs/step-through.png, the README's picture of the step-through
# page: the browser test writes the page of cross_subnet_arp.toml at step 3.
# Needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
SIMNET_REQUIRE_CHROMIUM=1 SIMNET_SCREENSHOT="$PWD/docs/step-through.png" \
  cargo test --release --test page_browser -- --nocapture
echo "wrote docs/step-through.png"
