#!/usr/bin/env bash
# Set up (first run only) and run the videokit demo on built-in synthetic data.
# Usage: scripts/demo.sh [OUT_DIR]   (default: demo_out/)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup_env.sh
OUT="${1:-demo_out}"
videokit demo "$OUT"
